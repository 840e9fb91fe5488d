"""SAP → Tagrain jobs end to end over real HTTP against both sandboxes.

Groups and manufacturers, marked customers and items, and the inventory
snapshot are pushed; records Tagrain already has are linked, not duplicated;
a second run skips everything; a run cut short or hit by faults converges
when run again, with no duplicate on either side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select

from app.connectors.tagrain.drafts import ProductDraft
from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import RunningSandboxes
from app.sandbox.sapb1.entities import entity_set
from app.store import Database, Link, RecordLog, Run, RunLease, SyncMark
from app.sync import context as sync_context
from app.sync.context import SyncContext
from app.sync.jobs.customers_down import CustomersDownJob
from app.sync.jobs.customers_up import CustomersUpJob
from app.sync.jobs.inventory import InventoryJob
from app.sync.jobs.master_groups import CustomerGroupsJob, ManufacturersJob, ProductGroupsJob
from app.sync.jobs.products_up import ProductsUpJob
from app.sync.records import CancelToken, Progress
from app.sync.runner import Runner


def links(database: Database, object_name: str) -> dict[str, str]:
    """SAP key → Tagrain id of one object's links."""
    with database.session() as session:
        rows = session.scalars(select(Link).where(Link.object == object_name)).all()
        return {row.sap_key: row.tagrain_id for row in rows}


def actions(database: Database, run_id: int) -> Counter[str]:
    """How many records of a run's own object ended in each action.

    The groups a customer or item needed are logged in the same run under their
    own object (``dependencies``) and are left out here.
    """
    with database.session() as session:
        run = session.get_one(Run, run_id)
        rows = session.scalars(
            select(RecordLog.action).where(
                RecordLog.run_id == run_id, RecordLog.object == run.object
            )
        )
        return Counter(rows)


def failures(database: Database, run_id: int) -> list[tuple[str, str | None]]:
    """The failed records of a run with their messages."""
    with database.session() as session:
        return [
            (row.source_id, row.message)
            for row in session.scalars(
                select(RecordLog).where(RecordLog.run_id == run_id, RecordLog.status == "failed")
            )
        ]


def dependencies(database: Database, run_id: int) -> Counter[str]:
    """The records of other objects a run created or linked on the way, by object."""
    with database.session() as session:
        run = session.get_one(Run, run_id)
        rows = session.scalars(
            select(RecordLog.object).where(
                RecordLog.run_id == run_id, RecordLog.object != run.object
            )
        )
        return Counter(rows)


@pytest.fixture(autouse=True)
def no_demo_marks(database: Database, template_id: int) -> None:
    """Each test marks exactly the customers and items it means (the demo marks some)."""
    with database.session() as session:
        session.execute(delete(SyncMark))


def mark(database: Database, template_id: int, kind: str, keys: list[str]) -> None:
    """Mark SAP customers or items "Sync" for the template."""
    with database.session() as session:
        session.add_all(SyncMark(kind=kind, sap_key=k, template_id=template_id) for k in keys)


def tagrain_all(sandboxes: RunningSandboxes, collection: str) -> list[dict[str, Any]]:
    """Every record of a Tagrain collection, straight from the sandbox's store."""
    records = (sandboxes.tagrain.record(collection, i) for i in sandboxes.tagrain.ids(collection))
    return [r for r in records if r is not None]


def assert_unique(records: list[dict[str, Any]], field: str) -> None:
    """No two records share a non-empty value of the field."""
    values = Counter(r[field] for r in records if r[field])
    assert not [v for v, n in values.items() if n > 1]


def leases_free(database: Database) -> None:
    """Drop the leases a killed process left behind (they would expire after a while)."""
    with database.session() as session:
        session.execute(delete(RunLease))


def names(records: list[dict[str, Any]]) -> Counter[str]:
    """How often each name occurs."""
    return Counter(r["name"] for r in records)


