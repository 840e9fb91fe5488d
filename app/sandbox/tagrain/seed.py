"""The demo data of the Tagrain sandbox, bulk-inserted once per database.

Stores are ``demo.STORES``; some customer groups, product groups and
manufacturers carry the names SAP has. Customer ``n`` with ``n % 10 == 1``
shares name and e-mail with demo SAP customer ``n // 10 * 2 + 1``, with
``n % 10 == 6`` name and code with SAP customer ``n // 10 * 2 + 2`` (so the
SAP sandbox needs ``customers / 5 + 2`` customers for every twin to exist);
the rest exist only in Tagrain (codes ``TG000001``...). Products are the first
``items`` demo SAP items (SKU = ItemCode) plus Tagrain-only variants and gift
cards. Sales, refunds and expenses spread over ``DAYS`` days before the anchor,
at business hours in each store's time zone. Seeding an already seeded
database changes nothing.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.sandbox import demo
from app.sandbox.tagrain.activity import Body, Catalog, Till
from app.sandbox.tagrain.amounts import money, quantity
from app.sandbox.tagrain.clock import render, to_us
from app.sandbox.tagrain.db import Database, Row, record_id

SEED_ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 90
CUSTOMER_GROUP_NAMES = ("Retail", "Wholesale", "VIP", "Online", "Loyalty Club")
PRODUCT_GROUP_NAMES = (*(g.name for g in demo.ITEM_GROUPS[1:]), "Gift Cards")
MANUFACTURER_NAMES = ("Acme", "Northwind", "Contoso", "Local Makers Co")
VARIANTS = (("TEE", "T-Shirt", "24.00"), ("HOOD", "Hoodie", "49.00"), ("CAP", "Cap", "18.00"))
COLORS = ("Black", "White", "Navy")
SIZES = ("S", "M", "L")
GIFT_CARDS = ("25.00", "50.00", "100.00")
UNIQUE_KEYS = {"customers": "code", "products": "sku"}


@dataclass(frozen=True)
class SeedParams:
    """How much demo data to seed, and from which seed."""

    customers: int = 150
    items: int = 300
    sales: int = 500
    refunds: int = 60
    expenses: int = 80
    seed: int = 1
    anchor: str = SEED_ANCHOR.isoformat()


def unique_key(collection: str, body: Body) -> str | None:
    """The value a collection keeps unique: code, SKU or lower-cased name."""
    if collection in UNIQUE_KEYS:
        value = body.get(UNIQUE_KEYS[collection])
        return None if value is None else str(value)
    if collection in ("customer-groups", "product-groups", "manufacturers"):
        return str(body["name"]).casefold()
    return None


def seed(db: Database, params: SeedParams) -> bool:
    """Seed ``db`` unless it already is; True when data was inserted now."""
    if db.get_meta("seed") is not None:
        return False
    with db.transaction():
        _Seeder(db, params).run()
        db.set_meta("seed", json.dumps(asdict(params)))
    return True


class _Seeder:
    def __init__(self, db: Database, params: SeedParams) -> None:
        self.db = db
        self.params = params
        self.rng = random.Random(params.seed)
        anchor = datetime.fromisoformat(params.anchor)
        self.anchor_us = to_us(anchor)
        self.anchor_date = anchor.date()
        self.start_us = self.anchor_us - DAYS * 86_400_000_000
        self.counters: Counter[str] = Counter()

    def number(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    def run(self) -> None:
        stores = self._stores()
        groups = self._named("customer-groups", CUSTOMER_GROUP_NAMES)
        product_groups = self._named("product-groups", PRODUCT_GROUP_NAMES)
        makers = self._named("manufacturers", MANUFACTURER_NAMES)
        self._insert("stores", stores)
        self._insert("customer-groups", groups)
        self._insert("product-groups", product_groups)
        self._insert("manufacturers", makers)
        self._insert("customers", self._customers([g["id"] for g in groups]))
        products = self._products(
            {g["name"]: g["id"] for g in product_groups}, {m["name"]: m["id"] for m in makers}
        )
        self._insert("products", products)
        self._inventory(stores, products)
        till = Till(Catalog.load(self.db), self.rng, self.number)
        refundable: list[Body] = []
        self._insert("sales", self._sales(till, refundable))
        self._insert("refunds", self._refunds(till, refundable))
        self._insert("expenses", self._expenses(till))
        for name, value in self.counters.items():
            self.db.set_meta(f"counter:{name}", str(value))

    def _insert(self, collection: str, bodies: list[Body] | Iterator[Body]) -> None:
        def rows() -> Iterator[Row]:
            for body in bodies:
                self.counters[collection] += 1
                us = to_us(datetime.fromisoformat(body["updated_at"]))
                yield Row(collection, body["id"], us, unique_key(collection, body), body)

        self.db.insert_rows(rows())

    def _stamp(self, collection: str, number: int, created_us: int, **fields: Any) -> Body:
        updated_us = created_us
        if self.rng.random() < 0.2:
            updated_us += self.rng.randrange(1, DAYS * 86_400) * 1_000_000
        return {
            "id": record_id(collection, number),
            "created_at": render(created_us),
            "updated_at": render(min(updated_us, self.anchor_us)),
            **fields,
        }

    def _before_window(self) -> int:
        return self.start_us - self.rng.randrange(1, 400 * 86_400) * 1_000_000

    def _stores(self) -> list[Body]:
        bodies = []
        for n, store in enumerate(demo.STORES, start=1):
            registers = [
                {"id": f"rg_{store.code}_{reg}", "name": f"Register {reg.removeprefix('R')}"}
                for reg in store.registers
            ]
            created = self.start_us - (400 - n) * 86_400_000_000
            body = {
                "id": record_id("stores", n),
                "created_at": render(created),
                "updated_at": render(created),
                "code": store.code,
                "name": store.name,
                "currency": demo.CURRENCY,
                "timezone": store.timezone,
                "active": True,
                "registers": registers,
            }
            bodies.append(body)
        return bodies

    def _named(self, collection: str, names: tuple[str, ...]) -> list[Body]:
        return [
            self._stamp(collection, n, self._before_window(), name=name)
            for n, name in enumerate(names, start=1)
        ]

    def _customers(self, group_ids: list[str]) -> Iterator[Body]:
        rng = self.rng
        count = self.params.customers
        sap = {c.code: c for c in demo.customers(count // 5 + 2)}
        for n in range(1, count + 1):
            first, last = rng.choice(demo.FIRST_NAMES), rng.choice(demo.LAST_NAMES)
            city, country, postcode = rng.choice(demo.CITIES)
            code = f"TG{n:06d}"
            twin = None
            if n % 10 in (1, 6):
                twin = sap[demo.customer_code(n // 10 * 2 + (1 if n % 10 == 1 else 2))]
                first, last = twin.first_name, twin.last_name
                city, country, postcode = twin.city, twin.country, twin.zip_code
            email: str | None = f"{first.lower()}.{last.lower()}.tg{n}@example.net"
            if twin is not None and n % 10 == 1:
                email = twin.email
            elif twin is not None:
                code = twin.code
            elif rng.random() < 0.1:
                email = None
            company = f"{last} {rng.choice(('Trading', 'Studio', 'Cafe'))} LLC"
            is_company = rng.random() < 0.1
            yield self._stamp(
                "customers",
                n,
                self._before_window(),
                code=code,
                first_name=first,
                last_name=last,
                company=company if is_company else None,
                email=email,
                phone=f"+1-555-{rng.randrange(10000):04d}",
                group_id=rng.choice(group_ids),
                tax_number=f"US{rng.randrange(10**8):08d}" if is_company else None,
                credit_limit=money(Decimal(rng.choice((0, 0, 500, 1000, 2500)))),
                store_credit=money(Decimal(rng.choice((0, 0, 0, 5, 20, 35)))),
                loyalty_points=rng.randrange(0, 2000),
                address={
                    "line1": f"{rng.randrange(1, 999)} {rng.choice(demo.LAST_NAMES)} Street",
                    "line2": None,
                    "city": city,
                    "postcode": postcode,
                    "country": country,
                },
                external_ref=None,
                active=rng.random() < 0.97,
            )

    def _products(self, groups: dict[str, str], makers: dict[str, str]) -> list[Body]:
        group_names = {g.number: g.name for g in demo.ITEM_GROUPS}
        maker_names = {m.code: m.name for m in demo.MANUFACTURERS}
        bodies: list[Body] = []

        def add(**fields: Any) -> None:
            bodies.append(self._stamp("products", len(bodies) + 1, self._before_window(), **fields))

        for item in demo.items(self.params.items):
            add(
                sku=item.code,
                name=item.name,
                type="standard" if item.kind == "non_stock" else item.kind,
                non_stock=item.kind == "non_stock",
                group_id=groups.get(group_names.get(item.group_number, "")),
                manufacturer_id=makers.get(maker_names.get(item.manufacturer, "")),
                barcode=item.barcode,
                price=money(item.price),
                tax_code="EX" if item.kind == "non_stock" else "TX",
                active=True,
                external_ref=None,
            )
        for code, word, price in VARIANTS:
            for color in COLORS:
                for size in SIZES:
                    add(
                        sku=f"V-{code}-{color[:3].upper()}-{size}",
                        name=f"{word} {color} {size}",
                        type="variant",
                        non_stock=False,
                        group_id=groups.get("Apparel"),
                        manufacturer_id=makers["Local Makers Co"],
                        barcode=None,
                        price=price,
                        tax_code="TX",
                        active=True,
                        external_ref=None,
                    )
        for face in GIFT_CARDS:
            add(
                sku=f"GC-{face.split('.')[0]}",
                name=f"Gift Card {face.split('.')[0]} USD",
                type="gift_card",
                non_stock=True,
                group_id=groups["Gift Cards"],
                manufacturer_id=None,
                barcode=None,
                price=face,
                tax_code="EX",
                active=True,
                external_ref=None,
            )
        return bodies

    def _inventory(self, stores: list[Body], products: list[Body]) -> None:
        warehouse = {s.code: s.warehouse for s in demo.STORES}
        stock = {i.code: dict(i.stock) for i in demo.items(self.params.items)}
        as_of = render(self.anchor_us)
        for store in stores:
            levels = []
            for product in products:
                if product["non_stock"]:
                    continue
                sku = product["sku"]
                on_hand = stock.get(sku, {}).get(warehouse[store["code"]])
                if on_hand is None:
                    on_hand = Decimal(self.rng.randrange(0, 60))
                body = {
                    "sku": sku,
                    "product_id": product["id"],
                    "on_hand": quantity(on_hand),
                    "as_of": as_of,
                    "updated_at": as_of,
                }
                levels.append((sku, self.anchor_us, body))
            self.db.put_inventory(store["id"], levels)

    def _business_time(self, position: float, zone: ZoneInfo) -> int:
        day = int(position)
        date = self.anchor_date - timedelta(DAYS - day)
        opening = datetime.combine(date, time(9), tzinfo=zone)
        return to_us(opening + timedelta(hours=11 * (position - day)))

    def _sales(self, till: Till, refundable: list[Body]) -> Iterator[Body]:
        rng = self.rng
        count = self.params.sales
        wanted = set(rng.sample(range(count), min(self.params.refunds, count)))
        for i in range(count):
            store = rng.choice(till.catalog.stores)
            sold_us = self._business_time((i + rng.random()) / count * DAYS, store.zone)
            sale = till.sale(record_id("sales", i + 1), sold_us, store)
            if i in wanted:
                refundable.append(sale)
            elif sale["status"] == "completed" and rng.random() < 0.03:
                sale = till.void(sale, sold_us + rng.randrange(300, 2 * 86_400) * 1_000_000)
            elif sale["status"] == "on_account" and rng.random() < 0.33:
                sale = till.settle(sale, sold_us + rng.randrange(1, 20) * 86_400_000_000)
            yield sale

    def _refunds(self, till: Till, refundable: list[Body]) -> Iterator[Body]:
        rng = self.rng
        planned = []
        for sale in refundable:
            sold_us = to_us(datetime.fromisoformat(sale["sold_at"]))
            planned.append((sold_us + rng.randrange(3600, 10 * 86_400) * 1_000_000, sale))
        planned.sort(key=lambda pair: (pair[0], pair[1]["id"]))
        for n, (refunded_us, sale) in enumerate(planned, start=1):
            yield till.refund(record_id("refunds", n), sale, refunded_us)

    def _expenses(self, till: Till) -> Iterator[Body]:
        rng = self.rng
        count = self.params.expenses
        for i in range(count):
            store = rng.choice(till.catalog.stores)
            paid_us = self._business_time((i + rng.random()) / count * DAYS, store.zone)
            yield till.expense(record_id("expenses", i + 1), paid_us, store)
