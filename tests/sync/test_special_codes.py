"""SAP codes that mean something in a URL go through the SAP → Tagrain jobs unharmed.

The demo's items and customer with ``/ # % ? & + = ( ) ,``, spaces, quotes and
non-ASCII letters in their codes are pushed to Tagrain, their Tagrain ids are
written back onto the very SAP records (a PATCH by key), and their stock follows.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Link, SyncMark
from app.sync.context import SyncContext
from app.sync.jobs.customers_up import CustomersUpJob
from app.sync.jobs.inventory import InventoryJob
from app.sync.jobs.products_up import ProductsUpJob
from app.sync.runner import Runner

CODES = [item.code for item in demo.SPECIAL_CODE_ITEMS]


def _mark(database: Database, template_id: int, kind: str, keys: list[str]) -> None:
    with database.session() as session:
        session.query(SyncMark).delete()
        session.add_all(SyncMark(kind=kind, sap_key=k, template_id=template_id) for k in keys)


def _links(database: Database, object_name: str) -> dict[str, str]:
    with database.session() as session:
        rows = session.scalars(select(Link).where(Link.object == object_name)).all()
        return {row.sap_key: row.tagrain_id for row in rows}


def test_items_with_special_codes_reach_tagrain_and_carry_their_ids_back(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    _mark(database, template_id, "item", CODES)
    before = sandboxes.tagrain.count("products")
    runner = Runner(database, workers=3)
    result = runner.run(ProductsUpJob(context), template_id)
    assert result.status == "succeeded", result.message
    assert result.created == result.total == len(CODES)
    assert sandboxes.tagrain.count("products") == before + len(CODES)
    linked = _links(database, "products")
    assert set(linked) == set(CODES)
    for item in demo.SPECIAL_CODE_ITEMS:
        product = sandboxes.tagrain.record("products", linked[item.code])
        assert product is not None
        assert (product["sku"], product["name"]) == (item.code, item.name)
        assert Decimal(product["price"]) == item.price
        sap = context.sap.client.get("Items", item.code, select=["ItemCode", "U_TG_ID"])
        assert (sap["ItemCode"], sap["U_TG_ID"]) == (item.code, linked[item.code])
    again = runner.run(ProductsUpJob(context), template_id)
    assert again.skipped == again.total == len(CODES)

    stock = runner.run(InventoryJob(context), template_id)
    assert stock.status == "succeeded", stock.message
    for rule in context.rules.stores.values():
        levels = {lvl.sku: lvl.on_hand for lvl in context.tagrain.iter_inventory(rule.store_id)}
        for item in demo.SPECIAL_CODE_ITEMS:
            assert levels[item.code] == dict(item.stock)[rule.warehouse], (rule.store_id, item)


def test_a_customer_with_a_special_code_reaches_tagrain_and_carries_its_id_back(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    special = demo.SPECIAL_CODE_CUSTOMER
    _mark(database, template_id, "customer", [special.code])
    runner = Runner(database, workers=2)
    result = runner.run(CustomersUpJob(context), template_id)
    assert result.status == "succeeded", result.message
    tagrain_id = _links(database, "customers")[special.code]
    customer = sandboxes.tagrain.record("customers", tagrain_id)
    assert customer is not None
    assert (customer["external_ref"], customer["email"]) == (special.code, special.email)
    bp = context.sap.customer(special.code)
    assert bp is not None and bp.tagrain_id == tagrain_id
    again = runner.run(CustomersUpJob(context), template_id)
    assert again.skipped == again.total == 1
