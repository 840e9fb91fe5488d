"""Linking twins on the initial load, as a user runs it: ``integration-hub init`` in a real process.

A customer exists in both systems before the hub knows it: the Tagrain one
with an address line, e-mail, phone and a till-only group; its SAP twin
with no street, another e-mail and no phone. ``init --dry-run`` prints,
field by field, what linking would change on each side and changes nothing
in SAP, in Tagrain or in the store. ``init`` then merges by the first-link
rules (app/sync/first_link.py): read back through the Service Layer and the
Tagrain API, both sides hold the same values; the next incremental runs in
both directions change nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from app.connectors.sapb1 import ServiceLayerClient
from app.store import Database, RecordLog, Run, SyncMark
from app.sync.context import SyncContext, sap_settings
from app.sync.first_link import CUSTOMER_RULES, PRICE_RULE, PRODUCT_RULES, SAP, TAGRAIN, merge
from app.sync.jobs.customers_down import CustomersDownJob
from app.sync.jobs.customers_up import CustomersUpJob
from app.sync.jobs.products_up import ProductsUpJob
from app.sync.runner import Runner
from app.ui.data.preview import read_preview
from tests.support.file_keyring import sandbox_keyring
from tests.sync.conftest import context, sandboxes, template_id

__all__ = ["context", "sandboxes", "template_id"]

CODE = "C000777"
ITEM = "A09999"
BARCODE = "4006381333931"
SAP_COLLECTIONS = ("BusinessPartners", "BusinessPartnerGroups", "Items", "ItemGroups")
TAGRAIN_COLLECTIONS = (
    "customers",
    "customer-groups",
    "product-groups",
    "manufacturers",
    "products",
)
RUN_TABLES = {"runs", "record_log", "run_leases"}
"""What a preview may write: its own runs and log rows (marked preview) and its lease."""


def add_twins(context: SyncContext) -> str:
    """The SAP customer and its Tagrain twin (same code); returns the Tagrain id."""
    group = context.sap.customer_groups()[0].code
    context.sap.client.create(
        "BusinessPartners",
        {
            "CardCode": CODE,
            "CardName": "Anna Berg",
            "CardType": "cCustomer",
            "GroupCode": group,
            "EmailAddress": "anna@books.example",
            "FederalTaxID": "DE123456789",
            "City": "Hamburg",
            "ZipCode": "20095",
            "Country": "DE",
            "BPAddresses": [
                {
                    "AddressName": "Bill To",
                    "AddressType": "bo_BillTo",
                    "City": "Hamburg",
                    "ZipCode": "20095",
                    "Country": "DE",
                }
            ],
        },
    )
    till_group = context.tagrain.create_customer_group("Till regulars")
    customer = context.tagrain.create_customer(
        {
            "code": CODE,
            "first_name": "Anna",
            "last_name": "Berg-Till",
            "email": "anna@till.example",
            "phone": "+49 40 555 0101",
            "group_id": till_group.id,
            "address": {
                "line1": "Elbchaussee 12",
                "city": "Hamburg",
                "postcode": "22763",
                "country": "DE",
            },
        }
    )
    return customer.id


def add_item_twins(context: SyncContext) -> tuple[str, int]:
    """An SAP item without barcode or manufacturer and its Tagrain twin (same SKU) with both.

    Returns the Tagrain product id and the SAP code of the twin's manufacturer.
    """
    maker = next(m for m in context.sap.manufacturers() if m.name == "Acme")
    tagrain_maker = next(m for m in context.tagrain.iter_manufacturers() if m.name == "Acme")
    context.sap.client.create(
        "Items",
        {
            "ItemCode": ITEM,
            "ItemName": "Espresso cup",
            "ItemsGroupCode": context.sap.item_groups()[0].code,
            "ItemPrices": [{"PriceList": context.rules.price_list, "Price": 4.5}],
        },
    )
    product = context.tagrain.create_product(
        {
            "sku": ITEM,
            "name": "Cup, espresso",
            "type": "standard",
            "price": "4.50",
            "barcode": BARCODE,
            "manufacturer_id": tagrain_maker.id,
        }
    )
    return product.id, maker.code


def sap_twin(client: ServiceLayerClient) -> dict[str, Any]:
    """The SAP customer's shared fields, read through the Service Layer."""
    bp = client.get("BusinessPartners", CODE)
    bill_to = next(a for a in bp["BPAddresses"] if a["AddressType"] == "bo_BillTo")
    return {
        "name": bp["CardName"],
        "email": bp["EmailAddress"],
        "phone": bp["Phone1"],
        "tax_number": bp["FederalTaxID"],
        "group": bp["GroupCode"],
        "street": bill_to.get("Street"),
        "city": bill_to["City"],
        "postcode": bill_to["ZipCode"],
        "country": bill_to["Country"],
        "active": bp["Frozen"] != "tYES",
    }