def test_groups_and_manufacturers_are_pushed_once(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    runner = Runner(database, workers=2)
    cases = (
        (CustomerGroupsJob, "customer-groups", "BusinessPartnerGroups", "Name", "Code"),
        (ProductGroupsJob, "product-groups", "ItemGroups", "GroupName", "Number"),
        (ManufacturersJob, "manufacturers", "Manufacturers", "ManufacturerName", "Code"),
    )
    for job_class, collection, sap_set, sap_name, sap_code in cases:
        result = runner.run(job_class(context), template_id)
        assert result.status == "succeeded", result.message
        sap = {
            str(e[sap_code]): e[sap_name]
            for e in sandboxes.service_layer.entities(sap_set)
            if int(e[sap_code]) != -1
            and e.get("Type", "bbpgt_CustomerGroup") == "bbpgt_CustomerGroup"
        }
        tagrain = {r["id"]: r for r in tagrain_all(sandboxes, collection)}
        linked = links(database, job_class.object_name)
        assert set(linked) == set(sap)
        for code, name in sap.items():
            assert tagrain[linked[code]]["name"] == name
        assert max(names(list(tagrain.values())).values()) == 1
        again = runner.run(job_class(context), template_id)
        assert again.status == "succeeded"
        assert again.skipped == again.total == len(sap)


TWINS = [f"C{n:06d}" for n in range(1, 9)]
NEW = ["C000009", "C000010", "C000050"]


def sap_customer(sandboxes: RunningSandboxes, code: str) -> dict[str, Any]:
    """A business partner straight from the SL sandbox."""
    entity = sandboxes.service_layer.entity("BusinessPartners", code)
    assert entity is not None
    return entity


def test_marked_customers_are_pushed_matched_and_written_back(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", TWINS + NEW)
    before = sandboxes.tagrain.count("customers")
    runner = Runner(database, workers=4)
    result = runner.run(CustomersUpJob(context), template_id)
    assert result.status == "succeeded", result.message
    assert actions(database, result.run_id) == {"created": len(NEW), "linked": len(TWINS)}
    assert set(dependencies(database, result.run_id)) == {"customer_groups"}
    assert sandboxes.tagrain.count("customers") == before + len(NEW)
    linked = links(database, "customers")
    assert set(linked) == set(TWINS + NEW)
    assert len(set(linked.values())) == len(linked)
    group_links = links(database, "customer_groups")
    for code, tagrain_id in linked.items():
        bp = sap_customer(sandboxes, code)
        assert bp["U_TG_ID"] == tagrain_id
        customer = sandboxes.tagrain.record("customers", tagrain_id)
        assert customer is not None
        assert customer["external_ref"] == code
        assert customer["email"] == bp["EmailAddress"]
        assert f"{customer['first_name']} {customer['last_name']}" == bp["CardName"]
        assert customer["phone"] == bp["Phone1"]
        assert customer["group_id"] == group_links[str(bp["GroupCode"])]
        assert customer["address"]["city"] == bp["City"]
        if code in NEW:
            assert customer["code"] == code
    again = runner.run(CustomersUpJob(context), template_id)
    assert again.status == "succeeded"
    assert again.skipped == again.total
    full = runner.run(CustomersUpJob(context), template_id, full=True)
    assert full.skipped == full.total == len(TWINS + NEW)


ITEMS = [f"A{n:05d}" for n in range(1, 31)]


def new_sap_item(context: SyncContext, code: str, barcode: str, serial: bool = False) -> None:
    """An item SAP has and Tagrain does not (added through the SL client)."""
    price_list = context.rules.price_list
    context.sap.client.create(
        "Items",
        {
            "ItemCode": code,
            "ItemName": f"New item {code}",
            "ItemsGroupCode": 104,
            "Manufacturer": 4,
            "BarCode": barcode,
            "ManageSerialNumbers": "tYES" if serial else "tNO",
            "ItemPrices": [{"PriceList": price_list, "Price": 12.5}],
        },
    )


def test_marked_items_are_pushed_matched_and_written_back(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    new_sap_item(context, "NEW-1", "4000000000001", serial=True)
    new_sap_item(context, "NEW-2", "4000000000002")
    tagrain_only = context.tagrain.create_product(
        ProductDraft(
            sku="TG-ONLY-2",
            name="Tagrain only",
            type="standard",
            price=Decimal("1.00"),
            barcode="4000000000002",
        )
    )
    mark(database, template_id, "item", [*ITEMS, "NEW-1", "NEW-2"])
    tagrain_standard = context.tagrain.create_product(
        ProductDraft(sku="NEW-3", name="Was standard", type="standard", price=Decimal("2.00"))
    )
    new_sap_item(context, "NEW-3", "4000000000003", serial=True)
    mark(database, template_id, "item", ["NEW-3"])
    before = sandboxes.tagrain.count("products")
    runner = Runner(database, workers=4)
    result = runner.run(ProductsUpJob(context), template_id)
    assert result.status == "succeeded", result.message
    assert actions(database, result.run_id) == {"created": 1, "linked": len(ITEMS) + 2}
    with database.session() as session:
        note = session.scalars(
            select(RecordLog.message).where(
                RecordLog.run_id == result.run_id, RecordLog.source_id == "NEW-3"
            )
        ).one()
    assert note and "the Tagrain product is standard but the SAP item is serial" in note
    assert links(database, "products")["NEW-3"] == tagrain_standard.id
    assert sandboxes.tagrain.count("products") == before + 1
    linked = links(database, "products")
    assert linked["NEW-2"] == tagrain_only.id
    groups, makers = links(database, "product_groups"), links(database, "manufacturers")
    for code, tagrain_id in linked.items():
        sap = sandboxes.service_layer.entity("Items", code)
        product = sandboxes.tagrain.record("products", tagrain_id)
        assert sap is not None and product is not None
        assert sap["U_TG_ID"] == tagrain_id
        assert (product["sku"], product["name"], product["barcode"]) == (
            code,
            sap["ItemName"],
            sap["BarCode"],
        )
        kind = (
            "serial"
            if sap["ManageSerialNumbers"] == "tYES"
            else ("batch" if sap["ManageBatchNumbers"] == "tYES" else "standard")
        )
        assert product["type"] == kind or code == "NEW-3"
        assert product["non_stock"] == (sap["InventoryItem"] == "tNO")
        price = next(
            p["Price"] for p in sap["ItemPrices"] if p["PriceList"] == context.rules.price_list
        )
        assert Decimal(product["price"]) == Decimal(str(price)).quantize(Decimal("0.01"))
        assert product["group_id"] == groups[str(sap["ItemsGroupCode"])]
        maker = sap.get("Manufacturer")
        assert product["manufacturer_id"] == (None if maker in (None, -1) else makers[str(maker)])
    again = runner.run(ProductsUpJob(context), template_id)
    assert again.skipped == again.total


def commit_stock(sandboxes: RunningSandboxes, code: str, warehouse: str, quantity: int) -> None:
    """Reserve stock of an item in a warehouse, as open sales orders would in SAP."""
    sl, items = sandboxes.service_layer, entity_set("Items")
    assert items is not None
    with sl.store.transaction() as tx:
        doc = tx.get(items, code)
        assert doc is not None
        for row in doc["ItemWarehouseInfoCollection"]:
            if row["WarehouseCode"] == warehouse:
                row["Committed"] = float(quantity)
        tx.replace(items, code, doc)


def test_inventory_is_in_stock_minus_committed_per_mapped_store(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "item", ITEMS)
    runner = Runner(database, workers=4)
    assert runner.run(ProductsUpJob(context), template_id).status == "succeeded"
    stores = context.rules.stores
    first = next(iter(stores.values()))
    commit_stock(sandboxes, "A00001", first.warehouse, 3)
    commit_stock(sandboxes, "A00002", first.warehouse, 10_000)
    result = runner.run(InventoryJob(context), template_id)
    assert result.status == "succeeded", result.message
    assert result.updated == result.total == len(stores) > 0
    for rule in stores.values():
        levels = {lvl.sku: lvl.on_hand for lvl in context.tagrain.iter_inventory(rule.store_id)}
        for code in ITEMS:
            sap = sandboxes.service_layer.entity("Items", code)
            assert sap is not None
            if sap["InventoryItem"] == "tNO":
                continue
            row = next(
                r
                for r in sap["ItemWarehouseInfoCollection"]
                if r["WarehouseCode"] == rule.warehouse
            )
            expected = Decimal(str(row["InStock"])) - Decimal(str(row["Committed"]))
            assert levels[code] == expected, (rule.store_id, code)
    levels = {lvl.sku: lvl.on_hand for lvl in context.tagrain.iter_inventory(first.store_id)}
    assert levels["A00002"] < 0


def test_inventory_reports_skus_tagrain_does_not_know(
    database: Database, template_id: int, context: SyncContext
) -> None:
    mark(database, template_id, "item", ITEMS[:5])
    runner = Runner(database, workers=2)
    assert runner.run(ProductsUpJob(context), template_id).status == "succeeded"
    product_id = links(database, "products")["A00003"]
    context.tagrain.update_product(product_id, {"sku": "RENAMED-IN-TAGRAIN"})
    result = runner.run(InventoryJob(context), template_id)
    assert result.status == "partial"
    assert result.failed == result.total == len(context.rules.stores)
    with database.session() as session:
        messages = session.scalars(
            select(RecordLog.message).where(RecordLog.run_id == result.run_id)
        ).all()
    assert all(m and "Tagrain does not know 1 SKU(s)" in m and "A00003" in m for m in messages)
    retried = runner.run(InventoryJob(context), template_id)
    assert retried.failed == retried.total == len(context.rules.stores)


def test_a_dry_run_writes_nothing(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", TWINS + NEW)
    mark(database, template_id, "item", ITEMS[:10])
    collections = ("customers", "products", "customer-groups", "product-groups", "manufacturers")
    before = {c: sandboxes.tagrain.count(c) for c in collections}
    runner = Runner(database, workers=2)
    preview = SyncContext(database, template_id, preview=True)
    for job in UP_JOBS[:5]:
        with pytest.raises(ValueError, match="previews"):
            runner.run(job(context), template_id, dry_run=True)
        result = runner.run(job(preview), template_id, dry_run=True)
        assert result.status == "succeeded", failures(database, result.run_id)
        assert result.preview and result.total > 0 and result.skipped < result.total
    preview.close()
    assert {c: sandboxes.tagrain.count(c) for c in collections} == before
    with database.session() as session:
        assert session.scalars(select(Link)).first() is None
    assert sap_customer(sandboxes, "C000001").get("U_TG_ID") in (None, "")


def test_sap_changes_reach_tagrain_on_the_next_incremental_run(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", ["C000009", "C000010"])
    mark(database, template_id, "item", ["A00004", "A00005"])
    runner = Runner(database, workers=2)
    for job in (ProductGroupsJob, CustomersUpJob, ProductsUpJob, CustomersUpJob, ProductsUpJob):
        assert runner.run(job(context), template_id).status == "succeeded"
    context.sap.client.update(
        "BusinessPartners", "C000009", {"CardName": "Renamed Person", "Phone1": "+1-555-9999"}
    )
    context.sap.client.update(
        "Items",
        "A00005",
        {
            "ItemName": "Renamed item",
            "ItemPrices": [{"PriceList": context.rules.price_list, "Price": 77.25}],
        },
    )
    context.sap.client.update("ItemGroups", 104, {"GroupName": "Gadgets"})
    context.sap.client.update("BusinessPartners", "C000010", {"Frozen": "tYES"})
    customers = runner.run(CustomersUpJob(context), template_id)
    products = runner.run(ProductsUpJob(context), template_id)
    groups = runner.run(ProductGroupsJob(context), template_id)
    assert customers.updated == customers.total == 2
    assert products.updated == 1 and products.skipped == products.total - 1
    frozen = sandboxes.tagrain.record("customers", links(database, "customers")["C000010"])
    assert frozen is not None and frozen["active"] is False
    assert groups.updated == 1 and groups.skipped == groups.total - 1
    customer = sandboxes.tagrain.record("customers", links(database, "customers")["C000009"])
    product = sandboxes.tagrain.record("products", links(database, "products")["A00005"])
    group = sandboxes.tagrain.record("product-groups", links(database, "product_groups")["104"])
    assert customer is not None and product is not None and group is not None
    assert (customer["first_name"], customer["last_name"], customer["phone"]) == (
        "Renamed",
        "Person",
        "+1-555-9999",
    )
    assert (product["name"], Decimal(product["price"])) == ("Renamed item", Decimal("77.25"))
    assert group["name"] == "Gadgets"


def test_both_sides_changed_the_later_change_wins(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", ["C000009", "C000010"])
    runner = Runner(database, workers=2)
    assert runner.run(CustomersUpJob(context), template_id).status == "succeeded"
    linked = links(database, "customers")
    now = datetime.now(UTC).replace(tzinfo=None)
    sandboxes.service_layer.clock = lambda: now - timedelta(hours=1)
    context.sap.client.update("BusinessPartners", "C000009", {"Phone1": "+1-555-0001"})
    context.tagrain.update_customer(linked["C000009"], {"phone": "+1-555-0002"})
    context.tagrain.update_customer(linked["C000010"], {"phone": "+1-555-0003"})
    sandboxes.service_layer.clock = lambda: now + timedelta(hours=1)
    context.sap.client.update("BusinessPartners", "C000010", {"Phone1": "+1-555-0004"})
    result = runner.run(CustomersUpJob(context), template_id, full=True)
    assert result.status == "succeeded"
    with database.session() as session:
        log = {
            r.source_id: r
            for r in session.scalars(select(RecordLog).where(RecordLog.run_id == result.run_id))
        }
    assert log["C000009"].action == "skipped"
    assert "Tagrain's change is later and wins" in (log["C000009"].message or "")
    assert log["C000010"].action == "updated"
    assert "SAP's change is later and wins" in (log["C000010"].message or "")
    phones = {
        code: (sandboxes.tagrain.record("customers", linked[code]) or {})["phone"]
        for code in ("C000009", "C000010")
    }
    assert phones == {"C000009": "+1-555-0002", "C000010": "+1-555-0004"}


@pytest.mark.parametrize("point", ["before the link", "before the write-back"])
def test_a_run_killed_after_the_create_leaves_no_duplicate(
    point: str,
    database: Database,
    template_id: int,
    context: SyncContext,
    sandboxes: RunningSandboxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mark(database, template_id, "customer", TWINS + NEW)
    mark(database, template_id, "item", [*ITEMS[:10], "NEW-1"])
    new_sap_item(context, "NEW-1", "4000000000001")
    customers, products = sandboxes.tagrain.count("customers"), sandboxes.tagrain.count("products")

    def die(*args: Any, **kwargs: Any) -> None:
        if {"C000010", "NEW-1"} & set(args):
            raise KeyboardInterrupt(f"the process was killed {point}")
        original(*args, **kwargs)

    if point == "before the link":
        target, name = context.binder, "bind"
    else:
        target, name = context.sap, "set_customer_tagrain_id"
    original = getattr(target, name)
    monkeypatch.setattr(target, name, die)
    if point == "before the write-back":
        set_item = context.sap.set_item_tagrain_id

        def die_item(code: str, tagrain_id: str) -> None:
            if code == "NEW-1":
                raise KeyboardInterrupt(f"the process was killed {point}")
            set_item(code, tagrain_id)

        monkeypatch.setattr(context.sap, "set_item_tagrain_id", die_item)
    runner = Runner(database, workers=1)
    for job in (CustomersUpJob, ProductsUpJob):
        with pytest.raises(KeyboardInterrupt):
            runner.run(job(context), template_id)
    monkeypatch.undo()
    leases_free(database)
    assert sandboxes.tagrain.count("customers") > customers
    assert sandboxes.tagrain.count("products") == products + 1
    for job in (CustomersUpJob, ProductsUpJob):
        assert runner.run(job(context), template_id).status == "succeeded"
    assert sandboxes.tagrain.count("customers") == customers + len(NEW)
    assert sandboxes.tagrain.count("products") == products + 1
    assert_unique(tagrain_all(sandboxes, "customers"), "external_ref")
    assert_unique(tagrain_all(sandboxes, "products"), "sku")
    for code, tagrain_id in links(database, "customers").items():
        assert sap_customer(sandboxes, code)["U_TG_ID"] == tagrain_id
    assert set(links(database, "customers")) == set(TWINS + NEW)
    for code, tagrain_id in links(database, "products").items():
        item = sandboxes.service_layer.entity("Items", code)
        assert item is not None and item["U_TG_ID"] == tagrain_id


UP_JOBS = (
    CustomerGroupsJob,
    ProductGroupsJob,
    ManufacturersJob,
    CustomersUpJob,
    ProductsUpJob,
    InventoryJob,
)


def impatient_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients that retry once, so that injected faults reach the jobs instead of being hidden."""
    sap, tagrain = sync_context.sap_settings, sync_context.tagrain_settings
    monkeypatch.setattr(
        sync_context,
        "sap_settings",
        lambda rules, **kw: replace(sap(rules, **kw), max_retries=1, backoff=0.01),
    )
    monkeypatch.setattr(
        sync_context,
        "tagrain_settings",
        lambda rules: replace(tagrain(rules), max_retries=1, backoff=0.01),
    )


def test_faults_on_both_sides_converge_without_duplicates(
    database: Database,
    template_id: int,
    context: SyncContext,
    sandboxes: RunningSandboxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    impatient_clients(monkeypatch)
    mark(database, template_id, "customer", TWINS + NEW)
    mark(database, template_id, "item", [*ITEMS, "NEW-1"])
    new_sap_item(context, "NEW-1", "4000000000001")
    customers, products = sandboxes.tagrain.count("customers"), sandboxes.tagrain.count("products")
    sandboxes.tagrain.configure_faults(FaultPlan(error_rate=0.2, drop_rate=0.05, seed=3))
    sandboxes.service_layer.configure_faults(FaultPlan(error_rate=0.1, drop_rate=0.05, seed=4))
    runner = Runner(database, workers=4)
    troubles = 0
    for _ in range(8):
        results = [runner.run(job(context), template_id) for job in UP_JOBS]
        if all(r.status == "succeeded" for r in results):
            break
        troubles += sum(r.status != "succeeded" for r in results)
    else:
        pytest.fail(f"no convergence: {[(r.status, r.message) for r in results]}")
    assert troubles > 0, "the faults never reached the jobs"
    sandboxes.tagrain.configure_faults(FaultPlan())
    sandboxes.service_layer.configure_faults(FaultPlan())
    assert sandboxes.tagrain.count("customers") == customers + len(NEW)
    assert sandboxes.tagrain.count("products") == products + 1
    for collection, field in (
        ("customers", "external_ref"),
        ("customers", "code"),
        ("products", "sku"),
        ("customer-groups", "name"),
        ("product-groups", "name"),
        ("manufacturers", "name"),
    ):
        assert_unique(tagrain_all(sandboxes, collection), field)
    for code, tagrain_id in links(database, "customers").items():
        assert sap_customer(sandboxes, code)["U_TG_ID"] == tagrain_id
    final = [runner.run(job(context), template_id) for job in UP_JOBS[:5]]
    assert all(r.skipped == r.total for r in final)


def test_a_cancelled_run_resumes_without_duplicates(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", TWINS + NEW)
    customers = sandboxes.tagrain.count("customers")
    cancel = CancelToken()

    def stop_after_three(progress: Progress) -> None:
        if progress.done >= 3:
            cancel.cancel()

    runner = Runner(database, workers=1)
    first = runner.run(
        CustomersUpJob(context), template_id, progress=stop_after_three, cancel=cancel
    )
    assert first.status == "cancelled" and first.total < len(TWINS + NEW)
    second = runner.run(CustomersUpJob(context), template_id)
    assert second.status == "succeeded"
    assert sandboxes.tagrain.count("customers") == customers + len(NEW)
    assert set(links(database, "customers")) == set(TWINS + NEW)


def test_customers_written_by_one_direction_are_echoes_for_the_other(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", TWINS + NEW)
    runner = Runner(database, workers=4)
    assert runner.run(CustomersUpJob(context), template_id).status == "succeeded"
    down = runner.run(CustomersDownJob(context), template_id, full=True)
    assert down.status == "succeeded", down.message
    with database.session() as session:
        log = {
            r.source_id: r.action
            for r in session.scalars(select(RecordLog).where(RecordLog.run_id == down.run_id))
        }
    for code, tagrain_id in links(database, "customers").items():
        if code in TWINS + NEW:
            assert log[tagrain_id] == "skipped", code
    linked = links(database, "customers")
    context.tagrain.update_customer(linked["C000009"], {"phone": "+1-555-4242"})
    assert runner.run(CustomersDownJob(context), template_id).updated == 1
    assert sap_customer(sandboxes, "C000009")["Phone1"] == "+1-555-4242"
    up = runner.run(CustomersUpJob(context), template_id)
    assert up.status == "succeeded" and up.skipped == up.total


def test_a_refused_customer_fails_alone_once_a_run_and_heals_when_fixed(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", ["C000009", "C000010"])
    context.sap.client.update("BusinessPartners", "C000009", {"EmailAddress": "not an e-mail"})
    runner = Runner(database, workers=2)
    for _ in range(2):
        result = runner.run(CustomersUpJob(context), template_id)
        assert result.status == "partial"
        with database.session() as session:
            failures = session.scalars(
                select(RecordLog).where(
                    RecordLog.run_id == result.run_id, RecordLog.status == "failed"
                )
            ).all()
        assert [f.source_id for f in failures] == ["C000009"]
        assert (failures[0].message or "").startswith("Tagrain: ")
        assert "(field: email)" in (failures[0].message or "")
    customers = sandboxes.tagrain.count("customers")
    context.sap.client.update("BusinessPartners", "C000009", {"EmailAddress": "fixed@example.com"})
    healed = runner.run(CustomersUpJob(context), template_id)
    assert healed.status == "succeeded"
    assert sandboxes.tagrain.count("customers") == customers + 1
    assert set(links(database, "customers")) == {"C000009", "C000010"}


def test_a_customer_marked_after_a_run_is_pushed_by_the_next_incremental_run(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    mark(database, template_id, "customer", ["C000009"])
    runner = Runner(database, workers=2)
    assert runner.run(CustomersUpJob(context), template_id).created == 1
    assert runner.run(CustomersUpJob(context), template_id).created == 0
    mark(database, template_id, "customer", ["C000011"])  # changed in SAP long before the mark
    later = runner.run(CustomersUpJob(context), template_id)
    assert later.created == 1 and later.failed == 0
    assert sorted(links(database, "customers")) == ["C000009", "C000011"]
    pushed = sandboxes.tagrain.record("customers", links(database, "customers")["C000011"])
    assert pushed is not None and pushed["code"] == "C000011"
    assert_unique(tagrain_all(sandboxes, "customers"), "code")
