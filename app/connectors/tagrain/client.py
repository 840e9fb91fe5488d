"""``TagrainClient``: the typed, streaming client of our Tagrain contract.

Listings are generators that fetch page after page on demand (memory stays
flat), optionally from an inclusive ``updated_since``. Writes derive their
``Idempotency-Key`` from what they write unless the caller gives one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from app.connectors.tagrain.drafts import Payload, to_payload
from app.connectors.tagrain.errors import TagrainBadResponseError
from app.connectors.tagrain.parsing import format_decimal, format_time
from app.connectors.tagrain.records import (
    Customer,
    CustomerGroup,
    Expense,
    InventoryLevel,
    InventoryResult,
    Manufacturer,
    Product,
    ProductGroup,
    Refund,
    Sale,
    Store,
)
from app.connectors.tagrain.settings import TagrainSettings
from app.connectors.tagrain.transport import Transport, idempotency_key

T = TypeVar("T")
Parser = Callable[[Any], T]
MAX_INVENTORY_ITEMS = 1000
LevelInput = InventoryLevel | tuple[str, Decimal] | Mapping[str, Any]


class TagrainClient:
    """Reads and writes one Tagrain account through the contract.

    ``sleep`` and ``session`` are injectable for tests. Use as a context
    manager or call ``close()``.
    """

    def __init__(
        self,
        settings: TagrainSettings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        kwargs: dict[str, Any] = {"session": session}
        if sleep is not None:
            kwargs["sleep"] = sleep
        self.transport = Transport(settings, **kwargs)

    def close(self) -> None:
        """Release the HTTP session."""
        self.transport.close()

    def __enter__(self) -> TagrainClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ping(self) -> None:
        """Check that Tagrain answers and accepts the key (raises TagrainError if not)."""
        self.transport.request("GET", "/stores", params={"limit": "1"})

    def iter_pages(
        self,
        collection: str,
        parse: Parser[T],
        *,
        updated_since: datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[list[T]]:
        """Stream a collection page by page (for callers that commit per page)."""
        params = {"limit": str(limit or self.settings.page_size)}
        if updated_since is not None:
            params["updated_since"] = format_time(updated_since)
        path = f"/{collection}"
        followed: set[str] = set()
        while True:
            page = self.transport.request("GET", path, params=params)
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise TagrainBadResponseError(f"GET {path}: the page has no 'data' array")
            cursor = page.get("next_cursor", False)
            if cursor is not None and not isinstance(cursor, str):
                raise TagrainBadResponseError(f"GET {path}: the page has no valid 'next_cursor'")
            if cursor and cursor in followed:
                raise TagrainBadResponseError(
                    f"GET {path}: Tagrain gave a next_cursor it had given before; "
                    f"the listing stopped after {len(followed)} pages instead of looping"
                )
            yield [parse(raw) for raw in page["data"]]
            if not cursor:
                return
            followed.add(cursor)
            params["cursor"] = cursor

    def iter_records(
        self,
        collection: str,
        parse: Parser[T],
        *,
        updated_since: datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[T]:
        """Stream a collection (or ``stores/{id}/inventory``) ordered by ``(updated_at, id)``."""
        for page in self.iter_pages(collection, parse, updated_since=updated_since, limit=limit):
            yield from page

    def list_stores(self) -> list[Store]:
        """Every store."""
        return list(self.iter_records("stores", Store.from_json, limit=500))

    def iter_stores(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Store]:
        """Stream stores."""
        return self.iter_records(
            "stores", Store.from_json, updated_since=updated_since, limit=limit
        )

    def iter_customer_groups(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[CustomerGroup]:
        """Stream customer groups."""
        return self.iter_records(
            "customer-groups", CustomerGroup.from_json, updated_since=updated_since, limit=limit
        )

    def iter_product_groups(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[ProductGroup]:
        """Stream product groups."""
        return self.iter_records(
            "product-groups", ProductGroup.from_json, updated_since=updated_since, limit=limit
        )

    def iter_manufacturers(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Manufacturer]:
        """Stream manufacturers."""
        return self.iter_records(
            "manufacturers", Manufacturer.from_json, updated_since=updated_since, limit=limit
        )

    def iter_customers(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Customer]:
        """Stream customers (all of them without ``updated_since``)."""
        return self.iter_records(
            "customers", Customer.from_json, updated_since=updated_since, limit=limit
        )

    def iter_products(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Product]:
        """Stream products."""
        return self.iter_records(
            "products", Product.from_json, updated_since=updated_since, limit=limit
        )

    def iter_sales(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Sale]:
        """Stream sales, including ones voided or settled since first seen."""
        return self.iter_records("sales", Sale.from_json, updated_since=updated_since, limit=limit)

    def iter_refunds(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Refund]:
        """Stream refunds."""
        return self.iter_records(
            "refunds", Refund.from_json, updated_since=updated_since, limit=limit
        )

    def iter_expenses(
        self, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[Expense]:
        """Stream expenses."""
        return self.iter_records(
            "expenses", Expense.from_json, updated_since=updated_since, limit=limit
        )

    def iter_inventory(
        self, store_id: str, updated_since: datetime | None = None, limit: int | None = None
    ) -> Iterator[InventoryLevel]:
        """Stream a store's inventory levels."""
        return self.iter_records(
            f"stores/{_segment(store_id)}/inventory",
            InventoryLevel.from_json,
            updated_since=updated_since,
            limit=limit,
        )

    def _get(self, collection: str, id: str, parse: Parser[T]) -> T:
        return parse(self.transport.request("GET", f"/{collection}/{_segment(id)}"))

    def get_store(self, id: str) -> Store:
        """One store (TagrainNotFoundError if there is none)."""
        return self._get("stores", id, Store.from_json)

    def get_customer(self, id: str) -> Customer:
        """One customer."""
        return self._get("customers", id, Customer.from_json)

    def get_product(self, id: str) -> Product:
        """One product."""
        return self._get("products", id, Product.from_json)

    def get_sale(self, id: str) -> Sale:
        """One sale."""
        return self._get("sales", id, Sale.from_json)

    def get_refund(self, id: str) -> Refund:
        """One refund."""
        return self._get("refunds", id, Refund.from_json)

    def get_expense(self, id: str) -> Expense:
        """One expense."""
        return self._get("expenses", id, Expense.from_json)

    def _write(self, method: str, path: str, payload: Any, parse: Parser[T], key: str | None) -> T:
        body = to_payload(payload)
        key = key or idempotency_key(method, path, body)
        return parse(self.transport.request(method, path, body=body, key=key))

    def create_customer_group(
        self, payload: str | Payload, *, idempotency_key: str | None = None
    ) -> CustomerGroup:
        """Create a customer group (a name or a payload)."""
        return self._write(
            "POST", "/customer-groups", _named(payload), CustomerGroup.from_json, idempotency_key
        )

    def update_customer_group(
        self, id: str, payload: str | Payload, *, idempotency_key: str | None = None
    ) -> CustomerGroup:
        """Rename a customer group."""
        return self._write(
            "PATCH",
            f"/customer-groups/{_segment(id)}",
            _named(payload),
            CustomerGroup.from_json,
            idempotency_key,
        )

    def create_product_group(
        self, payload: str | Payload, *, idempotency_key: str | None = None
    ) -> ProductGroup:
        """Create a product group."""
        return self._write(
            "POST", "/product-groups", _named(payload), ProductGroup.from_json, idempotency_key
        )

    def update_product_group(
        self, id: str, payload: str | Payload, *, idempotency_key: str | None = None
    ) -> ProductGroup:
        """Rename a product group."""
        return self._write(
            "PATCH",
            f"/product-groups/{_segment(id)}",
            _named(payload),
            ProductGroup.from_json,
            idempotency_key,
        )

    def create_manufacturer(
        self, payload: str | Payload, *, idempotency_key: str | None = None
    ) -> Manufacturer:
        """Create a manufacturer."""
        return self._write(
            "POST", "/manufacturers", _named(payload), Manufacturer.from_json, idempotency_key
        )

    def update_manufacturer(
        self, id: str, payload: str | Payload, *, idempotency_key: str | None = None
    ) -> Manufacturer:
        """Rename a manufacturer."""
        return self._write(
            "PATCH",
            f"/manufacturers/{_segment(id)}",
            _named(payload),
            Manufacturer.from_json,
            idempotency_key,
        )

    def create_customer(self, payload: Payload, *, idempotency_key: str | None = None) -> Customer:
        """Create a customer (a ``CustomerDraft`` or a mapping)."""
        return self._write("POST", "/customers", payload, Customer.from_json, idempotency_key)

    def update_customer(
        self, id: str, payload: Payload, *, idempotency_key: str | None = None
    ) -> Customer:
        """Change some fields of a customer."""
        return self._write(
            "PATCH", f"/customers/{_segment(id)}", payload, Customer.from_json, idempotency_key
        )

    def create_product(self, payload: Payload, *, idempotency_key: str | None = None) -> Product:
        """Create a product (a ``ProductDraft`` or a mapping)."""
        return self._write("POST", "/products", payload, Product.from_json, idempotency_key)

    def update_product(
        self, id: str, payload: Payload, *, idempotency_key: str | None = None
    ) -> Product:
        """Change some fields of a product."""
        return self._write(
            "PATCH", f"/products/{_segment(id)}", payload, Product.from_json, idempotency_key
        )

    def put_inventory(
        self, store_id: str, as_of: datetime, levels: Iterable[LevelInput]
    ) -> InventoryResult:
        """Set on-hand levels of a store, 1,000 SKUs a call; returns the summed result."""
        path = f"/stores/{_segment(store_id)}/inventory"
        stamp = format_time(as_of)
        accepted = 0
        unknown: list[str] = []
        batch: list[dict[str, str]] = []

        def send() -> None:
            nonlocal accepted
            result = self._write(
                "PUT", path, {"as_of": stamp, "items": batch}, InventoryResult.from_json, None
            )
            accepted += result.accepted
            unknown.extend(result.unknown_skus)
            batch.clear()

        for level in levels:
            batch.append(_level(level))
            if len(batch) == MAX_INVENTORY_ITEMS:
                send()
        if batch:
            send()
        return InventoryResult(accepted, tuple(unknown))


def _segment(id: str) -> str:
    return quote(id, safe="")


def _named(payload: str | Payload) -> Payload:
    return {"name": payload} if isinstance(payload, str) else payload


def _level(level: LevelInput) -> dict[str, str]:
    if isinstance(level, InventoryLevel):
        sku, on_hand = level.sku, level.on_hand
    elif isinstance(level, tuple):
        sku, on_hand = level
    else:
        sku, on_hand = level["sku"], level["on_hand"]
    if not isinstance(on_hand, Decimal):
        raise TypeError(f"on_hand of {sku} must be a Decimal, not {type(on_hand).__name__}")
    return {"sku": str(sku), "on_hand": format_decimal(on_hand)}
