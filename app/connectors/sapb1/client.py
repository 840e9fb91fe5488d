"""The Service Layer client the sync core uses: reads, writes, actions, counts, batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from app.connectors.sapb1.batch import (
    BatchRequest,
    BatchResponse,
    ChangeSet,
    build_batch,
    parse_batch_response,
)
from app.connectors.sapb1.errors import TransientError, error_for
from app.connectors.sapb1.odata import Key, changed_since_filter, key_path, resolve_link
from app.connectors.sapb1.settings import ServiceLayerSettings
from app.connectors.sapb1.transport import Transport


class ServiceLayerClient:
    """A thread-safe client of one SAP Business One Service Layer (v1 or v2).

    Logs in lazily, keeps one SL session per concurrent caller (up to
    ``settings.max_sessions``), logs in again once when a session expires, and
    retries transient failures a bounded number of times. Errors are the typed
    exceptions of ``app.connectors.sapb1.errors``.
    """

    def __init__(self, settings: ServiceLayerSettings) -> None:
        self.settings = settings
        self.transport = Transport(settings)

    @property
    def service_root(self) -> str:
        """``<base>/b1s/<version>/``."""
        return self.settings.service_root

    def close(self, *, wait: bool = True) -> None:
        """Log out and release the connections (``wait=False``: log out behind the caller)."""
        self.transport.close(wait=wait)

    def __enter__(self) -> ServiceLayerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- session -------------------------------------------------------------------

    def login(self) -> None:
        """Log in now (otherwise the first request does); raises AuthenticationError."""
        with self.transport.session() as sl, sl.lock:
            if sl.cookie is None:
                self.transport.login(sl)

    def ping(self) -> dict[str, Any]:
        """``GET /ping/`` at the server root, without logging in ("Test connection")."""
        with self.transport.session() as sl:
            response = self.transport.send(
                sl, "GET", f"{self.settings.base_url}/ping/", cookie=False
            )
        if response.status_code >= 400:
            raise error_for(response.status_code, response.content)
        result: dict[str, Any] = response.json()
        return result

    # --- reads ----------------------------------------------------------------------

    def get(self, entity: str, key: Key, select: list[str] | None = None) -> dict[str, Any]:
        """One entity by key, e.g. ``get("Items", "A1")``; NotFoundError when missing."""
        params = {"$select": ",".join(select)} if select else None
        result: dict[str, Any] = self.transport.request_json(
            "GET", self.service_root + key_path(entity, key), params=params
        )
        return result

    def iter_pages(
        self,
        entity: str,
        *,
        filter: str | None = None,
        select: list[str] | None = None,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
        page_size: int | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of a collection, following ``nextLink`` (v1 and v2) against the service root."""
        params: dict[str, str] = {}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = ",".join(select)
        if orderby:
            params["$orderby"] = orderby
        if top is not None:
            params["$top"] = str(top)
        if skip:
            params["$skip"] = str(skip)
        size = page_size if page_size is not None else self.settings.page_size
        headers = {"Prefer": f"odata.maxpagesize={size}"} if size is not None else None
        url = self.service_root + entity
        query: dict[str, str] | None = params
        while True:
            data = self.transport.request_json("GET", url, params=query, headers=headers)
            yield list(data.get("value", []))
            link = data.get("@odata.nextLink") or data.get("odata.nextLink")
            if not link:
                return
            url, query = resolve_link(self.service_root, link), None

    def iter_entities(
        self,
        entity: str,
        *,
        filter: str | None = None,
        select: list[str] | None = None,
        orderby: str | None = None,
        top: int | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every matching entity, streamed page by page (memory stays flat)."""
        for page in self.iter_pages(
            entity, filter=filter, select=select, orderby=orderby, top=top, page_size=page_size
        ):
            yield from page

    def changed_since(
        self,
        entity: str,
        watermark: dt.datetime,
        *,
        select: list[str] | None = None,
        filter: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Entities changed at or after ``watermark`` (inclusive), oldest change first."""
        condition = changed_since_filter(watermark, self.settings.version)
        if filter:
            condition = f"({condition}) and ({filter})"
        return self.iter_entities(
            entity,
            filter=condition,
            select=select,
            orderby="UpdateDate,UpdateTime",
            page_size=page_size,
        )

    def first(
        self, entity: str, filter: str, select: list[str] | None = None
    ) -> dict[str, Any] | None:
        """The first entity matching ``filter`` (e.g. ``U_TG_ID eq 'x'``), or None."""
        page = next(self.iter_pages(entity, filter=filter, select=select, top=1), [])
        return page[0] if page else None

    def count(self, entity: str, filter: str | None = None) -> int:
        """How many entities match (``GET <entity>/$count``)."""
        params = {"$filter": filter} if filter else None
        response = self.transport.request(
            "GET", f"{self.service_root}{entity}/$count", params=params
        )
        return int(response.text.strip().lstrip("\ufeff"))

    # --- writes ---------------------------------------------------------------------

    def create(self, entity: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a new entity; returns SAP's whole entity (with DocEntry/DocNum).

        A success without a body (a proxy lost it) cannot say what was created:
        it raises ``TransientError(possibly_processed=True)``, so the caller looks
        the record up before posting it again.
        """
        response = self.transport.request("POST", self.service_root + entity, json_body=body)
        if not response.content.strip():
            raise TransientError(
                response.status_code,
                None,
                f"the Service Layer answered POST {entity} (HTTP {response.status_code}) "
                "without a body; it may have been created, so it is looked up before it is "
                "posted again",
                True,
            )
        try:
            result = response.json()
        except ValueError as exc:
            raise TransientError(
                response.status_code,
                None,
                f"the Service Layer answered POST {entity} with something that is not JSON: "
                f"{response.text[:200]!r}; it may have been created",
                True,
            ) from exc
        if not isinstance(result, dict):
            raise TransientError(
                response.status_code,
                None,
                f"the Service Layer answered POST {entity} with {result!r}",
                True,
            )
        return result

    def update(self, entity: str, key: Key, body: dict[str, Any], etag: str | None = None) -> None:
        """PATCH an entity; with ``etag`` only if unchanged (PreconditionFailedError if not)."""
        headers = {"If-Match": etag} if etag else None
        self.transport.request(
            "PATCH", self.service_root + key_path(entity, key), json_body=body, headers=headers
        )

    def delete(self, entity: str, key: Key) -> None:
        """DELETE an entity (SAP refuses it for documents with -5006)."""
        self.transport.request("DELETE", self.service_root + key_path(entity, key))

    def post_action(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST an action such as ``Invoices(5)/Cancel``; returns the JSON answer if any."""
        return self.transport.request_json("POST", self.service_root + path, json_body=body)

    def cancel(self, entity: str, key: Key) -> None:
        """Cancel a document or payment (``POST <entity>(key)/Cancel``)."""
        self.post_action(f"{key_path(entity, key)}/Cancel")

    def batch(self, parts: list[BatchRequest | ChangeSet]) -> list[BatchResponse]:
        """Send a ``$batch``; answers in order (a failed changeset answers once, then stop)."""
        service_path = urlsplit(self.service_root).path
        content_type, body = build_batch(service_path, parts)
        response = self.transport.request(
            "POST",
            self.service_root + "$batch",
            data=body,
            headers={"Content-Type": content_type},
        )
        return parse_batch_response(response.headers.get("Content-Type", ""), response.content)
