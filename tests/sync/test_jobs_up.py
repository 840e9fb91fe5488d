"""SAP → Tagrain jobs end to end over real HTTP against both sandboxes.

Groups and manufacturers, marked customers and items, and the inventory
snapshot are pushed; records Tagrain already has are linked, not duplicated;
a second run skips everything; a run cut short or hit by faults converges
when run again, with no duplicate on either side.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Link, RecordLog, SyncMark
from app.sync.context import SyncContext
from app.sync.jobs.customers_up import CustomersUpJob
from app.sync.jobs.master_groups import CustomerGroupsJob, ManufacturersJob, ProductGroupsJob
from app.sync.runner import Runner


def links(database: Database, object_name: str) -> dict[str, str]:
    """SAP key → Tagrain id of one object's links."""
    with database.session() as session:
        rows = session.scalars(select(Link).where(Link.object == object_name)).all()
        return {row.sap_key: row.tagrain_id for row in rows}


def actions(database: Database, run_id: int) -> Counter[str]:
    """How many records of a run ended in each action."""
    with database.session() as session:
        rows = session.scalars(select(RecordLog.action).where(RecordLog.run_id == run_id))
        return Counter(rows)


def mark(database: Database, template_id: int, kind: str, keys: list[str]) -> None:
    """Mark SAP customers or items "Sync" for the template."""
    with database.session() as session:
        session.add_all(SyncMark(kind=kind, sap_key=k, template_id=template_id) for k in keys)


def tagrain_all(sandboxes: RunningSandboxes, collection: str) -> list[dict[str, Any]]:
    """Every record of a Tagrain collection, straight from the sandbox's store."""
    records = (sandboxes.tagrain.record(collection, i) for i in sandboxes.tagrain.ids(collection))
    return [r for r in records if r is not None]


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
