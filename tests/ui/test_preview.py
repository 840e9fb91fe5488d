"""Preview beside Sync Now: what a sync would write, in its own window, and nothing written.

Driven as a user on real sandboxes over HTTP: choose an object in the Sync
Monitor, press Preview (the form's button, the toolbar's), wait for the
Synchronization Preview window, read its counts and rows, and check that
SAP, Tagrain and the links were not written. The Sync Monitor shows the
preview run as such and its waiting records apart from failed ones.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QTableView
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Link, PendingRetry, Run
from app.sync import leases
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.preview import FORM_KEY, PreviewForm
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import open_from_tree, press
from tests.ui.sync_support import center_of, sync_services, wait_idle, wait_records

__all__ = ["sandboxes", "template_id"]
SIZES = [pytest.param((1366, 768), id="1366x768"), pytest.param((2560, 1440), id="2560x1440")]


@pytest.fixture
def services() -> Services:
    """The real sync engine behind Sync Now and Preview."""
    return sync_services()


def _click_row(qtbot: QtBot, view: QTableView, row: int) -> None:
    index = view.model().index(row, 0)
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def _monitor(qtbot: QtBot, window: MainWindow, object_name: str) -> SyncMonitorForm:
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    names = [r.object for r in monitor.dashboard_model.rows()]
    _click_row(qtbot, monitor.dashboard, names.index(object_name))
    assert monitor.selected_object() == object_name
    return monitor


def _wait_preview(qtbot: QtBot, window: MainWindow) -> PreviewForm:
    qtbot.waitUntil(lambda: window.form_window(FORM_KEY) is not None, timeout=60_000)
    frame = window.form_window(FORM_KEY)
    assert frame is not None
    form = frame.widget()
    assert isinstance(form, PreviewForm)
    qtbot.waitExposed(form)
    return form


def _books(database: Database, sandboxes: RunningSandboxes) -> tuple[int, ...]:
    sap = sandboxes.service_layer
    with database.session() as session:
        links = session.scalar(select(func.count()).select_from(Link)) or 0
        queued = session.scalar(select(func.count()).select_from(PendingRetry)) or 0
    return (
        sap.count("Invoices"),
        sap.count("IncomingPayments"),
        sap.count("BusinessPartners"),
        sap.count("Items"),
        sandboxes.tagrain.count("customers"),
        links,
        queued,
    )


@pytest.mark.parametrize("size", SIZES)
def test_preview_of_sales_lists_what_would_be_written_and_writes_nothing(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    database: Database,
    sandboxes: RunningSandboxes,
    size: tuple[int, int],
) -> None:
    window.resize(*size)
    monitor = _monitor(qtbot, window, "sales")
    before = _books(database, sandboxes)
    assert monitor.preview_button.isVisible() and monitor.preview_button.isEnabled()

    press(qtbot, monitor.preview_button)
    assert window.sync_progress.isVisible()
    assert window.sync_progress.label.text() == "Preview: Sales"
    form = _wait_preview(qtbot, window)

    assert _books(database, sandboxes) == before, "SAP, Tagrain and the store are unchanged"
    assert form.windowTitle() == "Synchronization Preview – Sales"
    assert window.form_window(FORM_KEY).windowTitle() == form.windowTitle()  # type: ignore[union-attr]
    report = form.report
    assert report is not None
    sales = [r for r in report.rows if r.object == "sales"]
    assert len(sales) == 60
    created = [r for r in sales if r.kind == "created"]
    assert len(created) == 59 and all(r.action == "Would create" for r in created)
    assert all(r.side.startswith("SAP") and "A/R invoice" in r.what for r in created)
    # A sale whose customer is linked for the first time also brings the Tagrain customer
    # to the merged values (docs/admin-guide.md, "First link of twins"): nothing else there.
    tagrain = [r for r in created if r.side == "SAP, Tagrain"]
    assert tagrain and all("customer" in r.what.split(", ") for r in tagrain)
    assert all(r.target_key.startswith("Invoices:-") for r in created)
    assert any("incoming payment" in r.what for r in created)
    first = created[0]
    assert first.detail.startswith(f"{first.target_key} (") and " USD, " in first.detail
    customers = [r for r in report.rows if r.object == "customers"]
    assert customers and all(r.what == "business partner" for r in customers)
    linked = [r for r in customers if r.kind == "linked"]
    assert len(linked) >= len(tagrain) and all("first link: " in r.message for r in linked)

    counts = report.counts()
    summary = form.summary.text()
    assert summary == report.summary()
    assert summary.startswith(f"{counts['created']} would be created")
    assert summary.endswith("— nothing was written")
    assert f"{counts['skipped']} skipped" in summary

    shown = form.rows()
    assert len(shown) == len(report.rows) - counts["skipped"]
    assert all(r.kind != "skipped" for r in shown)
    assert form.model.rowCount() == len(shown)
    assert form.model.index(0, 0).data() == "1"
    assert form.model.index(0, 3).data() in ("Would create", "Would link")
    assert form.model.headerData(5, Qt.Orientation.Horizontal) == "Would Write"
    press(qtbot, form.with_skipped)
    assert form.with_skipped.isChecked()
    assert form.model.rowCount() == len(report.rows)
    assert sum(1 for r in form.rows() if r.action == "Skipped") == counts["skipped"]

    frame = window.form_window(FORM_KEY)
    assert frame is not None
    viewport = window.mdi.viewport().rect()
    assert viewport.contains(frame.geometry()), "the preview window fits the client"
    assert form.grid.isVisible() and form.grid.viewport().height() > 100
    for button in (form.mode_button, form.cancel_button, form.sync_button, form.export_button):
        assert button.isVisible() and form.rect().contains(button.geometry().center())

    _click_row(qtbot, form.grid, 0)
    assert form.message.text() == form.rows()[0].message
    assert window.messenger.last is not None
    assert window.messenger.last[1].startswith("Preview of Sales: ")

    with database.session() as session:
        runs = session.scalars(select(Run)).all()
        assert [(r.object, r.dry_run, r.trigger) for r in runs] == [("sales", True, "manual")]
    assert _books(database, sandboxes) == before


def test_the_toolbar_preview_runs_the_chosen_object_and_the_monitor_marks_the_run(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    database: Database,
    sandboxes: RunningSandboxes,
) -> None:
    monitor = _monitor(qtbot, window, "sales")
    before = _books(database, sandboxes)
    button = window.toolbar.widgetForAction(window.preview_action)
    assert button is not None and button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = _wait_preview(qtbot, window)
    wait_idle(qtbot, window)

    assert form.report is not None and form.report.object_name == "sales"
    assert _books(database, sandboxes) == before
    qtbot.waitUntil(lambda: bool(monitor.runs_model.rows()), timeout=10_000)
    run = monitor.runs_model.rows()[0]
    assert run.dry_run
    assert monitor.runs_model.index(0, 2).data() == "Sync Now (preview)"
    sales = next(r for r in monitor.dashboard_model.rows() if r.object == "sales")
    assert sales.outcome == "" and sales.last_started is None, "a preview is no sync"

    monitor.activateWindow()
    window.mdi.setActiveSubWindow(window.form_window("sync_monitor"))
    monitor.runs.selectRow(0)
    press(qtbot, monitor.retry_button)
    assert window.messenger.last is not None
    assert "nothing to retry" in window.messenger.last[1]
    assert center_of(window).runner.running is None


def test_refunds_whose_sales_are_not_in_sap_wait_in_the_preview_and_the_monitor(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    database: Database,
    sandboxes: RunningSandboxes,
) -> None:
    monitor = _monitor(qtbot, window, "refunds")
    before = _books(database, sandboxes)
    credit_notes = sandboxes.service_layer.count("CreditNotes")

    press(qtbot, monitor.preview_button)
    form = _wait_preview(qtbot, window)

    report = form.report
    assert report is not None
    waiting = [r for r in report.rows if r.kind == "waiting"]
    assert waiting and all(r.action == "Waits" for r in waiting)
    assert all(r.side == "SAP" and r.what == "A/R credit memo" and r.detail for r in waiting)
    count = len(waiting)
    assert f"{count} wait" in form.summary.text()
    assert form.summary.property("kind") in ("warning", "error")
    assert sandboxes.service_layer.count("CreditNotes") == credit_notes
    assert _books(database, sandboxes) == before

    wait_idle(qtbot, window)
    window.mdi.setActiveSubWindow(window.form_window("sync_monitor"))
    qtbot.waitUntil(lambda: bool(monitor.runs_model.rows()), timeout=10_000)
    run = monitor.runs_model.rows()[0]
    assert run.dry_run and run.waiting == count
    headers = [
        monitor.runs_model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(monitor.runs_model.columnCount())
    ]
    assert monitor.runs_model.index(0, headers.index("Waiting")).data() == str(count)
    assert monitor.runs_model.index(0, headers.index("Failed")).data() == str(run.failed)
    monitor.runs.selectRow(0)
    wait_records(qtbot, monitor)
    statuses = [monitor.records_model.index(r, 3).data() for r in range(len(waiting))]
    records = monitor.records_model.rows()
    shown = {
        monitor.records_model.index(n, 3).data()
        for n, r in enumerate(records)
        if r.status == "waiting"
    }
    assert shown == {"Waiting"} and statuses
    assert monitor.records_model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) is not None

    monitor.status_filter.setCurrentIndex(monitor.status_filter.findText("Waiting"))
    wait_records(qtbot, monitor)
    assert [r.id for r in monitor.runs_model.rows()] == [run.id]
    assert {r.status for r in monitor.records_model.rows()} == {"waiting"}


def test_export_writes_the_rows_shown_for_excel(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monitor = _monitor(qtbot, window, "sales")
    press(qtbot, monitor.preview_button)
    form = _wait_preview(qtbot, window)
    target = tmp_path / "preview.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )

    press(qtbot, form.export_button)
    qtbot.waitUntil(
        lambda: window.messenger.last is not None and window.messenger.last[0] == "success"
    )

    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == form.model.rowCount()
    assert rows[0]["Action"] == form.rows()[0].action
    assert rows[0]["Detail"] == form.rows()[0].detail


def test_a_preview_of_an_object_running_elsewhere_is_refused_and_opens_nothing(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    leases.acquire(database, template_id, "sales", holder="OTHER-PC:4242")
    monitor = _monitor(qtbot, window, "sales")

    press(qtbot, monitor.preview_button)
    wait_idle(qtbot, window)

    assert window.messenger.last is not None
    kind, text = window.messenger.last
    assert kind == "error" and "sales is already running on OTHER-PC (process 4242)" in text
    assert window.form_window(FORM_KEY) is None
    assert not center_of(window).preview_loading
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 0


def test_synchronization_settings_offers_preview_beside_sync_now(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    settings = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(settings, SyncSettingsForm)
    settings.select_object("expenses")
    assert settings.preview_button.isVisible() and settings.preview_button.isEnabled()

    press(qtbot, settings.preview_button)
    form = _wait_preview(qtbot, window)

    assert form.windowTitle() == "Synchronization Preview – Expenses"
    assert form.report is not None and form.report.object_name == "expenses"
    assert form.rows() and all(r.object == "expenses" for r in form.rows())
