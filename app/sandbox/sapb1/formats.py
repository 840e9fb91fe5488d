"""How v1 (OData v3 flavour) and v2 (OData v4 flavour) write entities, pages and errors."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from app.sandbox.httpserver import SandboxResponse

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.]*Z?)?$")
_DATE_NAMES = ("Date", "From", "To", "Until")


def is_date_property(name: str) -> bool:
    """Whether a property holds a date (``DocDate``, ``UpdateDate``, ``CardValidUntil``...)."""
    return name.endswith(_DATE_NAMES)


def etag(body: dict[str, Any]) -> str:
    """A weak ETag over the entity's content, as SL writes it: ``W/"<SHA1>"``."""
    digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
    return f'W/"{digest.upper()}"'


def normalize_dates(value: Any, name: str = "") -> Any:
    """Incoming dates in either version's form (``2024-01-31[T00:00:00Z]``) as ``YYYY-MM-DD``."""
    if isinstance(value, dict):
        return {k: normalize_dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_dates(v, name) for v in value]
    if isinstance(value, str) and is_date_property(name) and _DATE.match(value):
        return value[:10]
    return value


@dataclass(frozen=True)
class Dialect:
    """The wire format of one Service Layer version."""

    version: str

    @property
    def v2(self) -> bool:
        """Whether this is the OData v4 flavour."""
        return self.version == "v2"

    @property
    def next_link_key(self) -> str:
        """The annotation of the next page's link."""
        return "@odata.nextLink" if self.v2 else "odata.nextLink"

    def headers(self) -> list[tuple[str, str]]:
        """Content type and protocol version headers of a JSON answer."""
        if self.v2:
            return [
                ("Content-Type", "application/json;odata.metadata=minimal;charset=utf-8"),
                ("OData-Version", "4.0"),
            ]
        return [
            ("Content-Type", "application/json;odata=minimalmetadata;charset=utf-8"),
            ("DataServiceVersion", "3.0"),
        ]

    def json(
        self, status: int, payload: Any, extra: list[tuple[str, str]] | None = None
    ) -> SandboxResponse:
        """A JSON answer in this dialect."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return SandboxResponse(status, body, self.headers() + (extra or []))

    def context(self, root: str, set_name: str, single: bool) -> dict[str, str]:
        """The metadata annotation of a collection or a single entity."""
        if self.v2:
            suffix = "/$entity" if single else ""
            return {"@odata.context": f"{root}/b1s/v2/$metadata#{set_name}{suffix}"}
        suffix = "/@Element" if single else ""
        return {"odata.metadata": f"{root}/b1s/v1/$metadata#{set_name}{suffix}"}

    def render(self, body: dict[str, Any], tag: str | None = None) -> dict[str, Any]:
        """An entity as this version writes it (dates, ETag annotation)."""
        out: dict[str, Any] = {}
        if self.v2 and tag is not None:
            out["@odata.etag"] = tag
        out.update(self._dates({k: v for k, v in body.items() if not k.startswith("_")}))
        return out

    def _dates(self, value: Any, name: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._dates(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._dates(v, name) for v in value]
        if (
            isinstance(value, str)
            and is_date_property(name)
            and len(value) == 10
            and _DATE.match(value)
        ):
            return f"{value}T00:00:00Z" if self.v2 else value
        return value

    def count_annotation(self, count: int) -> dict[str, Any]:
        """``$inlinecount`` / ``$count=true``: v1 writes the number as a string."""
        return {"@odata.count": count} if self.v2 else {"odata.count": str(count)}

    def error(self, status: int, code: int, message: str) -> SandboxResponse:
        """An error answer in this version's shape."""
        if self.v2:
            payload: dict[str, Any] = {"error": {"code": str(code), "message": message}}
        else:
            payload = {"error": {"code": code, "message": {"lang": "en-us", "value": message}}}
        return self.json(status, payload)


V1 = Dialect("v1")
V2 = Dialect("v2")
DIALECTS = {"v1": V1, "v2": V2}
