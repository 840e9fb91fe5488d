"""Validation of POST and PATCH payloads, turning them into stored record bodies.

Unknown or read-only fields are refused, so a client that drifts from the
contract hears about it. Defaults apply on create; a PATCH that changes
nothing leaves ``updated_at`` where it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.sandbox.tagrain.amounts import TAX_RATES, money
from app.sandbox.tagrain.db import Database
from app.sandbox.tagrain.errors import invalid

MONEY = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ADDRESS_FIELDS = ("line1", "line2", "city", "postcode", "country")
PRODUCT_TYPES = ("standard", "serial", "batch", "variant", "gift_card")

Check = Callable[[Database, str, Any], Any]


@dataclass(frozen=True)
class Field:
    """How one writable field is checked, and its default on create (None: none)."""

    check: Check
    nullable: bool = True
    required: bool = False
    default: Any = None
    immutable: bool = False


def text(max_length: int) -> Check:
    """A string of at most ``max_length`` characters."""

    def check(db: Database, name: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise invalid(name, f"{name} must be a string")
        if len(value) > max_length:
            raise invalid(name, f"{name} is longer than {max_length} characters")
        if not value.strip():
            raise invalid(name, f"{name} must not be blank")
        return value

    return check


def email(db: Database, name: str, value: Any) -> Any:
    """An e-mail address."""
    if not isinstance(value, str) or not EMAIL.match(value) or len(value) > 254:
        raise invalid(name, f"{name} is not a valid e-mail address")
    return value


def amount(db: Database, name: str, value: Any) -> Any:
    """A non-negative money amount given as a decimal string."""
    if not isinstance(value, str) or not MONEY.match(value):
        raise invalid(name, f'{name} must be a non-negative decimal string such as "12.50"')
    try:
        return money(Decimal(value))
    except InvalidOperation as exc:
        raise invalid(name, f"{name} is not a decimal") from exc


def count(db: Database, name: str, value: Any) -> Any:
    """A non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(name, f"{name} must be a non-negative integer")
    return value


def flag(db: Database, name: str, value: Any) -> Any:
    """A boolean."""
    if not isinstance(value, bool):
        raise invalid(name, f"{name} must be true or false")
    return value


def one_of(*choices: str) -> Check:
    """One of ``choices``."""

    def check(db: Database, name: str, value: Any) -> Any:
        if value not in choices:
            raise invalid(name, f"{name} must be one of {', '.join(choices)}")
        return value

    return check


def reference(collection: str) -> Check:
    """The id of an existing record of ``collection``."""

    def check(db: Database, name: str, value: Any) -> Any:
        if not isinstance(value, str) or not db.exists(collection, value):
            raise invalid(name, f"{name} {value!r} does not exist in {collection}")
        return value

    return check


def address(db: Database, name: str, value: Any) -> Any:
    """A postal address object."""
    if not isinstance(value, dict):
        raise invalid(name, f"{name} must be an object")
    for key in value:
        if key not in ADDRESS_FIELDS:
            raise invalid(f"{name}.{key}", f"{name}.{key} is not a field of an address")
    result: dict[str, Any] = {}
    for key in ADDRESS_FIELDS:
        part = value.get(key)
        if part is not None:
            part = text(100)(db, f"{name}.{key}", part)
        result[key] = part
    country = result["country"]
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        raise invalid(f"{name}.country", f"{name}.country must be an ISO 3166 alpha-2 code")
    return result


NAMED = {"name": Field(text(100), nullable=False, required=True)}
SPECS: dict[str, dict[str, Field]] = {
    "customer-groups": NAMED,
    "product-groups": NAMED,
    "manufacturers": NAMED,
    "customers": {
        "code": Field(text(30), nullable=False),
        "first_name": Field(text(100)),
        "last_name": Field(text(100)),
        "company": Field(text(100)),
        "email": Field(email),
        "phone": Field(text(40)),
        "group_id": Field(reference("customer-groups")),
        "tax_number": Field(text(40)),
        "credit_limit": Field(amount, nullable=False, default="0.00"),
        "store_credit": Field(amount, nullable=False, default="0.00"),
        "loyalty_points": Field(count, nullable=False, default=0),
        "address": Field(address),
        "external_ref": Field(text(100)),
        "active": Field(flag, nullable=False, default=True),
    },
    "products": {
        "sku": Field(text(50), nullable=False, required=True),
        "name": Field(text(200), nullable=False, required=True),
        "type": Field(one_of(*PRODUCT_TYPES), nullable=False, required=True, immutable=True),
        "non_stock": Field(flag, nullable=False, default=False),
        "group_id": Field(reference("product-groups")),
        "manufacturer_id": Field(reference("manufacturers")),
        "barcode": Field(text(50)),
        "price": Field(amount, nullable=False, required=True),
        "tax_code": Field(one_of(*TAX_RATES), nullable=False, default="TX"),
        "active": Field(flag, nullable=False, default=True),
        "external_ref": Field(text(100)),
    },
}
READ_ONLY = ("id", "created_at", "updated_at")


def check_payload(db: Database, collection: str, payload: Any, *, create: bool) -> dict[str, Any]:
    """The validated fields of a POST (``create``) or PATCH payload."""
    if not isinstance(payload, dict):
        raise invalid("", "the body must be a JSON object")
    spec = SPECS[collection]
    fields: dict[str, Any] = {}
    for name, value in payload.items():
        if name in READ_ONLY:
            raise invalid(name, f"{name} is read-only")
        rule = spec.get(name)
        if rule is None:
            raise invalid(name, f"{name} is not a field of {collection}")
        if rule.immutable and not create:
            raise invalid(name, f"{name} cannot be changed after creation")
        if value is None:
            if not rule.nullable:
                raise invalid(name, f"{name} must not be null")
            fields[name] = None
        else:
            fields[name] = rule.check(db, name, value)
    if create:
        for name, rule in spec.items():
            if name in fields:
                continue
            if rule.required:
                raise invalid(name, f"{name} is required")
            fields[name] = rule.default
    return fields


def check_customer_name(body: dict[str, Any]) -> None:
    """A customer needs a first name, a last name or a company."""
    if not any(body.get(name) for name in ("first_name", "last_name", "company")):
        raise invalid("last_name", "a customer needs a first_name, last_name or company")
