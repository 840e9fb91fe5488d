"""The Sync Monitor during a run: the running run's counts and its records as they are
committed, read on a worker as progress comes in; the previous outcome leaves the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.store import Database, RecordLog
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from tests.ui.helpers import open_from_tree, press
from tests.ui.sync_support import (
    center_of,
    slow_sandboxes,
    slow_template_id,
    sync_services,
    wait_idle,
)

__all__ = ["slow_sandboxes", "slow_template_id"]

SIZES = [pytest.param((1366, 768), id="1366x768"), pytest.param((1920, 1080), id="1920x1080")]


@pytest.fixture
def services() -> Services:
    """The real sync engine behind Sync Now."""
    return sync_services()


def _logged(database: Database, run_id: int) -> int:
    with database.session() as session:
        return (
            session.scalar(
                select(func.count(RecordLog.id)).where(
                    RecordLog.run_id == run_id, RecordLog.object == "sales"
                )
            )
            or 0
        )


@pytest.mark.parametrize("size", SIZES)
def test_the_monitor_shows_the_running_run_and_its_records_as_they_commit(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    slow_template_id: int,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    window.resize(*size)
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    monitor.select_object("sales")
    window.messenger.warning("Partial: 3 created, 0 updated, 0 skipped, 1 failed")
    assert window.status_line.text().startswith("Partial")

    action = next(a for a in window.toolbar.actions() if a.objectName() == "syncNow")
    button = window.toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    press(qtbot, button)
    assert window.status_line.text() == "", "the previous run's outcome stays beside the bar"

    def live() -> bool:
        rows = monitor.runs_model.rows()
        return bool(
            rows
            and rows[0].status == "running"
            and rows[0].total >= 8
            and len(monitor.records_model.rows()) >= 8
            and monitor.selected_run() is not None
            and monitor.selected_run().id == rows[0].id  # type: ignore[union-attr]
        )

    qtbot.waitUntil(live, timeout=60_000)
    assert center_of(window).runner.running is not None, "the run ended before it was seen"
    run = monitor.runs_model.rows()[0]
    assert run.created + run.failed + run.waiting + run.skipped + run.updated == run.total
    assert run.total <= _logged(database, run.id)
    shown = [r.source_id for r in monitor.records_model.rows() if r.object == "sales"]
    assert len(shown) == len(set(shown)), "a record was listed twice"
    assert monitor.runs_model.index(0, 1).data() == "Sales"
    total_cell = monitor.runs_model.index(0, 6).data()
    assert total_cell == str(run.total) and run.total > 0
    window.grab().save(str(tmp_path / f"monitor-running-{size[0]}.png"))

    before = len(monitor.records_model.rows())
    qtbot.waitUntil(lambda: len(monitor.records_model.rows()) > before, timeout=30_000)
    press(qtbot, window.sync_progress.cancel_button)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: monitor.runs_model.rows()[0].status == "cancelled", timeout=10_000)
    final = monitor.runs_model.rows()[0]
    assert final.total == _logged(database, final.id)
