"""Typed Tagrain records (frozen dataclasses) and their parsing from the contract's JSON.

Money and quantities are ``Decimal``, times are aware ``datetime``; a record
missing a required field, or carrying a malformed one, raises
``TagrainBadResponseError`` naming the record id and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.connectors.tagrain.parsing import Reader


@dataclass(frozen=True)
class Register:
    """A POS register of a store."""

    id: str
    name: str


@dataclass(frozen=True)
class Store:
    """A Tagrain store; ``timezone`` (IANA) decides the local date of its sales."""

    id: str
    code: str
    name: str
    currency: str
    timezone: str
    active: bool
    registers: tuple[Register, ...]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Store:
        """Parse one store."""
        r = Reader("store", raw)
        registers = tuple(
            Register(c.text("id"), c.text("name"))
            for c in (r.child("register", x) for x in r.objects("registers"))
        )
        return cls(
            r.text("id"),
            r.text("code"),
            r.text("name"),
            r.text("currency"),
            r.text("timezone"),
            r.flag("active"),
            registers,
            r.time("created_at"),
            r.time("updated_at"),
        )


@dataclass(frozen=True)
class CustomerGroup:
    """A customer group."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> CustomerGroup:
        """Parse one customer group."""
        r = Reader("customer group", raw)
        return cls(r.text("id"), r.text("name"), r.time("created_at"), r.time("updated_at"))


@dataclass(frozen=True)
class ProductGroup:
    """A product group (SAP item group)."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> ProductGroup:
        """Parse one product group."""
        r = Reader("product group", raw)
        return cls(r.text("id"), r.text("name"), r.time("created_at"), r.time("updated_at"))


@dataclass(frozen=True)
class Manufacturer:
    """A manufacturer."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Manufacturer:
        """Parse one manufacturer."""
        r = Reader("manufacturer", raw)
        return cls(r.text("id"), r.text("name"), r.time("created_at"), r.time("updated_at"))


@dataclass(frozen=True)
class Address:
    """A postal address (every part optional); also usable in write payloads."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postcode: str | None = None
    country: str | None = None

    @classmethod
    def from_reader(cls, r: Reader) -> Address:
        """Parse an address object."""
        return cls(
            r.opt_text("line1"),
            r.opt_text("line2"),
            r.opt_text("city"),
            r.opt_text("postcode"),
            r.opt_text("country"),
        )


@dataclass(frozen=True)
class Customer:
    """A Tagrain customer; ``external_ref`` holds the ERP's code once linked."""

    id: str
    code: str
    first_name: str | None
    last_name: str | None
    company: str | None
    email: str | None
    phone: str | None
    group_id: str | None
    tax_number: str | None
    credit_limit: Decimal
    store_credit: Decimal
    loyalty_points: int
    address: Address | None
    external_ref: str | None
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Customer:
        """Parse one customer."""
        r = Reader("customer", raw)
        address_raw = r.opt_object("address")
        address = (
            None if address_raw is None else Address.from_reader(r.child("address", address_raw))
        )
        return cls(
            id=r.text("id"),
            code=r.text("code"),
            first_name=r.opt_text("first_name"),
            last_name=r.opt_text("last_name"),
            company=r.opt_text("company"),
            email=r.opt_text("email"),
            phone=r.opt_text("phone"),
            group_id=r.opt_text("group_id"),
            tax_number=r.opt_text("tax_number"),
            credit_limit=r.decimal("credit_limit"),
            store_credit=r.decimal("store_credit"),
            loyalty_points=r.integer("loyalty_points"),
            address=address,
            external_ref=r.opt_text("external_ref"),
            active=r.flag("active"),
            created_at=r.time("created_at"),
            updated_at=r.time("updated_at"),
        )


