"""Every credit memo is based on its sale's invoice, whatever order sales and refunds run in.

Checked through the Service Layer: each refund's credit memo has lines whose
``BaseType`` is 13 (A/R invoice) and whose ``BaseEntry`` is the invoice that
carries the refunded sale's Tagrain id; no memo stands alone. A refund run
before its sale is posted *waits* (logged, queued) instead of posting a
weaker memo, and goes through on a later run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, PendingRetry, RecordLog
from app.sync.context import SyncContext
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from tests.support.file_keyring import sandbox_keyring
from tests.sync.books import sap_rows

INVOICE_OBJECT = 13


def assert_every_memo_based_on_its_invoice(context: SyncContext) -> None:
    """One live credit memo per refund, every line based on its sale's invoice."""
    refunds = {r.id: r for r in context.tagrain.iter_refunds()}
    invoices = {
        row["U_TG_ID"]: row["DocEntry"]
        for row in sap_rows(context, "Invoices", ["DocEntry", "U_TG_ID", "Cancelled"])
        if row["Cancelled"] != "tYES"
    }
    memos = [
        m
        for m in sap_rows(
            context, "CreditNotes", ["DocEntry", "U_TG_ID", "Cancelled", "DocumentLines"]
        )
        if m["Cancelled"] != "tYES"
    ]
    assert sorted(m["U_TG_ID"] for m in memos) == sorted(refunds), "one memo per refund"
    for memo in memos:
        refund = refunds[memo["U_TG_ID"]]
        invoice = invoices.get(refund.sale_id)
        assert invoice is not None, f"the sale of refund {refund.refund_number} is not posted"
        for line in memo["DocumentLines"]:
            assert (line.get("BaseType"), line.get("BaseEntry")) == (INVOICE_OBJECT, invoice), (
                f"credit memo {memo['DocEntry']} of refund {refund.refund_number} is not based "
                f"on invoice {invoice}: {line}"
            )


def test_refunds_run_before_any_sales_wait_and_are_based_on_their_invoices_later(
    database: Database, template_id: int, context: SyncContext
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)

    [early] = engine.run("refunds", template_id)

    assert early.created == 0 and early.waiting == early.total > 0, early
    assert sap_rows(context, "CreditNotes", ["DocEntry"]) == []
    with database.session() as session:
        reasons = session.scalars(
            select(PendingRetry.last_error).where(PendingRetry.object == "refunds")
        ).all()
        statuses = set(
            session.scalars(select(RecordLog.status).where(RecordLog.run_id == early.run_id))
        )
    assert len(reasons) == early.total and statuses == {"waiting"}
    assert all(r and r.startswith("waiting for the invoice of sale") for r in reasons)

    engine.run("sales", template_id)
    [later] = engine.run("refunds", template_id)

    assert later.waiting == 0 and later.failed == 0, later
    assert_every_memo_based_on_its_invoice(context)
    with database.session() as session:
        assert (
            session.scalars(select(PendingRetry).where(PendingRetry.object == "refunds")).all()
            == []
        )


def _sync(
    database_file: Path, environment: dict[str, str], *objects: str
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "--database",
            f"sqlite:///{database_file}",
            "sync",
            *objects,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment,
    )


def test_sales_and_refunds_started_together_in_two_processes_end_fully_based(
    database: Database,
    database_file: Path,
    template_id: int,
    context: SyncContext,
    sandboxes: RunningSandboxes,
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)
    environment = {**os.environ, **sandbox_keyring(database_file.with_name("keyring.json"))}

    sales, refunds = (
        _sync(database_file, environment, "sales"),
        _sync(database_file, environment, "refunds"),
    )
    outputs = [process.communicate(timeout=120)[0].decode() for process in (sales, refunds)]

    assert "sales: " in outputs[0] and "refunds: " in outputs[1], outputs
    for _ in range(2):  # the following runs, as a schedule would make them
        engine.run("sales", template_id)
        engine.run("refunds", template_id)
    assert_every_memo_based_on_its_invoice(context)
    with database.session() as session:
        standalone = session.scalars(
            select(RecordLog.message).where(
                RecordLog.object == "refunds", RecordLog.message.contains("standalone")
            )
        ).all()
    assert standalone == []


def test_a_refund_of_a_sale_tagrain_does_not_have_is_a_standalone_return(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    engine = Engine(database, OBJECTS)
    refund_id = sandboxes.tagrain.ids("refunds")[0]
    sandboxes.tagrain.touch("refunds", refund_id, sale_id="sale-from-the-old-till")
    engine.run("customers", template_id)
    engine.run("products", template_id)
    engine.run("sales", template_id)

    [refunds] = engine.run("refunds", template_id)

    assert refunds.waiting == 0 and refunds.failed == 0, refunds
    memos = {
        m["U_TG_ID"]: m
        for m in sap_rows(context, "CreditNotes", ["U_TG_ID", "Comments", "DocumentLines"])
    }
    standalone = memos.pop(refund_id)
    assert all(line.get("BaseEntry") is None for line in standalone["DocumentLines"])
    assert "standalone return" in standalone["Comments"]
    for memo in memos.values():
        assert all(line.get("BaseType") == INVOICE_OBJECT for line in memo["DocumentLines"])
    with database.session() as session:
        message = session.scalars(
            select(RecordLog.message).where(
                RecordLog.run_id == refunds.run_id, RecordLog.source_id == refund_id
            )
        ).one()
    assert message and message.startswith("standalone return: sale sale-from-the-old-till")
