"""Routing of the Tagrain contract: listings, single records, writes, inventory.

``TagrainApi.handle`` turns a ``SandboxRequest`` into a ``SandboxResponse``;
authentication, idempotency and the contract's error shape live here, the
storage in ``db`` and the payload rules in ``writes``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from app.sandbox.httpserver import SandboxRequest, SandboxResponse
from app.sandbox.tagrain.amounts import quantity
from app.sandbox.tagrain.clock import Clock, parse, render
from app.sandbox.tagrain.db import BadCursor, Database, Page, Row, decode_cursor, record_id
from app.sandbox.tagrain.errors import ApiError, error_response, invalid
from app.sandbox.tagrain.seed import unique_key
from app.sandbox.tagrain.writes import SPECS, check_customer_name, check_payload

PREFIX = "/api/v1"
COLLECTIONS = (
    "stores",
    "customer-groups",
    "product-groups",
    "manufacturers",
    "customers",
    "products",
    "sales",
    "refunds",
    "expenses",
)
WRITABLE = tuple(SPECS)
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_INVENTORY_ITEMS = 1000
IDEMPOTENCY_WINDOW_US = 24 * 3600 * 1_000_000
QUANTITY = re.compile(r"^-?\d{1,12}(\.\d{1,3})?$")


class TagrainApi:
    """Answers the requests of the Tagrain contract from a sandbox database."""

    def __init__(self, db: Database, clock: Clock, api_key: str) -> None:
        self.db = db
        self.clock = clock
        self.api_key = api_key

    def authenticated(self, request: SandboxRequest) -> bool:
        """Whether the request carries the right bearer key."""
        scheme, _, key = request.header("authorization").partition(" ")
        return scheme.lower() == "bearer" and key.strip() == self.api_key

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        """The answer to one request."""
        try:
            if not request.path.startswith(PREFIX + "/"):
                raise ApiError(404, "not_found", f"no such path: {request.path}")
            if not self.authenticated(request):
                response = error_response(401, "unauthorized", "missing or invalid API key")
                response.headers.append(("WWW-Authenticate", 'Bearer realm="tagrain"'))
                return response
            parts = request.path[len(PREFIX) + 1 :].strip("/").split("/")
            return self._dispatch(request, parts)
        except ApiError as exc:
            return exc.response()

    def _dispatch(self, request: SandboxRequest, parts: list[str]) -> SandboxResponse:
        method = request.method
        collection = parts[0]
        if collection not in COLLECTIONS:
            raise ApiError(404, "not_found", f"no such collection: {collection}")
        if len(parts) == 1:
            if method == "GET":
                return self._list(request, collection)
            if method == "POST" and collection in WRITABLE:
                return self._write(request, lambda: self._create(request, collection))
        elif len(parts) == 2:
            if method == "GET":
                return self._get(collection, parts[1])
            if method == "PATCH" and collection in WRITABLE:
                return self._write(request, lambda: self._update(request, collection, parts[1]))
        elif len(parts) == 3 and collection == "stores" and parts[2] == "inventory":
            if method == "GET":
                return self._list_inventory(request, parts[1])
            if method == "PUT":
                return self._write(request, lambda: self._put_inventory(request, parts[1]))
        else:
            raise ApiError(404, "not_found", f"no such path: {request.path}")
        raise ApiError(405, "method_not_allowed", f"{method} is not allowed on {request.path}")

    def _paging(self, request: SandboxRequest) -> tuple[int | None, tuple[int, str] | None, int]:
        query = request.query
        since: int | None = None
        if query.get("updated_since"):
            try:
                since = parse(query["updated_since"])
            except ValueError as exc:
                raise ApiError(
                    400,
                    "bad_request",
                    "updated_since must be RFC 3339 with an offset",
                    "updated_since",
                ) from exc
        after: tuple[int, str] | None = None
        if query.get("cursor"):
            try:
                after = decode_cursor(query["cursor"])
            except BadCursor as exc:
                raise ApiError(400, "bad_request", "unknown cursor", "cursor") from exc
        limit = DEFAULT_LIMIT
        if "limit" in query:
            raw = query["limit"]
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
                raise ApiError(
                    400, "bad_request", f"limit must be between 1 and {MAX_LIMIT}", "limit"
                )
            limit = int(raw)
        return since, after, limit

    def _list(self, request: SandboxRequest, collection: str) -> SandboxResponse:
        since, after, limit = self._paging(request)
        return _page_response(self.db.page(collection, since, after, limit))

    def _get(self, collection: str, id: str) -> SandboxResponse:
        body = self.db.get(collection, id)
        if body is None:
            raise ApiError(404, "not_found", f"no {collection} record with id {id}")
        return SandboxResponse.json(200, body)

    def _list_inventory(self, request: SandboxRequest, store_id: str) -> SandboxResponse:
        if not self.db.exists("stores", store_id):
            raise ApiError(404, "not_found", f"no store with id {store_id}")
        since, after, limit = self._paging(request)
        return _page_response(self.db.inventory_page(store_id, since, after, limit))

    def _write(
        self, request: SandboxRequest, perform: Callable[[], SandboxResponse]
    ) -> SandboxResponse:
        try:
            payload = request.json()
        except ValueError as exc:
            raise ApiError(400, "bad_request", "the body is not valid JSON") from exc
        key = request.header("idempotency-key").strip()
        if not key:
            return perform()
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        fingerprint = hashlib.sha256(
            f"{request.method} {request.path}\n{canonical}".encode()
        ).hexdigest()
        with self.db.transaction():
            now = self.clock.now_us()
            seen = self.db.remembered(key, now - IDEMPOTENCY_WINDOW_US)
            if seen is not None:
                first_fingerprint, status, body = seen
                if first_fingerprint != fingerprint:
                    raise ApiError(
                        422,
                        "idempotency_key_reused",
                        "this Idempotency-Key was used for a different request",
                    )
                replay = SandboxResponse(
                    status,
                    body.encode("utf-8"),
                    [("Content-Type", "application/json; charset=utf-8")],
                )
                replay.headers.append(("Idempotent-Replayed", "true"))
                return replay
            response = perform()
            if 200 <= response.status < 300:
                self.db.remember(
                    key, fingerprint, response.status, response.body.decode("utf-8"), now
                )
            return response

    def _create(self, request: SandboxRequest, collection: str) -> SandboxResponse:
        with self.db.transaction():
            fields = check_payload(self.db, collection, request.json(), create=True)
            number = self.db.next_number(collection)
            if collection == "customers":
                check_customer_name(fields)
                if fields.get("code") is None:
                    fields["code"] = f"TG{number:06d}"
            now = render(self.clock.now_us())
            body = {
                "id": record_id(collection, number),
                "created_at": now,
                "updated_at": now,
                **_ordered(collection, fields),
            }
            self._store(collection, body, create=True)
        return SandboxResponse.json(201, body)

    def _update(self, request: SandboxRequest, collection: str, id: str) -> SandboxResponse:
        with self.db.transaction():
            current = self.db.get(collection, id)
            if current is None:
                raise ApiError(404, "not_found", f"no {collection} record with id {id}")
            fields = check_payload(self.db, collection, request.json(), create=False)
            body = {**current, **fields}
            if collection == "customers":
                check_customer_name(body)
            if body != current:
                body["updated_at"] = render(self.clock.now_us())
                self._store(collection, body, create=False)
        return SandboxResponse.json(200, body)

    def _store(self, collection: str, body: dict[str, Any], *, create: bool) -> None:
        key = unique_key(collection, body)
        updated = parse(body["updated_at"])
        try:
            if create:
                self.db.insert(Row(collection, body["id"], updated, key, body))
            else:
                self.db.replace(collection, body["id"], updated, key, body)
        except sqlite3.IntegrityError as exc:
            field = {"customers": "code", "products": "sku"}.get(collection, "name")
            raise ApiError(
                409, "already_exists", f"another {collection} record has this {field}", field
            ) from exc

    def _put_inventory(self, request: SandboxRequest, store_id: str) -> SandboxResponse:
        if not self.db.exists("stores", store_id):
            raise ApiError(404, "not_found", f"no store with id {store_id}")
        payload = request.json()
        if not isinstance(payload, dict):
            raise invalid("", "the body must be a JSON object")
        for name in payload:
            if name not in ("as_of", "items"):
                raise invalid(name, f"{name} is not a field of an inventory snapshot")
        try:
            as_of = render(parse(str(payload.get("as_of"))))
        except ValueError as exc:
            raise invalid("as_of", "as_of must be RFC 3339 with an offset") from exc
        items = payload.get("items")
        if not isinstance(items, list):
            raise invalid("items", "items must be an array")
        if len(items) > MAX_INVENTORY_ITEMS:
            raise invalid("items", f"at most {MAX_INVENTORY_ITEMS} items per call")
        levels: dict[str, str] = {}
        for n, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != {"sku", "on_hand"}:
                raise invalid(f"items[{n}]", 'an item is {"sku", "on_hand"}')
            sku, on_hand = item["sku"], item["on_hand"]
            if not isinstance(sku, str) or not sku:
                raise invalid(f"items[{n}].sku", "sku must be a non-empty string")
            if not isinstance(on_hand, str) or not QUANTITY.match(on_hand):
                raise invalid(f"items[{n}].on_hand", "on_hand must be a decimal string")
            levels[sku] = on_hand
        with self.db.transaction():
            products = self.db.ids_by_key("products", list(levels))
            now = self.clock.now_us()
            stamp = render(now)
            self.db.put_inventory(
                store_id,
                (
                    (
                        sku,
                        now,
                        {
                            "sku": sku,
                            "product_id": products[sku],
                            "on_hand": quantity(Decimal(on_hand)),
                            "as_of": as_of,
                            "updated_at": stamp,
                        },
                    )
                    for sku, on_hand in levels.items()
                    if sku in products
                ),
            )
        unknown = [sku for sku in levels if sku not in products]
        accepted = sum(1 for item in items if item["sku"] in products)
        return SandboxResponse.json(200, {"accepted": accepted, "unknown_skus": unknown})


def _ordered(collection: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in SPECS[collection]}


def _page_response(page: Page) -> SandboxResponse:
    cursor = json.dumps(page.next_cursor)
    body = '{"data":[' + ",".join(page.bodies) + '],"next_cursor":' + cursor + "}"
    return SandboxResponse(
        200, body.encode("utf-8"), [("Content-Type", "application/json; charset=utf-8")]
    )
