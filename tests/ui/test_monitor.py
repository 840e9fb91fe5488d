"""Sync Monitor: the dashboard, run history and records; Retry failed; a scheduled run; CSV."""

from __future__ import annotations

import csv
from datetime import time
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from app.store import Database, PendingRetry, Schedule, TenderMapping
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import open_from_tree, press
from tests.ui.sync_support import center_of, sync_services, wait_idle, wait_records

__all__ = ["sandboxes", "template_id"]
CARD_FAILURE = "tender 'card' is not mapped to an SAP payment means"


@pytest.fixture
def services() -> Services:
    """The sync engine and an embedded scheduler that owns scheduling at once."""
    return sync_services(scheduler=True)


def _monitor(qtbot: QtBot, window: MainWindow, object_name: str) -> SyncMonitorForm:
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    monitor.select_object(object_name)
    return monitor


def _row(monitor: SyncMonitorForm, name: str) -> object:
    return next(r for r in monitor.dashboard_model.rows() if r.object == name)


def _waiting(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(PendingRetry.source_id)))


def _failed_sales(
    qtbot: QtBot, window: MainWindow, database: Database, template: int
) -> SyncMonitorForm:
    with database.session() as session:
        session.execute(
            delete(TenderMapping).where(
                TenderMapping.template_id == template, TenderMapping.tender_type == "card"
            )
        )
    monitor = _monitor(qtbot, window, "sales")
    press(qtbot, monitor.sync_button)
    wait_idle(qtbot, window)
    wait_records(qtbot, monitor)
    with database.session() as session:
        session.add(
            TenderMapping(
                template_id=template,
                tender_type="card",
                payment_means="credit_card",
                credit_card_code=1,
            )
        )
    return monitor


def test_failures_show_sap_words_and_retry_of_a_selection_puts_them_through(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    monitor = _failed_sales(qtbot, window, database, template_id)
    row = _row(monitor, "sales")
    assert row.outcome == "partial" and row.failures == row.waiting > 1  # type: ignore[attr-defined]

    monitor.status_filter.setCurrentIndex(1)
    wait_records(qtbot, monitor)
    failed = monitor.records_model.rows()
    assert failed and all(r.status == "failed" and r.waiting for r in failed)
    assert all(CARD_FAILURE in (r.message or "") for r in failed)
    monitor.records.selectRow(0)
    assert CARD_FAILURE in monitor.message.text()

    selection = monitor.records.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(monitor.records_model.index(1, 0), flags)
    chosen = {r.source_id for r in monitor.chosen_records()}
    assert len(chosen) == 2
    press(qtbot, monitor.retry_button)
    wait_idle(qtbot, window)

    assert window.messenger.last is not None and window.messenger.last[0] == "success"
    assert not (chosen & _waiting(database)), "the chosen records went through"
    assert _row(monitor, "sales").waiting == len(failed) - 2  # type: ignore[attr-defined]
    monitor.status_filter.setCurrentIndex(0)
    run = monitor.runs_model.rows()[0]
    assert (run.trigger, run.status, run.total, run.failed) == ("retry", "succeeded", 2, 0)

    monitor.runs.selectRow(1)
    wait_records(qtbot, monitor)
    press(qtbot, monitor.retry_button)
    wait_idle(qtbot, window)
    assert _waiting(database) == set(), "Retry on the run took every waiting record of it"
    assert _row(monitor, "sales").waiting == 0  # type: ignore[attr-defined]


def test_a_scheduled_run_fired_in_the_embedded_scheduler_shows_in_the_monitor(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    center = center_of(window)
    assert center.scheduler is not None
    qtbot.waitUntil(lambda: center.status().role == "owner", timeout=10_000)
    with database.session() as session:
        schedule = Schedule(
            template_id=template_id,
            object="expenses",
            enabled=True,
            frequency="daily",
            window_start=time(0, 0),
            window_end=time(23, 59),
            interval_minutes=60,
        )
        session.add(schedule)
        session.flush()
        schedule_id = schedule.id
    center.reload_schedules()
    monitor = _monitor(qtbot, window, "expenses")
    assert _row(monitor, "expenses").next_run is not None  # type: ignore[attr-defined]

    assert center.scheduler.fire_now(schedule_id)
    qtbot.waitUntil(lambda: _row(monitor, "expenses").outcome == "succeeded", timeout=30_000)  # type: ignore[attr-defined]

    row = _row(monitor, "expenses")
    assert row.last_trigger == "schedule"  # type: ignore[attr-defined]
    run = monitor.selected_run()
    assert run is not None and run.trigger == "schedule" and run.total == 15


def test_export_writes_the_records_shown(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monitor = _monitor(qtbot, window, "expenses")
    press(qtbot, monitor.sync_button)
    wait_idle(qtbot, window)
    wait_records(qtbot, monitor)
    target = tmp_path / "records.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    press(qtbot, monitor.export_button)
    qtbot.waitUntil(
        lambda: window.messenger.last is not None and window.messenger.last[0] == "success"
    )
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 15 and {"Source Id", "Target Key", "Status", "Message"} <= set(rows[0])
    assert rows[0]["Source Id"] == monitor.records_model.rows()[0].source_id
    assert window.messenger.last == ("success", f"15 records exported to {target}.")


def test_a_run_refreshes_the_monitor_without_undoing_column_widths_the_user_set(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    monitor = _monitor(qtbot, window, "customer_groups")
    press(qtbot, monitor.sync_button)
    wait_idle(qtbot, window)
    wait_records(qtbot, monitor)
    assert monitor.runs_model.rowCount() == 1
    runs_header, dashboard_header = (
        monitor.runs.horizontalHeader(),
        monitor.dashboard.horizontalHeader(),
    )
    runs_header.resizeSection(1, runs_header.sectionSize(1) + 77)
    dashboard_header.resizeSection(0, dashboard_header.sectionSize(0) + 55)
    widths = (runs_header.sectionSize(1), dashboard_header.sectionSize(0))

    with qtbot.waitSignal(monitor.dashboard_read, timeout=30_000):
        press(qtbot, monitor.sync_button)
        wait_idle(qtbot, window)
    wait_records(qtbot, monitor)

    assert monitor.runs_model.rowCount() == 2, "the new run is listed"
    assert monitor.selected_object() == "customer_groups"
    assert (runs_header.sectionSize(1), dashboard_header.sectionSize(0)) == widths
