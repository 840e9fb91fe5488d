"""The demo company both sandboxes share, generated deterministically.

SAP Business One and Tagrain must tell one consistent story in the demo: the
SAP item codes are Tagrain SKUs, some Tagrain customers have the same e-mail
or code as SAP customers (so the initial load can link instead of duplicate),
Tagrain stores map to SAP warehouses, and the G/L accounts the template maps
tenders and expense categories to exist in SAP. Both sandboxes seed from this
module so the story holds at every scale.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

CURRENCY = "USD"
CURRENCIES = (("USD", "US Dollar"), ("EUR", "Euro"), ("CAD", "Canadian Dollar"))
COMPANY_DB = "SBODEMOUS"
SAP_USER = "manager"
SAP_PASSWORD = "manager"
TAGRAIN_API_KEY = "tg_sandbox_0123456789abcdef"

FIRST_NAMES = (
    "Maria Jose Ana Luis Carmen Jorge Laura Pedro Sofia Diego Elena Pablo Lucia Marco "
    "Hannah Jonas Emma Noah Mia Liam Olivia Ethan Ava Lucas Yuki Hiroshi Amara Chidi "
    "Fatima Omar Priya Arjun Mei Wei Zoe Leo Nora Felix Ingrid Lars"
).split()
LAST_NAMES = (
    "Garcia Lopez Martinez Rossi Bianchi Muller Schmidt Weber Smith Johnson Brown Taylor "
    "Wilson Moore Tanaka Sato Okafor Mensah Haddad Khan Patel Sharma Chen Wang Dubois "
    "Martin Jensen Nilsen Novak Kowalski"
).split()
CITIES = (
    ("New York", "US", "10001"),
    ("Chicago", "US", "60601"),
    ("Denver", "US", "80202"),
    ("Los Angeles", "US", "90001"),
    ("Seattle", "US", "98101"),
    ("Austin", "US", "73301"),
)
PRODUCT_WORDS = (
    "Coffee Tea Mug Notebook Pen Backpack Lamp Chair Desk Cable Charger Headphones "
    "Speaker Bottle Towel Candle Blanket Pillow Sneakers Jacket Scarf Gloves Watch "
    "Wallet Sunglasses Umbrella Plant Vase Frame Clock"
).split()
PRODUCT_ADJECTIVES = (
    "Classic Premium Eco Urban Compact Deluxe Vintage Sport Travel Studio Organic Smart"
).split()


@dataclass(frozen=True)
class CustomerGroup:
    """A customer group (SAP BusinessPartnerGroups, customer type)."""

    code: int
    name: str


@dataclass(frozen=True)
class ItemGroup:
    """An item group (SAP ItemGroups, Tagrain product group)."""

    number: int
    name: str


@dataclass(frozen=True)
class Manufacturer:
    """A manufacturer (SAP Manufacturers)."""

    code: int
    name: str


@dataclass(frozen=True)
class Warehouse:
    """An SAP warehouse; each Tagrain store is mapped to one."""

    code: str
    name: str


@dataclass(frozen=True)
class Store:
    """A Tagrain store and the SAP warehouse and cash account it maps to."""

    code: str
    name: str
    timezone: str
    warehouse: str
    cash_account: str
    registers: tuple[str, ...]


@dataclass(frozen=True)
class Branch:
    """A branch (business place) of the demo company when it runs multi-branch."""

    id: int
    name: str
    warehouse: str
    disabled: bool = False


@dataclass(frozen=True)
class Account:
    """A G/L account in the SAP chart of accounts."""

    code: str
    name: str


@dataclass(frozen=True)
class Customer:
    """A customer of the demo company, as SAP knows it."""

    code: str
    name: str
    first_name: str
    last_name: str
    email: str
    phone: str
    group_code: int
    city: str
    country: str
    zip_code: str


@dataclass(frozen=True)
class Item:
    """An item of the demo company, as SAP knows it (code = Tagrain SKU)."""

    code: str
    name: str
    group_number: int
    manufacturer: int
    barcode: str
    price: Decimal
    kind: str  # standard, serial, batch, non_stock
    stock: tuple[tuple[str, Decimal], ...]  # (warehouse code, in stock)


CUSTOMER_GROUPS = (
    CustomerGroup(100, "Customers"),
    CustomerGroup(101, "Retail"),
    CustomerGroup(102, "Wholesale"),
    CustomerGroup(103, "VIP"),
    CustomerGroup(104, "Employees"),
)
VENDOR_GROUPS = (CustomerGroup(200, "Vendors"),)
ITEM_GROUPS = (
    ItemGroup(100, "Items"),
    ItemGroup(101, "Beverages"),
    ItemGroup(102, "Stationery"),
    ItemGroup(103, "Home"),
    ItemGroup(104, "Electronics"),
    ItemGroup(105, "Apparel"),
    ItemGroup(106, "Accessories"),
)
MANUFACTURERS = (
    Manufacturer(1, "Acme"),
    Manufacturer(2, "Northwind"),
    Manufacturer(3, "Contoso"),
    Manufacturer(4, "Fabrikam"),
    Manufacturer(5, "Tailspin"),
)
WAREHOUSES = (
    Warehouse("01", "General Warehouse"),
    Warehouse("NY", "New York Store"),
    Warehouse("CHI", "Chicago Store"),
    Warehouse("DEN", "Denver Store"),
    Warehouse("LA", "Los Angeles Store"),
)
STORES = (
    Store("NYC", "Tagrain New York", "America/New_York", "NY", "_SYS00000000101", ("R1", "R2")),
    Store("CHI", "Tagrain Chicago", "America/Chicago", "CHI", "_SYS00000000102", ("R1",)),
    Store("DEN", "Tagrain Denver", "America/Denver", "DEN", "_SYS00000000103", ("R1",)),
    Store("LAX", "Tagrain Los Angeles", "America/Los_Angeles", "LA", "_SYS00000000104", ("R1",)),
)
BRANCHES = (
    Branch(1, "Head Office", "01"),
    Branch(2, "East Coast Stores", "NY"),
    Branch(3, "Central Stores", "CHI"),
    Branch(4, "West Coast Stores", "LA"),
    Branch(9, "Closed Outlets", "DEN", disabled=True),
)
STORE_BRANCHES = {"NYC": 2, "CHI": 3, "DEN": 3, "LAX": 4}
"""Which branch each demo store posts to in a multi-branch demo company."""
ACCOUNTS = (
    Account("_SYS00000000101", "Cash - New York Store"),
    Account("_SYS00000000102", "Cash - Chicago Store"),
    Account("_SYS00000000103", "Cash - Denver Store"),
    Account("_SYS00000000104", "Cash - Los Angeles Store"),
    Account("_SYS00000000110", "Bank Transfers Clearing"),
    Account("_SYS00000000120", "Credit Card Clearing"),
    Account("_SYS00000000130", "Gift Card Liability"),
    Account("_SYS00000000140", "Store Credit Liability"),
    Account("_SYS00000000200", "Accounts Receivable"),
    Account("_SYS00000000400", "Sales Revenue"),
    Account("_SYS00000000600", "Office Supplies Expense"),
    Account("_SYS00000000610", "Cleaning Expense"),
    Account("_SYS00000000620", "Postage Expense"),
    Account("_SYS00000000630", "Staff Meals Expense"),
    Account("_SYS00000000640", "Repairs and Maintenance"),
    Account("_SYS00000000690", "Miscellaneous Expense"),
)
CREDIT_CARDS = ((1, "Visa", "_SYS00000000120"), (2, "MasterCard", "_SYS00000000120"))
EXPENSE_CATEGORIES = (
    ("office_supplies", "_SYS00000000600"),
    ("cleaning", "_SYS00000000610"),
    ("postage", "_SYS00000000620"),
    ("staff_meals", "_SYS00000000630"),
    ("repairs", "_SYS00000000640"),
)
UNMAPPED_EXPENSE_CATEGORY = "donations"
PRICE_LISTS = ((1, "Retail Price List"), (2, "Wholesale Price List"))
PAYMENT_TERMS = ((-1, "Cash Basic"), (1, "Net 30"), (2, "Net 60"))
"""Payment terms (OCTG): SAP ships -1 "Cash Basic"; the others are the demo's."""
WALK_IN_CUSTOMER = "C-WALKIN"
TAX_CODE = "EX"
TAX_CODES = (("EX", "Exempt", Decimal("0")), ("TX", "Sales Tax 8%", Decimal("8")))
"""Sales tax codes with their rates in percent; Tagrain products use the same codes."""