@dataclass(frozen=True)
class Product:
    """A Tagrain product; ``sku`` is the SAP ItemCode."""

    id: str
    sku: str
    name: str
    type: str
    non_stock: bool
    group_id: str | None
    manufacturer_id: str | None
    barcode: str | None
    price: Decimal
    tax_code: str
    active: bool
    external_ref: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Product:
        """Parse one product."""
        r = Reader("product", raw)
        return cls(
            id=r.text("id"),
            sku=r.text("sku"),
            name=r.text("name"),
            type=r.text("type"),
            non_stock=r.flag("non_stock"),
            group_id=r.opt_text("group_id"),
            manufacturer_id=r.opt_text("manufacturer_id"),
            barcode=r.opt_text("barcode"),
            price=r.decimal("price"),
            tax_code=r.text("tax_code"),
            active=r.flag("active"),
            external_ref=r.opt_text("external_ref"),
            created_at=r.time("created_at"),
            updated_at=r.time("updated_at"),
        )


TENDER_TYPES: tuple[tuple[str, str], ...] = (
    ("cash", "Cash"),
    ("card", "Card"),
    ("gift_card", "Gift card"),
    ("store_credit", "Store credit"),
    ("other", "Other"),
)
"""Every ``Tender.type`` Tagrain's API knows (its ``Tender.type`` enum), with a label."""


@dataclass(frozen=True)
class Tender:
    """How (part of) a sale or refund was paid."""

    type: str
    amount: Decimal
    reference: str | None

    @classmethod
    def from_reader(cls, r: Reader) -> Tender:
        """Parse one tender."""
        return cls(r.text("type"), r.decimal("amount"), r.opt_text("reference"))


@dataclass(frozen=True)
class LotPick:
    """Units of a batch product taken from (or returned to) one batch, as the POS scanned them."""

    batch: str
    quantity: Decimal

    @classmethod
    def from_reader(cls, r: Reader) -> LotPick:
        """Parse one batch pick."""
        return cls(r.text("batch"), r.decimal("quantity"))


def _serials(r: Reader) -> tuple[str, ...]:
    serials = []
    for n, value in enumerate(r.opt_objects("serial_numbers")):
        if not isinstance(value, str) or not value.strip():
            raise r.fail(f"serial_numbers[{n}]", "is not a serial number")
        serials.append(value)
    return tuple(serials)


def _batches(r: Reader) -> tuple[LotPick, ...]:
    return tuple(LotPick.from_reader(r.child("batch", x)) for x in r.opt_objects("batches"))


@dataclass(frozen=True)
class SaleLine:
    """A sale line: ``line_total = quantity * unit_price - discount``, tax apart.

    A serial product's line carries one serial number per unit, a batch
    product's the batches its units came from (empty for other products).
    """

    line_no: int
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_amount: Decimal
    line_total: Decimal
    serial_numbers: tuple[str, ...] = ()
    batches: tuple[LotPick, ...] = ()

    @classmethod
    def from_reader(cls, r: Reader) -> SaleLine:
        """Parse one sale line."""
        return cls(
            r.integer("line_no"),
            r.text("product_id"),
            r.text("sku"),
            r.text("description"),
            r.decimal("quantity"),
            r.decimal("unit_price"),
            r.decimal("discount"),
            r.decimal("tax_amount"),
            r.decimal("line_total"),
            _serials(r),
            _batches(r),
        )


@dataclass(frozen=True)
class Sale:
    """A sale (receipt); ``customer_id`` None is a walk-in; ``total = subtotal + tax_total``."""

    id: str
    receipt_number: str
    store_id: str
    register_id: str
    customer_id: str | None
    status: str
    sold_at: datetime
    currency: str
    lines: tuple[SaleLine, ...]
    tenders: tuple[Tender, ...]
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Sale:
        """Parse one sale."""
        r = Reader("sale", raw)
        return cls(
            id=r.text("id"),
            receipt_number=r.text("receipt_number"),
            store_id=r.text("store_id"),
            register_id=r.text("register_id"),
            customer_id=r.opt_text("customer_id"),
            status=r.text("status"),
            sold_at=r.time("sold_at"),
            currency=r.text("currency"),
            lines=tuple(SaleLine.from_reader(r.child("line", x)) for x in r.objects("lines")),
            tenders=tuple(Tender.from_reader(r.child("tender", x)) for x in r.objects("tenders")),
            subtotal=r.decimal("subtotal"),
            tax_total=r.decimal("tax_total"),
            total=r.decimal("total"),
            created_at=r.time("created_at"),
            updated_at=r.time("updated_at"),
        )


