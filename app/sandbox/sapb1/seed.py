"""Seeds the sandbox company from ``app.sandbox.demo``, deterministically and in bulk.

The generated customers and items come first, then the demo's few records whose
codes hold characters that mean something in a URL (``SPECIAL_CODE_*``).

The company starts as a fresh SAP company does: without the add-on's user
fields (``U_TG_ID``), which the product's Company Setup adds through
``UserFieldsMD``.

Seeding is idempotent: a database that already carries the seed marker is
reused as it is, so a sandbox file survives restarts with its documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from app.sandbox import demo
from app.sandbox.sapb1.entities import ENTITY_SETS
from app.sandbox.sapb1.seed_tracking import seed_tracking
from app.sandbox.sapb1.store import SandboxStore, Tx, encode

SEED_DATE = "2024-01-02"
SEED_TIME = "08:00:00"
SEED_MARKER = "seeded"
_ENC = encode
_S = json.encoder.encode_basestring


def _stamped(body: dict[str, Any]) -> dict[str, Any]:
    for name in ("UpdateDate", "CreateDate", "CreationDate"):
        if name in body:
            body[name] = SEED_DATE
    for name in ("UpdateTime", "CreateTime"):
        if name in body:
            body[name] = SEED_TIME
    return body


def new_body(set_name: str, **values: Any) -> dict[str, Any]:
    """A fresh entity of ``set_name``: its defaults overlaid with ``values``."""
    es = ENTITY_SETS[set_name]
    body = dict(es.defaults)
    for name in es.list_properties:
        body[name] = []
    body.update(values)
    return body


def _compact_static(set_name: str) -> dict[str, Any]:
    """A seeded entity's constant part, without the nulls and empty lists storage drops."""
    body = _stamped(new_body(set_name))
    return {k: v for k, v in body.items() if v is not None and v != []}


_BP_STATIC = _compact_static("BusinessPartners")
_ITEM_STATIC = _compact_static("Items")
_ADDRESS_STATIC = {
    "AddressName": "Bill To",
    "Street": None,
    "Block": None,
    "County": None,
    "State": None,
    "AddressType": "bo_BillTo",
    "RowNum": 0,
}


def customer_compact(c: demo.Customer) -> dict[str, Any]:
    """A demo customer as stored: nulls left out (storage restores them from the defaults)."""
    body = {
        **_BP_STATIC,
        "CardCode": c.code,
        "CardName": c.name,
        "GroupCode": c.group_code,
        "City": c.city,
        "Country": c.country,
        "ZipCode": c.zip_code,
        "BPAddresses": [
            {
                **_ADDRESS_STATIC,
                "ZipCode": c.zip_code,
                "City": c.city,
                "Country": c.country,
                "BPCode": c.code,
            }
        ],
    }
    if c.phone:
        body["Phone1"] = c.phone
    if c.email:
        body["EmailAddress"] = c.email
    return body


def customer_body(c: demo.Customer) -> dict[str, Any]:
    """A BusinessPartners entity for a demo customer, whole."""
    return new_body("BusinessPartners", **customer_compact(c))


_PRICE_STATIC = {
    "Currency": demo.CURRENCY,
    "AdditionalPrice1": 0.0,
    "AdditionalCurrency1": None,
    "AdditionalPrice2": 0.0,
    "AdditionalCurrency2": None,
    "Factor": 1.0,
}


def item_compact(item: demo.Item, barcode_entry: int | None = None) -> dict[str, Any]:
    """A demo item as stored, with its prices and per-warehouse stock; nulls left out.

    ``barcode_entry`` is the AbsEntry of its bar code (by default the number in its code).
    """
    stock = dict(item.stock)
    inventory = item.kind != "non_stock"
    wholesale = round(item.price * 90 / 100, 2)
    prices = [
        {
            "PriceList": number,
            "Price": float(item.price if number == 1 else wholesale),
            **_PRICE_STATIC,
            "BasePriceList": number,
            "UoMPrices": [],
        }
        for number, _ in demo.PRICE_LISTS
    ]
    body = {
        **_ITEM_STATIC,
        "ItemCode": item.code,
        "ItemName": item.name,
        "ItemsGroupCode": item.group_number,
        "Manufacturer": item.manufacturer,
        "BarCode": item.barcode,
        "QuantityOnStock": float(sum(stock.values())),
        "ItemPrices": prices,
        "ItemBarCodeCollection": [
            {
                "AbsEntry": int(item.code[1:]) if barcode_entry is None else barcode_entry,
                "UoMEntry": -1,
                "Barcode": item.barcode,
                "FreeText": None,
            }
        ],
    }
    if inventory:
        body["ItemWarehouseInfoCollection"] = [
            warehouse_info(item.code, w.code, float(stock.get(w.code, 0))) for w in demo.WAREHOUSES
        ]
    else:
        body["InventoryItem"] = "tNO"
    if item.kind == "serial":
        body["ManageSerialNumbers"] = "tYES"
    elif item.kind == "batch":
        body["ManageBatchNumbers"] = "tYES"
    return body


