"""Validation of wire answers against docs/tagrain-openapi.yaml (OpenAPI 3.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "tagrain-openapi.yaml"
BASE = "urn:tagrain-openapi"


@dataclass
class Contract:
    """The loaded OpenAPI document."""

    document: dict[str, Any]
    registry: Registry

    @classmethod
    def load(cls) -> Contract:
        """Read and check the document."""
        document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        return cls(document, Registry().with_resource(BASE, resource))

    def validate(self, schema_name: str, payload: Any) -> None:
        """Validate ``payload`` against ``components/schemas/<schema_name>``."""
        self._validate(f"#/components/schemas/{schema_name}", payload)

    def _validate(self, pointer: str, payload: Any) -> None:
        validator = jsonschema.Draft202012Validator(
            {"$ref": BASE + pointer}, registry=self.registry
        )
        validator.validate(payload)

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        """The template path and operation object a concrete ``/api/v1`` path matches."""
        relative = path.split("/api/v1", 1)[1].split("?", 1)[0]
        for template, item in self.document["paths"].items():
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            if re.match(pattern, relative) and method.lower() in item:
                return template, item[method.lower()]
        raise AssertionError(f"{method} {relative} is not in the OpenAPI document")

    def validate_response(
        self,
        method: str,
        path: str,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Validate an answer against the operation's documented response for ``status``."""
        template, operation = self.operation(method, path)
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {template} does not document {status}"
        response = responses[str(status)]
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[1]
            response = self.document["components"]["responses"][name]
        for header, spec in response.get("headers", {}).items():
            if spec.get("required"):
                assert headers is not None and header.lower() in {h.lower() for h in headers}, (
                    f"{header} missing"
                )
        schema = response["content"]["application/json"]["schema"]
        self._validate(schema["$ref"], payload)