@dataclass(frozen=True)
class RefundLine:
    """A refunded line: ``line_total = quantity * unit_price`` (net unit price), tax apart.

    Serial and batch products carry the serials and batches coming back.
    """

    line_no: int
    sale_line_no: int
    product_id: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    tax_amount: Decimal
    line_total: Decimal
    serial_numbers: tuple[str, ...] = ()
    batches: tuple[LotPick, ...] = ()

    @classmethod
    def from_reader(cls, r: Reader) -> RefundLine:
        """Parse one refund line."""
        return cls(
            r.integer("line_no"),
            r.integer("sale_line_no"),
            r.text("product_id"),
            r.text("sku"),
            r.decimal("quantity"),
            r.decimal("unit_price"),
            r.decimal("tax_amount"),
            r.decimal("line_total"),
            _serials(r),
            _batches(r),
        )


@dataclass(frozen=True)
class Refund:
    """A refund of (part of) a past sale; ``total = sum(line_total + tax_amount)``."""

    id: str
    refund_number: str
    sale_id: str
    store_id: str
    register_id: str
    customer_id: str | None
    status: str
    refunded_at: datetime
    currency: str
    lines: tuple[RefundLine, ...]
    tenders: tuple[Tender, ...]
    total: Decimal
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Refund:
        """Parse one refund."""
        r = Reader("refund", raw)
        return cls(
            id=r.text("id"),
            refund_number=r.text("refund_number"),
            sale_id=r.text("sale_id"),
            store_id=r.text("store_id"),
            register_id=r.text("register_id"),
            customer_id=r.opt_text("customer_id"),
            status=r.text("status"),
            refunded_at=r.time("refunded_at"),
            currency=r.text("currency"),
            lines=tuple(RefundLine.from_reader(r.child("line", x)) for x in r.objects("lines")),
            tenders=tuple(Tender.from_reader(r.child("tender", x)) for x in r.objects("tenders")),
            total=r.decimal("total"),
            created_at=r.time("created_at"),
            updated_at=r.time("updated_at"),
        )


@dataclass(frozen=True)
class Expense:
    """Petty cash paid out of a store's till."""

    id: str
    store_id: str
    register_id: str
    category: str
    description: str | None
    amount: Decimal
    currency: str
    paid_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, raw: Any) -> Expense:
        """Parse one expense."""
        r = Reader("expense", raw)
        return cls(
            id=r.text("id"),
            store_id=r.text("store_id"),
            register_id=r.text("register_id"),
            category=r.text("category"),
            description=r.opt_text("description"),
            amount=r.decimal("amount"),
            currency=r.text("currency"),
            paid_at=r.time("paid_at"),
            created_at=r.time("created_at"),
            updated_at=r.time("updated_at"),
        )


@dataclass(frozen=True)
class InventoryLevel:
    """On-hand stock of one SKU in one store; what ``put_inventory`` sends (sku, on_hand).

    Listed levels also carry ``product_id``, ``as_of`` and ``updated_at``.
    """

    sku: str
    on_hand: Decimal
    product_id: str | None = None
    as_of: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, raw: Any) -> InventoryLevel:
        """Parse one listed inventory level."""
        r = Reader("inventory level", raw)
        r.id = raw.get("sku") if isinstance(raw, dict) else None
        return cls(
            r.text("sku"),
            r.decimal("on_hand"),
            r.text("product_id"),
            r.time("as_of"),
            r.time("updated_at"),
        )


@dataclass(frozen=True)
class InventoryResult:
    """What Tagrain made of an inventory snapshot."""

    accepted: int
    unknown_skus: tuple[str, ...]

    @classmethod
    def from_json(cls, raw: Any) -> InventoryResult:
        """Parse the answer to a PUT of inventory."""
        r = Reader("inventory result", raw)
        unknown = r.objects("unknown_skus")
        if not all(isinstance(x, str) for x in unknown):
            raise r.fail("unknown_skus", "holds a non-string")
        return cls(r.integer("accepted"), tuple(unknown))