def tagrain_twin(context: SyncContext, tagrain_id: str) -> dict[str, Any]:
    """The Tagrain customer's shared fields, read through the Tagrain API."""
    customer = context.tagrain.get_customer(tagrain_id)
    address = customer.address
    assert address is not None
    return {
        "name": f"{customer.first_name} {customer.last_name}",
        "email": customer.email,
        "phone": customer.phone,
        "tax_number": customer.tax_number,
        "group": customer.group_id,
        "street": address.line1,
        "city": address.city,
        "postcode": address.postcode,
        "country": address.country,
        "active": customer.active,
        "external_ref": customer.external_ref,
    }


def both_systems(context: SyncContext, client: ServiceLayerClient) -> dict[str, Any]:
    """Every master record of both systems, read through their APIs."""
    books: dict[str, Any] = {}
    for name in SAP_COLLECTIONS:
        books[f"SAP {name}"] = sorted(map(repr, client.iter_entities(name)))
    for collection in TAGRAIN_COLLECTIONS:
        records = context.tagrain.iter_records(collection, lambda raw: raw)
        books[f"Tagrain {collection}"] = sorted(map(repr, records))
    return books


def store_rows(database: Database) -> dict[str, list[str]]:
    """Every row of every store table but a run's own (runs, log rows, leases)."""
    meta = MetaData()
    meta.reflect(database.engine)
    with database.engine.connect() as connection:
        return {
            name: sorted(map(repr, connection.execute(select(table)).all()))
            for name, table in meta.tables.items()
            if name not in RUN_TABLES
        }


