"""Cancel is prompt against a slow SAP: the run stops within about a second of the records
already posting, records nothing half-done, and every document it posted has its link."""

from __future__ import annotations

import time

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Link, RecordLog, Run
from app.sync.context import SyncContext
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from tests.sync.books import sap_rows
from tests.ui.helpers import open_from_tree, press
from tests.ui.sync_support import (
    LATENCY,
    center_of,
    slow_sandboxes,
    slow_template_id,
    sync_services,
)

__all__ = ["slow_sandboxes", "slow_template_id"]

PROMPT = 1.5
"""Seconds a cancel may take beyond the records already posting."""
IN_FLIGHT = 10 * LATENCY
"""The longest a sale posting at Cancel may take to end (about six requests to SAP)."""


def _posted(sandboxes: RunningSandboxes) -> int:
    """SAP documents the sales job writes: invoices and incoming payments."""
    sap = sandboxes.service_layer
    return sap.count("Invoices") + sap.count("IncomingPayments")


@pytest.fixture
def services() -> Services:
    """The real sync engine behind Sync Now."""
    return sync_services()


def test_cancel_against_a_slow_sap_stops_promptly_and_keeps_the_books_whole(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    slow_template_id: int,
    slow_sandboxes: RunningSandboxes,
) -> None:
    window.resize(1366, 768)
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    monitor.select_object("sales")
    done: list[int] = []
    center_of(window).runner.progress.connect(lambda d, _t, _f, _m: done.append(d))

    press(qtbot, monitor.sync_button)
    qtbot.waitUntil(lambda: bool(done) and done[-1] >= 6, timeout=120_000)
    invoices_at_cancel = slow_sandboxes.service_layer.count("Invoices")
    started = time.monotonic()
    press(qtbot, window.sync_progress.cancel_button)
    writes = [(started, _posted(slow_sandboxes))]
    while center_of(window).runner.running is not None:
        qtbot.wait(25)
        if _posted(slow_sandboxes) != writes[-1][1]:
            writes.append((time.monotonic(), _posted(slow_sandboxes)))
    took = time.monotonic() - started
    in_flight = writes[-1][0] - started

    with database.session() as session:
        run = session.scalars(select(Run).where(Run.object == "sales")).one()
        logged = session.scalars(
            select(RecordLog).where(RecordLog.run_id == run.id, RecordLog.object == "sales")
        ).all()
        links = {
            link.tagrain_id: link.sap_key
            for link in session.scalars(select(Link).where(Link.object == "sales"))
        }
    assert run.status == "cancelled" and run.total == len(logged) < 60
    assert run.finished_at is not None
    workers = SyncContext(database, slow_template_id).rules.sap_sessions
    started_after = slow_sandboxes.service_layer.count("Invoices") - invoices_at_cancel
    assert started_after <= workers, "sales were posted that had not started before Cancel"
    assert in_flight <= IN_FLIGHT, f"the sales posting at Cancel took {in_flight:.2f} s to end"
    assert took - in_flight <= PROMPT, f"Cancel took {took:.2f} s, {in_flight:.2f} s in flight"
    context = SyncContext(database, slow_template_id)
    try:
        invoices = [
            i for i in sap_rows(context, "Invoices", ["DocEntry", "U_TG_ID"]) if i["U_TG_ID"]
        ]
    finally:
        context.close()
    posted = {i["U_TG_ID"] for i in invoices}
    assert posted, "some sales were posted before Cancel"
    assert posted <= set(links), f"posted without a link: {sorted(posted - set(links))}"
    assert {r.source_id for r in logged if r.action == "created"} == posted