def item_body(item: demo.Item) -> dict[str, Any]:
    """An Items entity for a demo item, whole."""
    return new_body("Items", **item_compact(item))


_ITEM_KIND_FLAGS = ("InventoryItem", "ManageSerialNumbers", "ManageBatchNumbers")
"""Item properties that depend on the item's kind: written once each, never in the head
(a JSON object with a property twice reads as its last value in Python but as its first
in SQLite's ``json_extract``, so a ``$filter`` on it would see the template's default)."""


class _FastJson:
    """Stored JSON of demo customers and items straight from templates (bulk seeding).

    Equal, once parsed, to ``encode(customer_compact(c))`` / ``encode(item_compact(i))``
    (a test holds them to it); about five times faster at 100,000 rows.
    """

    def __init__(self) -> None:
        self.bp_head = self._head(
            _BP_STATIC,
            {"CardCode", "CardName", "GroupCode", "City", "Country", "ZipCode", "BPAddresses"},
        )
        self.address_head = self._head(_ADDRESS_STATIC, set())
        item_varying = {
            "ItemCode",
            "ItemName",
            "ItemsGroupCode",
            "Manufacturer",
            "BarCode",
            "QuantityOnStock",
            "ItemPrices",
            "ItemBarCodeCollection",
            *_ITEM_KIND_FLAGS,
        }
        self.item_head = self._head(_ITEM_STATIC, item_varying)
        self.price_tail = {
            number: _ENC({**_PRICE_STATIC, "BasePriceList": number, "UoMPrices": []})[1:]
            for number, _ in demo.PRICE_LISTS
        }
        self.warehouse_tails = [
            (
                w.code,
                _ENC(
                    {
                        k: v
                        for k, v in warehouse_info("", w.code).items()
                        if k not in {"InStock", "ItemCode"}
                    }
                )[1:],
            )
            for w in demo.WAREHOUSES
        ]

    @staticmethod
    def _head(static: dict[str, Any], varying: set[str]) -> str:
        return _ENC({k: v for k, v in static.items() if k not in varying})[:-1]

    def customer(self, c: demo.Customer) -> str:
        """The stored JSON of one demo customer."""
        code, city, country, zip_code = _S(c.code), _S(c.city), _S(c.country), _S(c.zip_code)
        parts = [
            self.bp_head,
            f',"CardCode":{code},"CardName":{_S(c.name)},"GroupCode":{c.group_code}',
            f',"City":{city},"Country":{country},"ZipCode":{zip_code},"BPAddresses":[',
            self.address_head,
            f',"ZipCode":{zip_code},"City":{city},"Country":{country},"BPCode":{code}}}]',
        ]
        if c.phone:
            parts.append(f',"Phone1":{_S(c.phone)}')
        if c.email:
            parts.append(f',"EmailAddress":{_S(c.email)}')
        parts.append("}")
        return "".join(parts)

    def item(self, item: demo.Item) -> str:
        """The stored JSON of one demo item."""
        stock = dict(item.stock)
        code, barcode = _S(item.code), _S(item.barcode)
        wholesale = round(item.price * 90 / 100, 2)
        prices = ",".join(
            f'{{"PriceList":{n},"Price":{float(item.price if n == 1 else wholesale)!r},{tail}'
            for n, tail in self.price_tail.items()
        )
        parts = [
            self.item_head,
            f',"ItemCode":{code},"ItemName":{_S(item.name)},"ItemsGroupCode":'
            f'{item.group_number},"Manufacturer":{item.manufacturer},"BarCode":{barcode}',
            f',"QuantityOnStock":{float(sum(stock.values()))!r},"ItemPrices":[{prices}]',
            f',"ItemBarCodeCollection":[{{"AbsEntry":{int(item.code[1:])},"UoMEntry":-1,'
            f'"Barcode":{barcode},"FreeText":null}}]',
        ]
        if item.kind != "non_stock":
            rows = ",".join(
                f'{{"InStock":{float(stock.get(w, 0))!r},"ItemCode":{code},{tail}'
                for w, tail in self.warehouse_tails
            )
            parts.append(f',"ItemWarehouseInfoCollection":[{rows}]')
        flags = {
            "InventoryItem": item.kind != "non_stock",
            "ManageSerialNumbers": item.kind == "serial",
            "ManageBatchNumbers": item.kind == "batch",
        }
        parts += [f',"{name}":"{"tYES" if on else "tNO"}"' for name, on in flags.items()]
        parts.append("}")
        return "".join(parts)


