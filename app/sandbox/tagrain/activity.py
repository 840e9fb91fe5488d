"""What happens at the till: ringing up sales, refunds and expenses as record bodies.

The seed and live mode share this code, so demo history and live activity look
alike. Every choice comes from the ``random.Random`` handed in, so the same
seed tells the same story; amounts follow the rules of ``amounts``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.sandbox import demo
from app.sandbox.tagrain.amounts import ZERO, cents, money, quantity, tax
from app.sandbox.tagrain.clock import render
from app.sandbox.tagrain.db import Database
from app.sandbox.tagrain.scanning import ShelfStock, returned

Body = dict[str, Any]
NextNumber = Callable[[str], int]

EXPENSE_TEXTS = {
    "office_supplies": ("Printer paper", "Receipt rolls", "Pens and tape", "Toner"),
    "cleaning": ("Window cleaning", "Floor cleaner", "Paper towels", "Trash bags"),
    "postage": ("Courier to customer", "Stamps", "Return label", "Parcel to warehouse"),
    "staff_meals": ("Pizza for late shift", "Coffee for the team", "Lunch for inventory day"),
    "repairs": ("Door lock repair", "Light bulbs", "Shelf bracket", "Till drawer fix"),
    demo.UNMAPPED_EXPENSE_CATEGORY: ("Charity raffle", "School fundraiser"),
}


@dataclass(frozen=True)
class ShopStore:
    """A store as the till sees it."""

    id: str
    code: str
    zone: ZoneInfo
    register_ids: tuple[str, ...]
    warehouse: str = ""


@dataclass(frozen=True)
class Sellable:
    """A product that can be rung up."""

    id: str
    sku: str
    name: str
    price: Decimal
    type: str
    tax_code: str


@dataclass(frozen=True)
class Catalog:
    """Stores, customers and products the till picks from, and the numbers it can scan."""

    stores: tuple[ShopStore, ...]
    customer_ids: tuple[str, ...]
    erp_products: tuple[Sellable, ...]
    pos_products: tuple[Sellable, ...]
    tax_codes: dict[str, str]
    shelf: ShelfStock = field(default_factory=lambda: ShelfStock(()))

    @classmethod
    def load(cls, db: Database) -> Catalog:
        """Read the catalog from the database (active records only)."""
        warehouses = {s.code: s.warehouse for s in demo.STORES}
        stores = tuple(
            ShopStore(
                b["id"],
                b["code"],
                ZoneInfo(b["timezone"]),
                tuple(r["id"] for r in b["registers"]),
                warehouses.get(b["code"], ""),
            )
            for b in db.bodies("stores")
            if b["active"]
        )
        customers = tuple(b["id"] for b in db.bodies("customers") if b["active"])
        erp: list[Sellable] = []
        pos: list[Sellable] = []
        tax_codes: dict[str, str] = {}
        for b in db.bodies("products"):
            tax_codes[b["id"]] = b["tax_code"]
            if not b["active"]:
                continue
            item = Sellable(
                b["id"], b["sku"], b["name"], Decimal(b["price"]), b["type"], b["tax_code"]
            )
            (pos if b["type"] in ("variant", "gift_card") else erp).append(item)
        shelf = ShelfStock.for_products(
            db.bodies("products"), db.bodies("sales"), {s.id: s.warehouse for s in stores}
        )
        return cls(stores, customers, tuple(erp), tuple(pos), tax_codes, shelf)


class Till:
    """Rings up sales, refunds and expenses as contract-shaped record bodies."""

    def __init__(self, catalog: Catalog, rng: random.Random, next_number: NextNumber) -> None:
        self.catalog = catalog
        self.rng = rng
        self.next_number = next_number

    def sale(self, id: str, sold_us: int, store: ShopStore | None = None) -> Body:
        """A new completed or on-account sale rung up at ``sold_us``."""
        rng = self.rng
        store = store or rng.choice(self.catalog.stores)
        register = rng.choice(store.register_ids)
        customer_id: str | None = None
        if self.catalog.customer_ids and rng.random() < 0.6:
            customer_id = rng.choice(self.catalog.customer_ids)
        lines = self._sale_lines(store)
        subtotal = sum((Decimal(line["line_total"]) for line in lines), ZERO)
        tax_total = sum((Decimal(line["tax_amount"]) for line in lines), ZERO)
        total = subtotal + tax_total
        on_account = customer_id is not None and rng.random() < 0.08
        tenders = [] if on_account else self._tenders(total, customer_id is not None)
        receipt = self.next_number(f"receipt:{register}")
        stamp = render(sold_us)
        return {
            "id": id,
            "created_at": stamp,
            "updated_at": stamp,
            "receipt_number": f"{register.removeprefix('rg_').replace('_', '-')}-{receipt:06d}",
            "store_id": store.id,
            "register_id": register,
            "customer_id": customer_id,
            "status": "on_account" if on_account else "completed",
            "sold_at": render(sold_us, store.zone),
            "currency": demo.CURRENCY,
            "lines": lines,
            "tenders": tenders,
            "subtotal": money(subtotal),
            "tax_total": money(tax_total),
            "total": money(total),
        }

    def ring_up(
        self,
        id: str,
        sold_us: int,
        store: ShopStore,
        items: list[tuple[str, Decimal]],
        scan: bool = True,
    ) -> Body:
        """A walk-in sale paid in cash of the given (SKU, quantity) pairs at ``sold_us``.

        ``scan`` False: the cashier did not scan the serial or batch numbers.
        """
        products = {p.sku: p for p in (*self.catalog.erp_products, *self.catalog.pos_products)}
        lines = [
            self.line(n, products[sku], qty, ZERO, store, scan)
            for n, (sku, qty) in enumerate(items, start=1)
        ]
        subtotal = sum((Decimal(line["line_total"]) for line in lines), ZERO)
        tax_total = sum((Decimal(line["tax_amount"]) for line in lines), ZERO)
        register = store.register_ids[0]
        receipt = self.next_number(f"receipt:{register}")
        stamp = render(sold_us)
        return {
            "id": id,
            "created_at": stamp,
            "updated_at": stamp,
            "receipt_number": f"{register.removeprefix('rg_').replace('_', '-')}-{receipt:06d}",
            "store_id": store.id,
            "register_id": register,
            "customer_id": None,
            "status": "completed",
            "sold_at": render(sold_us, store.zone),
            "currency": demo.CURRENCY,
            "lines": lines,
            "tenders": [self._tender("cash", subtotal + tax_total)],
            "subtotal": money(subtotal),
            "tax_total": money(tax_total),
            "total": money(subtotal + tax_total),
        }

    def scan_missing(self, sale: Body, when_us: int) -> Body:
        """The sale with the serial and batch numbers the cashier missed scanned now."""
        store = self.store(sale["store_id"])
        lines = []
        for line in sale["lines"]:
            units = Decimal(line["quantity"])
            if self.catalog.shelf.tracked(line["sku"]) and not (
                line.get("serial_numbers") or line.get("batches")
            ):
                line = {**line, **self.catalog.shelf.scan(store.warehouse, line["sku"], units)}
            lines.append(line)
        return {**sale, "lines": lines, "updated_at": render(when_us)}

    def _sale_lines(self, store: ShopStore) -> list[Body]:
        rng = self.rng
        lines: list[Body] = []
        for line_no in range(1, rng.choice((1, 1, 1, 2, 2, 3, 4)) + 1):
            pool = self.catalog.erp_products
            if self.catalog.pos_products and (not pool or rng.random() < 0.05):
                pool = self.catalog.pos_products
            product = rng.choice(pool)
            if product.type in ("serial", "gift_card"):
                qty = Decimal(1)
            else:
                qty = Decimal(rng.choice((1, 1, 1, 2, 2, 3, 5)))
            product = self._on_shelf(product, qty, store)
            unit_discount = ZERO
            if product.type != "gift_card" and rng.random() < 0.15:
                unit_discount = cents(product.price * rng.choice((5, 10, 20)) / 100)
            lines.append(self.line(line_no, product, qty, unit_discount, store))
        return lines

    def line(
        self,
        line_no: int,
        product: Sellable,
        qty: Decimal,
        unit_discount: Decimal,
        store: ShopStore,
        scan: bool = True,
    ) -> Body:
        """A sale line, with the serials or batches the cashier scans (``scan``) off the shelf."""
        net = qty * (product.price - unit_discount)
        numbers: Body = {"serial_numbers": [], "batches": []}
        if scan and self.catalog.shelf.tracked(product.sku):
            numbers = self.catalog.shelf.scan(store.warehouse, product.sku, qty)
        return {
            "line_no": line_no,
            "product_id": product.id,
            "sku": product.sku,
            "description": product.name,
            "quantity": quantity(qty),
            "unit_price": money(product.price),
            "discount": money(qty * unit_discount),
            "tax_amount": money(tax(net, product.tax_code)),
            "line_total": money(net),
            **numbers,
        }

    def _on_shelf(self, product: Sellable, qty: Decimal, store: ShopStore) -> Sellable:
        """The product, or when its serials or batches ran out in the store, a standard one."""
        shelf = self.catalog.shelf
        if not shelf.tracked(product.sku) or shelf.available(store.warehouse, product.sku) >= qty:
            return product
        untracked = [p for p in self.catalog.erp_products if not shelf.tracked(p.sku)]
        return (untracked or list(self.catalog.pos_products) or [product])[0]

    def _tenders(self, total: Decimal, known_customer: bool) -> list[Body]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            cash = cents(total * Decimal(rng.randrange(10, 90)) / 100)
            if ZERO < cash < total:
                return [self._tender("cash", cash), self._tender("card", total - cash)]
            return [self._tender("card", total)]
        if roll < 0.13:
            return [self._tender("gift_card", total)]
        if roll < 0.15 and known_customer:
            return [self._tender("store_credit", total)]
        if roll < 0.58:
            return [self._tender("cash", total)]
        return [self._tender("card", total)]

    def _tender(self, kind: str, amount: Decimal) -> Body:
        rng = self.rng
        reference: str | None = None
        if kind == "card":
            reference = f"{rng.choice(('VISA', 'MC'))} ****{rng.randrange(10000):04d}"
        elif kind == "gift_card":
            reference = f"GC-{rng.randrange(10**6):06d}"
        return {"type": kind, "amount": money(amount), "reference": reference}

    def void(self, sale: Body, when_us: int) -> Body:
        """The sale voided at ``when_us``."""
        return {**sale, "status": "voided", "updated_at": render(when_us)}

    def settle(self, sale: Body, when_us: int) -> Body:
        """An on-account sale paid later, by card, at ``when_us``."""
        tender = self._tender("card", Decimal(sale["total"]))
        return {**sale, "status": "completed", "tenders": [tender], "updated_at": render(when_us)}

    def refund(self, id: str, sale: Body, refunded_us: int) -> Body:
        """A full or partial refund of ``sale`` at ``refunded_us``."""
        rng = self.rng
        chosen = list(sale["lines"])
        partial = rng.random() < 0.5
        if partial and len(chosen) > 1:
            chosen = rng.sample(chosen, rng.randrange(1, len(chosen)))
            chosen.sort(key=lambda line: line["line_no"])
        lines: list[Body] = []
        for line_no, line in enumerate(chosen, start=1):
            sold = Decimal(line["quantity"])
            qty = sold
            if partial and sold > 1 and rng.random() < 0.5:
                qty = Decimal(rng.randrange(1, int(sold)))
            unit = Decimal(line["unit_price"]) - Decimal(line["discount"]) / sold
            net = qty * unit
            tax_code = self.catalog.tax_codes.get(line["product_id"], "EX")
            lines.append(
                {
                    "line_no": line_no,
                    "sale_line_no": line["line_no"],
                    "product_id": line["product_id"],
                    "sku": line["sku"],
                    "quantity": quantity(qty),
                    "unit_price": money(unit),
                    "tax_amount": money(tax(net, tax_code)),
                    "line_total": money(net),
                    **returned(line, qty),
                }
            )
        total = sum((Decimal(x["line_total"]) + Decimal(x["tax_amount"]) for x in lines), ZERO)
        on_account = sale["status"] == "on_account"
        tenders: list[Body] = []
        if not on_account:
            kinds = [t["type"] for t in sale["tenders"]]
            kind = "card" if "card" in kinds else "cash"
            if kinds == ["store_credit"]:
                kind = "store_credit"
            tenders = [self._tender(kind, total)]
        number = self.next_number(f"refund:{sale['store_id']}")
        store = self.store(sale["store_id"])
        stamp = render(refunded_us)
        return {
            "id": id,
            "created_at": stamp,
            "updated_at": stamp,
            "refund_number": f"RF-{store.code}-{number:06d}",
            "sale_id": sale["id"],
            "store_id": sale["store_id"],
            "register_id": sale["register_id"],
            "customer_id": sale["customer_id"],
            "status": "on_account" if on_account else "completed",
            "refunded_at": render(refunded_us, store.zone),
            "currency": sale["currency"],
            "lines": lines,
            "tenders": tenders,
            "total": money(total),
        }

    def expense(self, id: str, paid_us: int, store: ShopStore | None = None) -> Body:
        """Petty cash paid out of a till at ``paid_us``."""
        rng = self.rng
        store = store or rng.choice(self.catalog.stores)
        if rng.random() < 0.05:
            category = demo.UNMAPPED_EXPENSE_CATEGORY
        else:
            category = rng.choice(demo.EXPENSE_CATEGORIES)[0]
        stamp = render(paid_us)
        return {
            "id": id,
            "created_at": stamp,
            "updated_at": stamp,
            "store_id": store.id,
            "register_id": rng.choice(store.register_ids),
            "category": category,
            "description": rng.choice(EXPENSE_TEXTS[category]),
            "amount": money(Decimal(rng.randrange(300, 15000)) / 100),
            "currency": demo.CURRENCY,
            "paid_at": render(paid_us, store.zone),
        }

    def store(self, store_id: str) -> ShopStore:
        """The store of ``store_id`` (KeyError when the catalog lacks it)."""
        for store in self.catalog.stores:
            if store.id == store_id:
                return store
        raise KeyError(store_id)
