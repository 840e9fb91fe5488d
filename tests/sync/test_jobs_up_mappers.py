"""The map step of each SAP → Tagrain object: pure functions, tested without servers.

Customers, products, the three kinds of group and inventory levels: from the
SAP record and its resolved dependencies (the Tagrain ids of its groups) to
what is written to Tagrain, and the keys an unlinked record is matched by.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.connectors.sapb1.records import SapAddress, SapBusinessPartner, SapGroup, SapItem
from app.connectors.tagrain.records import Customer, InventoryResult, Product
from app.sync.context import StoreRule
from app.sync.jobs.customers_up import customer_keys, customer_match_keys, customer_payload
from app.sync.jobs.inventory import inventory_levels, snapshot_outcome
from app.sync.jobs.master_groups import group_fingerprint, group_payload
from app.sync.jobs.products_up import (
    ItemDependencies,
    create_body,
    item_match_keys,
    product_fingerprint,
    product_keys,
    product_payload,
    product_type,
    tagrain_mastered,
    type_note,
)
from app.sync.records import Action, RecordError

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

PARTNER = SapBusinessPartner(
    card_code="C001",
    card_name="  Ann   Lee ",
    group_code=100,
    email="Ann@Example.com ",
    phone=None,
    cellular="+1 555 0101",
    federal_tax_id="US123",
    currency="USD",
    active=True,
    tagrain_id=None,
    address=SapAddress(street="1 Main Street", city="Boston", zip_code="02101", country="US"),
    updated_at=NOW,
)

CUSTOMER = Customer(
    id="cu_1",
    code="C001",
    first_name="Ann",
    last_name="Lee",
    company=None,
    email="ann@example.com",
    phone=None,
    group_id=None,
    tax_number=None,
    credit_limit=Decimal(0),
    store_credit=Decimal(0),
    loyalty_points=0,
    address=None,
    external_ref=None,
    active=True,
    created_at=NOW,
    updated_at=NOW,
)

ITEM = SapItem(
    item_code="A001",
    item_name="Blue Mug",
    group_code=101,
    manufacturer=3,
    barcode="4000001",
    price=Decimal("9.50"),
    serial=False,
    batch=False,
    inventory_item=True,
    sales_item=True,
    active=True,
    tagrain_id=None,
    updated_at=NOW,
    stock={"01": (Decimal("10"), Decimal("2.5")), "02": (Decimal("1"), Decimal("3"))},
)

PRODUCT = Product(
    id="pr_1",
    sku="A001",
    name="Blue Mug",
    type="standard",
    non_stock=False,
    group_id="pg_1",
    manufacturer_id="mf_3",
    barcode="4000001",
    price=Decimal("9.50"),
    tax_code="TX",
    active=True,
    external_ref="A001",
    created_at=NOW,
    updated_at=NOW,
)

DEPS = ItemDependencies("pg_1", "mf_3")


def test_a_person_is_split_into_first_and_last_name_and_fields_map_across() -> None:
    payload = customer_payload(PARTNER, "cg_1", None)
    assert payload == {
        "first_name": "Ann",
        "last_name": "Lee",
        "company": None,
        "email": "Ann@Example.com ",
        "phone": "+1 555 0101",
        "tax_number": "US123",
        "group_id": "cg_1",
        "address": {
            "line1": "1 Main Street",
            "line2": None,
            "city": "Boston",
            "postcode": "02101",
            "country": "US",
        },
        "external_ref": "C001",
        "active": True,
    }


def test_a_company_keeps_the_card_name_and_an_empty_address_is_cleared() -> None:
    company = replace(CUSTOMER, company="Lee Ltd")
    bare = replace(PARTNER, card_name="", address=SapAddress(), phone="0" * 50)
    payload = customer_payload(bare, None, company)
    assert payload["company"] == "C001"
    assert "first_name" not in payload
    assert payload["address"] is None
    assert payload["phone"] == "0" * 40


def test_customers_are_matched_by_reference_code_then_folded_e_mail() -> None:
    assert customer_match_keys(PARTNER) == [
        ("ref:C001", "external reference"),
        ("code:C001", "code"),
        ("email:ann@example.com", "e-mail"),
    ]
    assert customer_match_keys(replace(PARTNER, email=None))[-1] == ("code:C001", "code")
    assert list(customer_keys(replace(CUSTOMER, external_ref="C001"))) == [
        "ref:C001",
        "code:C001",
        "email:ann@example.com",
    ]


def test_an_item_maps_to_product_fields_with_its_groups_ids() -> None:
    assert product_payload(ITEM, DEPS) == {
        "sku": "A001",
        "name": "Blue Mug",
        "non_stock": False,
        "group_id": "pg_1",
        "manufacturer_id": "mf_3",
        "barcode": "4000001",
        "active": True,
        "external_ref": "A001",
        "price": Decimal("9.50"),
    }
    unpriced = product_payload(replace(ITEM, price=None, item_name=""), ItemDependencies(None))
    assert "price" not in unpriced and unpriced["name"] == "A001"


def test_a_create_carries_the_type_and_needs_a_price() -> None:
    assert create_body(ITEM, DEPS, 1)["type"] == "standard"
    assert create_body(replace(ITEM, batch=True), DEPS, 1)["type"] == "batch"
    assert product_type(replace(ITEM, serial=True, batch=True)) == "serial"
    with pytest.raises(RecordError, match=r"no price in the template's price list \(2\)"):
        create_body(replace(ITEM, price=None), DEPS, 2)


def test_product_fingerprints_follow_every_written_field() -> None:
    payload = product_payload(ITEM, DEPS)
    assert product_fingerprint(payload) == product_fingerprint(product_payload(ITEM, DEPS))
    assert product_fingerprint(payload) != product_fingerprint({**payload, "name": "Red Mug"})
    assert product_fingerprint(payload) != product_fingerprint({**payload, "price": Decimal(10)})
    assert product_fingerprint(payload) != product_fingerprint(
        product_payload(ITEM, ItemDependencies("pg_2", "mf_3"))
    )


def test_products_are_matched_by_sku_then_barcode_and_types_are_noted() -> None:
    assert item_match_keys(ITEM) == [("sku:A001", "SKU"), ("barcode:4000001", "barcode")]
    assert item_match_keys(replace(ITEM, barcode=None)) == [("sku:A001", "SKU")]
    assert list(product_keys(PRODUCT)) == ["sku:A001", "barcode:4000001"]
    assert type_note(ITEM, PRODUCT) is None
    assert "Tagrain cannot change" in (type_note(replace(ITEM, serial=True), PRODUCT) or "")
    skipped = tagrain_mastered(replace(PRODUCT, type="variant"))
    assert skipped.action is Action.SKIPPED and skipped.target_key == "pr_1"
    assert skipped.message == "Tagrain product A001 is a variant, mastered in Tagrain"


def test_a_group_is_written_and_remembered_by_its_exact_name() -> None:
    group = SapGroup(100, "Retail")
    assert group_payload(group) == {"name": "Retail"}
    assert group_fingerprint(group) == group_fingerprint(SapGroup(7, "Retail"))
    assert group_fingerprint(group) != group_fingerprint(SapGroup(100, "retail"))


def test_inventory_levels_are_available_stock_of_stock_items_only() -> None:
    service = replace(ITEM, item_code="S1", inventory_item=False)
    other = replace(ITEM, item_code="B2", stock={"01": (Decimal("1.23456"), Decimal(0))})
    assert inventory_levels([ITEM, service, other], "01") == [
        ("A001", Decimal("7.500")),
        ("B2", Decimal("1.235")),
    ]
    assert inventory_levels([ITEM], "02") == [("A001", Decimal("-2.000"))]
    assert inventory_levels([ITEM], "99") == [("A001", Decimal("0.000"))]


def test_a_snapshot_with_unknown_skus_fails_and_lists_them() -> None:
    rule = StoreRule("st_1", "S1", "01", None, None)
    done = snapshot_outcome(rule, InventoryResult(5, ()))
    assert (done.action, done.target_key) == (Action.UPDATED, "st_1")
    assert done.message == "5 levels set from warehouse 01"
    unknown = tuple(f"X{n}" for n in range(21))
    failed = snapshot_outcome(rule, InventoryResult(3, unknown))
    assert failed.action is Action.FAILED
    assert failed.message == (
        f"Tagrain does not know 21 SKU(s) of warehouse 01: {', '.join(unknown[:20])}, ...; "
        "the other 3 levels were set"
    )