def warehouse_info(item_code: str, warehouse: str, in_stock: float = 0.0) -> dict[str, Any]:
    """One line of ItemWarehouseInfoCollection."""
    return {
        "MinimalStock": 0.0,
        "MaximalStock": 0.0,
        "MinimalOrder": 0.0,
        "StandardAveragePrice": 0.0,
        "Locked": "tNO",
        "WarehouseCode": warehouse,
        "InStock": in_stock,
        "Committed": 0.0,
        "Ordered": 0.0,
        "ItemCode": item_code,
    }


def _small_sets() -> Iterator[tuple[str, Any, dict[str, Any]]]:
    for g in demo.CUSTOMER_GROUPS:
        yield (
            "BusinessPartnerGroups",
            g.code,
            new_body("BusinessPartnerGroups", Code=g.code, Name=g.name, Type="bbpgt_CustomerGroup"),
        )
    for g in demo.VENDOR_GROUPS:
        yield (
            "BusinessPartnerGroups",
            g.code,
            new_body("BusinessPartnerGroups", Code=g.code, Name=g.name, Type="bbpgt_VendorGroup"),
        )
    for ig in demo.ITEM_GROUPS:
        yield "ItemGroups", ig.number, new_body("ItemGroups", Number=ig.number, GroupName=ig.name)
    for m in demo.MANUFACTURERS:
        yield (
            "Manufacturers",
            m.code,
            new_body("Manufacturers", Code=m.code, ManufacturerName=m.name),
        )
    for w in demo.WAREHOUSES:
        yield (
            "Warehouses",
            w.code,
            new_body("Warehouses", WarehouseCode=w.code, WarehouseName=w.name, Country="US"),
        )
    for number, name in demo.PAYMENT_TERMS:
        yield (
            "PaymentTermsTypes",
            number,
            new_body("PaymentTermsTypes", GroupNumber=number, PaymentTermsGroupName=name),
        )
    for number, name in demo.PRICE_LISTS:
        yield (
            "PriceLists",
            number,
            new_body("PriceLists", PriceListNo=number, PriceListName=name, BasePriceList=number),
        )
    for currency, currency_name in demo.CURRENCIES:
        yield (
            "Currencies",
            currency,
            new_body(
                "Currencies",
                Code=currency,
                Name=currency_name,
                DocumentsCode=currency,
                InternationalDescription=currency_name,
            ),
        )
    for a in demo.ACCOUNTS:
        yield "ChartOfAccounts", a.code, new_body("ChartOfAccounts", Code=a.code, Name=a.name)
    for tax_code, tax_name, rate in demo.TAX_CODES:
        yield (
            "SalesTaxCodes",
            tax_code,
            new_body("SalesTaxCodes", Code=tax_code, Name=tax_name, Rate=float(rate)),
        )
    for code, name, account in demo.CREDIT_CARDS:
        yield (
            "CreditCards",
            code,
            new_body("CreditCards", CreditCardCode=code, CreditCardName=name, GLAccount=account),
        )


def seed(store: SandboxStore, customers: int, items: int) -> bool:
    """Fill an empty database with the demo company; returns False if it was already seeded."""
    with store.transaction() as tx:
        if tx.meta(SEED_MARKER) is not None:
            return False
        _seed(tx, customers, items)
        tx.set_meta(SEED_MARKER, f"customers={customers},items={items}")
    return True


def _seed(tx: Tx, customers: int, items: int) -> None:
    by_set: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for set_name, key, body in _small_sets():
        by_set.setdefault(set_name, []).append((key, body))
    for set_name, rows in by_set.items():
        tx.bulk_insert(ENTITY_SETS[set_name], rows)
    walk_in = demo.walk_in_customer()
    bps = ENTITY_SETS["BusinessPartners"]
    fast = _FastJson()
    tx.bulk_insert_packed(bps, [(walk_in.code, fast.customer(walk_in))])
    tx.bulk_insert_packed(bps, ((c.code, fast.customer(c)) for c in demo.customers(customers)))
    tx.bulk_insert_packed(ENTITY_SETS["Items"], ((i.code, fast.item(i)) for i in demo.items(items)))
    special = demo.SPECIAL_CODE_CUSTOMER
    tx.bulk_insert(bps, [(special.code, customer_compact(special))])
    tx.bulk_insert(
        ENTITY_SETS["Items"],
        [
            (i.code, item_compact(i, barcode_entry=items + n))
            for n, i in enumerate(demo.SPECIAL_CODE_ITEMS, start=1)
        ],
    )
    seed_tracking(tx, items)