SERIAL_STOCK_MIN = 8
SERIAL_STOCK_SPREAD = 17
"""A serial item holds 8 to 24 units (serial numbers) in each warehouse."""
BATCHES_PER_ITEM = 2

SPECIAL_CODE_ITEMS = tuple(
    Item(
        code=code,
        name=name,
        group_number=ITEM_GROUPS[1 + n % (len(ITEM_GROUPS) - 1)].number,
        manufacturer=MANUFACTURERS[n % len(MANUFACTURERS)].code,
        barcode=f"{490000000000 + n:012d}",
        price=Decimal(price),
        kind="standard",
        stock=tuple((w.code, Decimal(5 * (n + k))) for k, w in enumerate(WAREHOUSES)),
    )
    for n, (code, name, price) in enumerate(
        (
            ("Bügel-Ø", "Bügel Ø 40 cm", "12.90"),
            ('Bolt 3/8" #2', "Bolt 3/8 inch, size 2", "0.35"),
            ("O'Reilly & Sons", "O'Reilly & Sons Tea Tin", "7.50"),
            ("Sale 50%+1", "Clearance bundle, 50% + 1", "9.99"),
            ("X?Y=1", "Puzzle X?Y", "4.20"),
            ("Kit(2),%41", "Kit of 2, lot %41", "15.00"),
        ),
        start=1,
    )
)
"""Items whose codes hold characters that mean something in a URL (``/ # % ? & + = ( ) ,``,
spaces, quotes, non-ASCII letters), as real companies have. The SAP sandbox seeds them
after the generated items (Tagrain does not know them); every code sorts after ``A…``."""

