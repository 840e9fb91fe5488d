"""Sync Now from the toolbar: runs the chosen object on a worker, shows progress, can be
cancelled, and is refused (naming the holder) while the object runs elsewhere."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Run
from app.sync import leases
from app.ui.context import Services
from app.ui.data.runs import DashboardRow
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import open_from_tree, press
from tests.ui.sync_support import center_of, sync_services, wait_idle, wait_records

__all__ = ["sandboxes", "template_id"]


@pytest.fixture
def services() -> Services:
    """The real sync engine behind Sync Now."""
    return sync_services()


def _monitor(qtbot: QtBot, window: MainWindow, object_name: str) -> SyncMonitorForm:
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    monitor.select_object(object_name)
    assert monitor.sync_target() is not None
    return monitor


def _settled_row(qtbot: QtBot, monitor: SyncMonitorForm, object_name: str) -> DashboardRow:
    """The object's dashboard row once the monitor has read it after the run ended.

    The monitor reads its dashboard on a worker when a run ends, so it shows the
    outcome shortly after Sync Now is idle.
    """

    def row() -> DashboardRow:
        return next(r for r in monitor.dashboard_model.rows() if r.object == object_name)

    qtbot.waitUntil(lambda: row().outcome not in ("running", ""), timeout=10_000)
    return row()


def _runs(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Run)) or 0


def test_sync_now_runs_sales_with_progress_and_the_monitor_shows_it(
    qtbot: QtBot, window: MainWindow, template_id: int, sandboxes: RunningSandboxes
) -> None:
    assert window.sync_now_action.isEnabled()
    monitor = _monitor(qtbot, window, "sales")
    seen: list[tuple[int, int, int]] = []
    center_of(window).runner.progress.connect(lambda d, t, f, _m: seen.append((d, t, f)))

    window.sync_now_action.trigger()
    assert window.sync_progress.isVisible()
    wait_idle(qtbot, window)

    assert not window.sync_progress.isVisible()
    assert seen and seen[-1][0] == 60, "the last progress counts every sale"
    assert [d for d, _t, _f in seen] == sorted(d for d, _t, _f in seen)
    assert window.messenger.last is not None
    assert window.messenger.last[0] == "success"
    assert window.messenger.last[1].startswith("Succeeded: ")
    row = _settled_row(qtbot, monitor, "sales")
    assert (row.outcome, row.last_trigger, row.failures, row.waiting) == (
        "succeeded",
        "manual",
        0,
        0,
    )
    run = monitor.selected_run()
    assert run is not None and (run.trigger, run.status, run.total) == ("manual", "succeeded", 60)
    wait_records(qtbot, monitor)
    rows = monitor.records_model.rows()
    records = [r for r in rows if r.object == "sales"]
    assert len(records) == 60 and all(r.status == "ok" for r in rows)
    # A customer linked to its SAP twin for a sale brings its SAP group to Tagrain
    # when the group is not there yet (the first-link rule): listed with the sale too.
    assert {r.object for r in rows} <= {"sales", "customers", "customer_groups", "products_down"}, (
        "the customers, groups and items created for the sales are listed with them"
    )
    assert sum(1 for r in records if r.target_key) >= 59


def test_cancel_stops_the_run_and_the_client_stays_usable(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    monitor = _monitor(qtbot, window, "sales")
    press(qtbot, monitor.sync_button)
    press(qtbot, window.sync_progress.cancel_button)
    wait_idle(qtbot, window)

    with database.session() as session:
        run = session.scalars(select(Run).order_by(Run.id.desc())).first()
        assert run is not None and run.status == "cancelled" and run.total < 60
    assert window.messenger.last is not None and window.messenger.last[1].startswith("Cancelled")
    row = _settled_row(qtbot, monitor, "sales")
    assert row.outcome == "cancelled"


def test_an_object_running_elsewhere_is_refused_with_holder_and_time(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    leases.acquire(database, template_id, "sales", holder="OTHER-PC:4242")
    _monitor(qtbot, window, "sales")
    before = _runs(database)

    window.sync_now_action.trigger()
    wait_idle(qtbot, window)

    assert window.messenger.last is not None
    kind, text = window.messenger.last
    assert kind == "error"
    assert "sales is already running on OTHER-PC (process 4242) since" in text
    assert _runs(database) == before, "nothing ran"


def test_a_second_sync_now_while_one_runs_is_refused(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    monitor = _monitor(qtbot, window, "sales")
    center = center_of(window)
    assert center.sync_now(template_id, "sales")
    assert not center.sync_now(template_id, "refunds")
    assert window.messenger.last is not None and "still running" in window.messenger.last[1]
    wait_idle(qtbot, window)
    assert monitor.selected_object() == "sales"


def test_sync_now_with_no_object_chosen_opens_the_monitor(window: MainWindow) -> None:
    window.sync_now_action.trigger()
    assert window.form_window("sync_monitor") is not None
    assert window.messenger.last is not None and "Sync Monitor" in window.messenger.last[1]


def test_sync_now_of_customers_is_a_full_download(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    _monitor(qtbot, window, "customers")
    window.sync_now_action.trigger()
    wait_idle(qtbot, window)
    with database.session() as session:
        runs = session.scalars(select(Run).where(Run.object == "customers")).all()
        assert [(r.trigger, r.full) for r in runs] == [("manual", True)]


@pytest.mark.parametrize(
    "object_name",
    [
        "customer_groups",
        "product_groups",
        "manufacturers",
        "customers",
        "products",
        "sales",
        "refunds",
        "expenses",
        "inventory",
    ],
)
def test_sync_now_of_every_object_shows_its_outcome_in_the_monitor(
    qtbot: QtBot, window: MainWindow, template_id: int, object_name: str
) -> None:
    monitor = _monitor(qtbot, window, object_name)
    window.sync_now_action.trigger()
    wait_idle(qtbot, window)
    row = _settled_row(qtbot, monitor, object_name)
    assert row.last_trigger == "manual"
    assert row.outcome in ("succeeded", "partial"), row
    if object_name != "expenses":
        assert row.outcome == "succeeded" and row.failures == 0, row


def test_sync_now_of_refunds_before_sales_says_they_wait_in_orange_not_green(
    qtbot: QtBot, window: MainWindow, template_id: int, sandboxes: RunningSandboxes
) -> None:
    _monitor(qtbot, window, "refunds")
    credit_notes = sandboxes.service_layer.count("CreditNotes")

    window.sync_now_action.trigger()
    wait_idle(qtbot, window)

    assert window.messenger.last is not None
    kind, text = window.messenger.last[0], window.messenger.last[1]
    assert kind == "warning", text
    assert text.startswith("Succeeded: 0 created") and "waiting for another object" in text
    assert sandboxes.service_layer.count("CreditNotes") == credit_notes
