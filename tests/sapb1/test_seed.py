"""Seeding: deterministic, from the shared demo company, idempotent on an existing file."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox


def test_seed_matches_the_demo_company() -> None:
    sandbox = ServiceLayerSandbox(customers=12, items=30)
    try:
        assert sandbox.count("BusinessPartners") == 14  # + walk-in and special-code customers
        assert sandbox.count("Items") == 30 + len(demo.SPECIAL_CODE_ITEMS)
        special = sandbox.entity("BusinessPartners", demo.SPECIAL_CODE_CUSTOMER.code)
        assert special is not None and special["CardName"] == demo.SPECIAL_CODE_CUSTOMER.name
        for item in demo.SPECIAL_CODE_ITEMS:
            stored = sandbox.entity("Items", item.code)
            assert stored is not None and stored["ItemName"] == item.name
            assert sandbox.stock(item.code, "NY") == float(dict(item.stock)["NY"])
        first = next(demo.customers(1))
        bp = sandbox.entity("BusinessPartners", first.code)
        assert bp is not None and (bp["CardName"], bp["EmailAddress"]) == (first.name, first.email)
        item = next(i for i in demo.items(30) if i.kind == "standard")
        stored = sandbox.entity("Items", item.code)
        assert stored is not None and stored["ItemPrices"][0]["Price"] == float(item.price)
        assert sandbox.stock(item.code, "NY") == float(dict(item.stock)["NY"])
        service = sandbox.entity("Items", demo.item_code(25))
        assert service is not None and service["InventoryItem"] == "tNO"
        assert sandbox.count("ItemGroups") == len(demo.ITEM_GROUPS)
        assert sandbox.count("Manufacturers") == len(demo.MANUFACTURERS)
        assert sandbox.count("BusinessPartnerGroups") == len(demo.CUSTOMER_GROUPS) + 1
    finally:
        sandbox.stop()


def test_existing_database_is_reused(tmp_path: Path) -> None:
    database = tmp_path / "sl.sqlite3"
    first = ServiceLayerSandbox(database, customers=5, items=5).start()
    from tests.sapb1.conftest import RawSession, invoice_body

    assert RawSession(first).post("Invoices", invoice_body()).status_code == 201
    first.stop()
    second = ServiceLayerSandbox(database, customers=5, items=5)
    try:
        assert second.count("Invoices") == 1 and second.count("BusinessPartners") == 7
    finally:
        second.stop()


def test_seeding_is_bulk_fast() -> None:
    started = time.monotonic()
    sandbox = ServiceLayerSandbox(customers=10_000, items=5_000)
    elapsed = time.monotonic() - started
    try:
        assert sandbox.count("BusinessPartners") == 10_002
        assert elapsed < 10
    finally:
        sandbox.stop()


def test_stored_seed_reads_back_as_whole_entities() -> None:
    from app.sandbox.sapb1.entities import ENTITY_SETS
    from app.sandbox.sapb1.seed import (
        _FastJson,
        customer_body,
        customer_compact,
        item_body,
        item_compact,
    )
    from app.sandbox.sapb1.store import encode, unpack

    fast = _FastJson()
    for customer in [*demo.customers(20), demo.walk_in_customer()]:
        stored = unpack(ENTITY_SETS["BusinessPartners"], encode(customer_compact(customer)))
        assert stored == customer_body(customer)
        assert stored["UpdateDate"] == "2024-01-02" and stored["Notes"] is None
        assert json.loads(fast.customer(customer)) == customer_compact(customer)
    for item in demo.items(60):
        stored = unpack(ENTITY_SETS["Items"], encode(item_compact(item)))
        assert stored == item_body(item)
        assert json.loads(fast.item(item)) == item_compact(item)


def test_stored_seed_names_every_property_once() -> None:
    """SQLite's ``json_extract`` reads the first of two equal names, Python the last."""
    from app.sandbox.sapb1.seed import _FastJson

    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        names = [name for name, _ in pairs]
        assert len(names) == len(set(names)), names
        return dict(pairs)

    fast = _FastJson()
    for item in demo.items(60):
        json.loads(fast.item(item), object_pairs_hook=no_duplicates)
    for customer in [*demo.customers(20), demo.walk_in_customer()]:
        json.loads(fast.customer(customer), object_pairs_hook=no_duplicates)