SPECIAL_CODE_CUSTOMER = Customer(
    code="Ø'Neil & Co/#1",
    name="Ø'Neil & Co",
    first_name="Øystein",
    last_name="O'Neil",
    email="oystein.oneil@example.com",
    phone="+1-555-0199",
    group_code=CUSTOMER_GROUPS[1].code,
    city="Chicago",
    country="US",
    zip_code="60601",
)
"""A customer whose code holds a quote, spaces, ``&``, ``/``, ``#`` and a non-ASCII letter
(15 characters, SAP's CardCode size); the SAP sandbox seeds it after the generated ones."""


def customer_code(n: int) -> str:
    """The SAP CardCode of the n-th demo customer (1-based)."""
    return f"C{n:06d}"


def item_code(n: int) -> str:
    """The SAP ItemCode (= Tagrain SKU) of the n-th demo item (1-based)."""
    return f"A{n:05d}"


def customers(count: int, seed: int = 7) -> Iterator[Customer]:
    """The first ``count`` demo customers; the same seed always gives the same people."""
    rng = random.Random(seed)
    groups = [g.code for g in CUSTOMER_GROUPS]
    for n in range(1, count + 1):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        city, country, zip_code = rng.choice(CITIES)
        yield Customer(
            code=customer_code(n),
            name=f"{first} {last}",
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}.{n}@example.com",
            phone=f"+1-555-{n % 10000:04d}",
            group_code=groups[n % len(groups)],
            city=city,
            country=country,
            zip_code=zip_code,
        )


def walk_in_customer() -> Customer:
    """The default cash customer that walk-in sales are posted to."""
    return Customer(
        code=WALK_IN_CUSTOMER,
        name="Walk-in Customer",
        first_name="Walk-in",
        last_name="Customer",
        email="",
        phone="",
        group_code=CUSTOMER_GROUPS[0].code,
        city="New York",
        country="US",
        zip_code="10001",
    )


def items(count: int, seed: int = 11) -> Iterator[Item]:
    """The first ``count`` demo items with prices and stock in every store warehouse.

    Every 10th item is serial-managed, every 15th batch-managed, every 25th a
    non-stock (service) item; the rest are standard. A serial item holds a few
    units per warehouse (each is one serial number, see ``serial_numbers``).
    """
    rng = random.Random(seed)
    for n in range(1, count + 1):
        if n % 25 == 0:
            kind = "non_stock"
        elif n % 15 == 0:
            kind = "batch"
        elif n % 10 == 0:
            kind = "serial"
        else:
            kind = "standard"
        group = ITEM_GROUPS[1 + n % (len(ITEM_GROUPS) - 1)]
        manufacturer = MANUFACTURERS[n % len(MANUFACTURERS)].code if n % 7 else -1
        price = Decimal(rng.randrange(199, 19999)) / 100
        stock: tuple[tuple[str, Decimal], ...] = ()
        if kind != "non_stock":
            stock = tuple((w.code, Decimal(rng.randrange(0, 400))) for w in WAREHOUSES)
        if kind == "serial":
            stock = tuple((w, SERIAL_STOCK_MIN + q % SERIAL_STOCK_SPREAD) for w, q in stock)
        yield Item(
            code=item_code(n),
            name=f"{rng.choice(PRODUCT_ADJECTIVES)} {rng.choice(PRODUCT_WORDS)} {n}",
            group_number=group.number,
            manufacturer=manufacturer,
            barcode=f"{400000000000 + n:012d}",
            price=price,
            kind=kind,
            stock=stock,
        )


def serial_numbers(item: Item, warehouse: str) -> list[str]:
    """The serial numbers of a serial item in stock in a warehouse when the demo starts.

    One per unit, unique across items and warehouses (``A00010-NY-0001``...).
    """
    if item.kind != "serial":
        return []
    units = int(dict(item.stock).get(warehouse, 0))
    return [f"{item.code}-{warehouse}-{k:04d}" for k in range(1, units + 1)]


def batch_number(item_code: str, k: int) -> str:
    """The k-th batch (1-based) of a batch item; the same batch lies in several warehouses."""
    return f"{item_code}-L{k:02d}"


def batches(item: Item, warehouse: str) -> list[tuple[str, Decimal]]:
    """The batches of a batch item in a warehouse when the demo starts, with their quantities.

    The warehouse's stock is split over ``BATCHES_PER_ITEM`` batches, the first
    holding the larger half; batches left empty are not listed.
    """
    if item.kind != "batch":
        return []
    units = dict(item.stock).get(warehouse, Decimal(0))
    first = units - units // BATCHES_PER_ITEM
    parts = [first, units - first]
    return [(batch_number(item.code, k), q) for k, q in enumerate(parts, start=1) if q > 0]