def init(database_file: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``integration-hub init`` in its own process, as a user types it."""
    script = Path(sys.executable).with_name("integration-hub")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    return subprocess.run(
        [*command, "--database", f"sqlite:///{database_file}", "init", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_init_links_twins_by_the_rules_and_both_sides_converge(
    database: Database,
    database_file: Path,
    template_id: int,
    context: SyncContext,
    tmp_path: Path,
) -> None:
    tagrain_id = add_twins(context)
    product_id, maker = add_item_twins(context)
    with database.session() as session:
        session.add(SyncMark(kind="customer", sap_key=CODE, template_id=template_id))
        session.add(SyncMark(kind="item", sap_key=ITEM, template_id=template_id))
    env = {**os.environ, **sandbox_keyring(tmp_path / "keyring.json")}
    env.pop("INTEGRATION_HUB_DATABASE_URL", None)
    client = ServiceLayerClient(sap_settings(context.rules))
    books, store = both_systems(context, client), store_rows(database)
    sap_before, tagrain_before = sap_twin(client), tagrain_twin(context, tagrain_id)
    sap_group_name = context.sap.customer_groups()[0].name

    preview = init(database_file, env, "--template", "Sandbox", "--dry-run")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    out = preview.stdout
    assert "would be linked, not duplicated" in out
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if f"{tagrain_id} <-> {CODE}" in line)
    assert "matched SAP customer C000777" in lines[start]
    changes = []
    for line in lines[start + 1 :]:
        if not line.startswith("      "):
            break
        changes.append(line.strip())
    assert sorted(changes) == sorted(
        [
            "Tagrain name: 'Anna Berg-Till' → 'Anna Berg'",
            "Tagrain e-mail: 'anna@till.example' → 'anna@books.example'",
            "SAP phone: (empty) → '+49 40 555 0101'",
            "Tagrain tax number: (empty) → 'DE123456789'",
            "SAP address line: (empty) → 'Elbchaussee 12'",
            "SAP postcode: '20095' → '22763'",
            f"Tagrain customer group: 'Till regulars' → {sap_group_name!r}",
        ]
    )
    item_line = next(n for n, line in enumerate(lines) if f"{ITEM} <-> {product_id}" in line)
    assert lines[item_line + 1 : item_line + 5] == [
        "      Tagrain name: 'Cup, espresso' → 'Espresso cup'",
        f"      Tagrain product group: (empty) → {context.sap.item_groups()[0].name!r}",
        "      SAP manufacturer: (empty) → 'Acme'",
        f"      SAP barcode: (empty) → '{BARCODE}'",
    ]
    assert not lines[item_line + 5].startswith("      ")
    assert both_systems(context, client) == books
    assert store_rows(database) == store
    assert sap_twin(client) == sap_before
    assert tagrain_twin(context, tagrain_id) == tagrain_before
    with database.session() as session:
        assert all(session.scalars(select(Run.dry_run)))
        run_ids = list(session.scalars(select(Run.id)))
    report = read_preview(database, "Initial Load", "init", template_id, run_ids)
    row = next(r for r in report.rows if r.object == "customers" and r.source_id == tagrain_id)
    assert (row.action, row.side) == ("Would link", "SAP, Tagrain")
    assert row.detail.startswith("Tagrain name: 'Anna Berg-Till' → 'Anna Berg'; Tagrain e-mail: ")

    done = init(database_file, env, "--template", "Sandbox")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SAP address line: (empty) → 'Elbchaussee 12'" in done.stdout
    group_link = context.binder.by_sap("customer_groups", str(sap_before["group"]))
    assert group_link is not None
    sap_after, tagrain_after = sap_twin(client), tagrain_twin(context, tagrain_id)
    merged = {
        "name": "Anna Berg",
        "email": "anna@books.example",
        "phone": "+49 40 555 0101",
        "tax_number": "DE123456789",
        "street": "Elbchaussee 12",
        "city": "Hamburg",
        "postcode": "22763",
        "country": "DE",
        "active": True,
    }
    assert sap_after == {**merged, "group": sap_before["group"]}
    assert tagrain_after == {**merged, "group": group_link.tagrain_id, "external_ref": CODE}
    link = context.binder.by_tagrain("customers", tagrain_id)
    assert link is not None and link.sap_key == CODE
    assert client.get("BusinessPartners", CODE)["U_TG_ID"] == tagrain_id

    item = client.get("Items", ITEM)
    assert (item["BarCode"], item["Manufacturer"], item["ItemName"]) == (
        BARCODE,
        maker,
        "Espresso cup",
    )
    product = context.tagrain.get_product(product_id)
    maker_link = context.binder.by_sap("manufacturers", str(maker))
    assert maker_link is not None
    assert (product.barcode, product.manufacturer_id, product.name) == (
        BARCODE,
        maker_link.tagrain_id,
        "Espresso cup",
    )

    runner = Runner(database, workers=2)
    for full in (False, True):
        for job in (CustomersDownJob(context), CustomersUpJob(context), ProductsUpJob(context)):
            again = runner.run(job, template_id, full=full)
            assert again.status == "succeeded", again.message
            assert (again.created, again.updated, again.failed) == (0, 0, 0), job.object_name
    assert sap_twin(client) == sap_after
    assert tagrain_twin(context, tagrain_id) == tagrain_after

    moved = {"line1": "Große Elbstraße 1", "city": "Hamburg", "postcode": "22767", "country": "DE"}
    context.tagrain.update_customer(tagrain_id, {"address": moved})
    down = runner.run(CustomersDownJob(context), template_id)
    assert down.updated == 1
    assert (sap_twin(client)["street"], sap_twin(client)["postcode"]) == (moved["line1"], "22767")
    up = runner.run(CustomersUpJob(context), template_id, full=True)
    assert (up.created, up.updated, up.failed) == (0, 0, 0)
    assert tagrain_twin(context, tagrain_id)["street"] == moved["line1"]
    client.close()


def test_the_rules_never_put_an_empty_value_over_a_filled_one() -> None:
    filled = {rule.field: f"{rule.field} 1" for rule in CUSTOMER_RULES}
    empty = {rule.field: None for rule in CUSTOMER_RULES}
    for sap, tagrain, loser in ((filled, empty, TAGRAIN), (empty, filled, SAP)):
        result = merge(CUSTOMER_RULES, sap, tagrain)
        assert result.values == filled
        assert {c.side for c in result.changes} == {loser}


def test_the_address_comes_as_one_block_from_the_side_with_a_street() -> None:
    sap = {"street": None, "city": "Munich", "postcode": "80331", "country": "DE"}
    tagrain = {"street": "Elbchaussee 12", "city": "Hamburg", "postcode": None, "country": None}
    result = merge(CUSTOMER_RULES, sap, tagrain)
    assert {k: result.values[k] for k in sap} == {
        "street": "Elbchaussee 12",
        "city": "Hamburg",
        "postcode": "80331",
        "country": "DE",
    }
    both = merge(CUSTOMER_RULES, {**sap, "street": "Marienplatz 1"}, tagrain)
    assert both.values["street"] == "Marienplatz 1" and both.values["city"] == "Munich"
    assert {c.side for c in both.changes} == {TAGRAIN}


def test_the_administrators_page_lists_every_rule_with_its_reason() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "admin-guide.md").read_text(
        encoding="utf-8"
    )
    for rule in (*CUSTOMER_RULES, *PRODUCT_RULES):
        assert f"| {rule.label} | {rule.winner} | {rule.reason} |" in page, rule.field
    assert PRICE_RULE in page


def test_a_manufacturer_only_the_till_knows_stays_in_tagrain_and_the_link_holds(
    database: Database, template_id: int, context: SyncContext
) -> None:
    till_brand = context.tagrain.create_manufacturer("Till Brand")
    context.sap.client.create(
        "Items",
        {
            "ItemCode": "A09998",
            "ItemName": "Saucer",
            "ItemsGroupCode": context.sap.item_groups()[0].code,
            "ItemPrices": [{"PriceList": context.rules.price_list, "Price": 2.5}],
        },
    )
    product = context.tagrain.create_product(
        {
            "sku": "A09998",
            "name": "Saucer",
            "type": "standard",
            "price": "2.50",
            "manufacturer_id": till_brand.id,
        }
    )
    with database.session() as session:
        session.add(SyncMark(kind="item", sap_key="A09998", template_id=template_id))
    runner = Runner(database, workers=1)
    linked = runner.run(ProductsUpJob(context), template_id)
    assert linked.status == "succeeded", linked.message
    with database.session() as session:
        message = session.scalars(
            select(RecordLog.message).where(
                RecordLog.run_id == linked.run_id, RecordLog.source_id == "A09998"
            )
        ).one()
    assert message is not None and "Tagrain's manufacturer is kept there" in message
    assert "manufacturer:" not in message
    assert context.sap.client.get("Items", "A09998")["Manufacturer"] == -1
    assert context.tagrain.get_product(product.id).manufacturer_id == till_brand.id
    again = runner.run(ProductsUpJob(context), template_id, full=True)
    assert (again.created, again.updated, again.failed, again.skipped) == (0, 0, 0, 1)
    assert context.tagrain.get_product(product.id).manufacturer_id == till_brand.id
