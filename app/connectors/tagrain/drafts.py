"""Write payloads: draft dataclasses and their conversion to contract JSON.

A draft field left at ``None`` is not sent (so a draft works for both create
and partial update); to clear a field on Tagrain, pass a plain dict with an
explicit ``None``. ``Decimal`` becomes a decimal string, ``datetime`` RFC 3339.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.connectors.tagrain.parsing import format_decimal, format_time
from app.connectors.tagrain.records import Address


@dataclass(frozen=True)
class NamedDraft:
    """A customer group, product group or manufacturer to create or rename."""

    name: str | None = None


@dataclass(frozen=True)
class CustomerDraft:
    """A customer to create, or the fields of one to change."""

    code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    group_id: str | None = None
    tax_number: str | None = None
    credit_limit: Decimal | None = None
    store_credit: Decimal | None = None
    loyalty_points: int | None = None
    address: Address | None = None
    external_ref: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class ProductDraft:
    """A product to create (sku, name, type and price required), or fields to change."""

    sku: str | None = None
    name: str | None = None
    type: str | None = None
    non_stock: bool | None = None
    group_id: str | None = None
    manufacturer_id: str | None = None
    barcode: str | None = None
    price: Decimal | None = None
    tax_code: str | None = None
    active: bool | None = None
    external_ref: str | None = None


Payload = Mapping[str, Any] | NamedDraft | CustomerDraft | ProductDraft


def to_payload(payload: Any) -> dict[str, Any]:
    """The JSON object for a draft dataclass (None fields dropped) or a mapping (kept as is)."""
    if dataclasses.is_dataclass(payload) and not isinstance(payload, type):
        items = {f.name: getattr(payload, f.name) for f in dataclasses.fields(payload)}
        return {k: to_json_value(v) for k, v in items.items() if v is not None}
    if isinstance(payload, Mapping):
        return {str(k): to_json_value(v) for k, v in payload.items()}
    raise TypeError(f"a Tagrain payload must be a draft or a mapping, not {type(payload)!r}")


def to_json_value(value: Any) -> Any:
    """One value in contract JSON form."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, float):
        raise TypeError("floats are not allowed in Tagrain payloads; use Decimal")
    if isinstance(value, datetime):
        return format_time(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    raise TypeError(f"cannot send {type(value).__name__} to Tagrain")
