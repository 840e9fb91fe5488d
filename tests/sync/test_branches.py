"""A multi-branch SAP company: every posting of a store carries its store's branch.

Against the sandbox run as a multi-branch company, sales, refunds and
expenses post invoices, credit memos, incoming and outgoing payments and
journal entries, each in the branch the template maps its store to; read back
through the Service Layer. A template that maps no branches sees each record
refused alone with SAP's words, and retried once the branches are mapped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, PendingRetry, RecordLog, StoreMapping, SyncMark
from app.sync.context import SyncContext
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from tests.sync.books import assert_every_sale_posted_once, sap_rows
from tests.sync.conftest import SMALL

DOCUMENTS = ("customers", "products", "sales", "refunds", "expenses")


@pytest.fixture
def branch_sandboxes() -> Iterator[RunningSandboxes]:
    """Sandboxes whose SAP company has branches (``demo.BRANCHES``)."""
    running = start_sandboxes(SandboxOptions(scale=SMALL, multi_branch=True))
    yield running
    running.stop()


def _template(database: Database, sandboxes: RunningSandboxes, multi_branch: bool) -> int:
    template = ensure_sandbox_template(
        database, sandboxes.sap_url, sandboxes.tagrain_url, multi_branch=multi_branch
    )
    with database.session() as session:
        session.execute(delete(SyncMark).where(SyncMark.template_id == template))
    return template


def sync(database: Database, template_id: int, *objects: str) -> dict[str, Any]:
    engine = Engine(database, OBJECTS)
    return {name: engine.run(name, template_id)[-1] for name in objects or DOCUMENTS}


def test_every_posting_carries_the_branch_of_its_store(
    database: Database, branch_sandboxes: RunningSandboxes
) -> None:
    template = _template(database, branch_sandboxes, multi_branch=True)
    results = sync(database, template)
    assert results["sales"].failed == 0, results["sales"]
    assert results["refunds"].failed == 0, results["refunds"]
    context = SyncContext(database, template)
    try:
        branch_of = {s.id: demo.STORE_BRANCHES[s.code] for s in context.tagrain.list_stores()}
        store_of = {s.id: s.store_id for s in context.tagrain.iter_sales()}
        store_of.update({r.id: r.store_id for r in context.tagrain.iter_refunds()})
        store_of.update({e.id: e.store_id for e in context.tagrain.iter_expenses()})
        seen: set[int] = set()
        for entity, branch_property in (
            ("Invoices", "BPL_IDAssignedToInvoice"),
            ("CreditNotes", "BPL_IDAssignedToInvoice"),
            ("IncomingPayments", "BPLID"),
            ("VendorPayments", "BPLID"),
        ):
            rows = sap_rows(context, entity, ["U_TG_ID", branch_property])
            assert rows, f"nothing posted to {entity}"
            for row in rows:
                expected = branch_of[store_of[row["U_TG_ID"]]]
                assert row[branch_property] == expected, (entity, row)
                seen.add(expected)
        entries = sap_rows(context, "JournalEntries", ["U_TG_ID", "JournalEntryLines"])
        assert entries, "no expense was posted"
        for entry in entries:
            expected = branch_of[store_of[entry["U_TG_ID"]]]
            assert {line["BPLID"] for line in entry["JournalEntryLines"]} == {expected}
        assert seen == {2, 3, 4}, "the stores post to three branches"
        assert_every_sale_posted_once(context)
    finally:
        context.close()


def test_without_mapped_branches_each_record_is_refused_alone_and_retried_once_mapped(
    database: Database, branch_sandboxes: RunningSandboxes
) -> None:
    template = _template(database, branch_sandboxes, multi_branch=False)
    result = sync(database, template, "customers", "products", "sales")["sales"]
    assert result.created == 0 and result.failed > 0, result
    with database.session() as session:
        messages = set(
            session.scalars(
                select(RecordLog.message).where(
                    RecordLog.object == "sales", RecordLog.status == "failed"
                )
            )
        )
    assert messages == {"Specify an active branch [OINV.BPLId]"}
    with database.session() as session:
        for store_code, branch in demo.STORE_BRANCHES.items():
            session.execute(
                update(StoreMapping)
                .where(StoreMapping.template_id == template, StoreMapping.store_code == store_code)
                .values(branch_id=branch)
            )
    again = sync(database, template, "sales")["sales"]
    assert again.failed == 0 and again.created > 0, again
    with database.session() as session:
        assert not session.scalars(select(PendingRetry).where(PendingRetry.object == "sales")).all()
    context = SyncContext(database, template)
    try:
        assert_every_sale_posted_once(context)
    finally:
        context.close()
