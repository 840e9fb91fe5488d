"""Sync Now names what it runs; Synchronize All and Initial Load from the toolbar and the
Sync Monitor run what `integration-hub sync all` and `integration-hub init` run, and the
books agree afterwards (SAP read through the Service Layer, Tagrain through its API)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Run
from app.sync.context import SyncContext
from app.sync.jobs import INIT_ORDER, OBJECTS
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.preview import PreviewForm
from app.ui.main_window import MainWindow
from tests.sync.books import assert_every_sale_posted_once, sap_rows
from tests.sync.conftest import sandboxes, template_id
from tests.ui.conftest import Modals
from tests.ui.helpers import open_from_tree, press
from tests.ui.sync_support import sync_services, wait_idle

__all__ = ["sandboxes", "template_id"]

SIZES = [pytest.param((1366, 768), id="1366x768"), pytest.param((1920, 1080), id="1920x1080")]
JOB_ORDER = [f.object_name for spec in OBJECTS.values() for f in spec.jobs]


@pytest.fixture
def services() -> Services:
    """The real sync engine behind the sync actions."""
    return sync_services()


@pytest.fixture
def context(database: Database, template_id: int) -> Iterator[SyncContext]:
    """Clients of the template's SAP and Tagrain, to read the books back."""
    ctx = SyncContext(database, template_id)
    yield ctx
    ctx.close()


def _toolbar_button(window: MainWindow, name: str) -> QToolButton:
    action = next(a for a in window.toolbar.actions() if a.objectName() == name)
    button = window.toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton) and button.isVisible(), f"{name} is not on the toolbar"
    return button


def _monitor(qtbot: QtBot, window: MainWindow, size: tuple[int, int]) -> SyncMonitorForm:
    window.resize(*size)
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    return monitor


def _click_object(qtbot: QtBot, monitor: SyncMonitorForm, name: str) -> None:
    row = next(n for n, r in enumerate(monitor.dashboard_model.rows()) if r.object == name)
    rect = monitor.dashboard.visualRect(monitor.dashboard_model.index(row, 0))
    qtbot.mouseClick(monitor.dashboard.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert monitor.selected_object() == name


def _runs(database: Database, template_id: int) -> list[tuple[str, str, bool, bool]]:
    with database.session() as session:
        return [
            (r.object, r.trigger, r.full, r.dry_run)
            for r in session.scalars(
                select(Run).where(Run.template_id == template_id).order_by(Run.id)
            )
        ]


@pytest.mark.parametrize("size", SIZES)
def test_sync_now_says_which_object_of_which_template_it_runs(
    qtbot: QtBot, window: MainWindow, template_id: int, size: tuple[int, int]
) -> None:
    monitor = _monitor(qtbot, window, size)
    button = _toolbar_button(window, "syncNow")
    _click_object(qtbot, monitor, "sales")
    assert button.text() == "Sync Now: Sales"
    assert button.toolTip() == "Synchronize Sales of template Sandbox now"
    assert monitor.sync_button.text() == "Sync Now: Sales"

    _click_object(qtbot, monitor, "customers")
    assert button.text() == "Sync Now: Customers"
    assert button.toolTip() == "Synchronize Customers of template Sandbox now"
    for name in ("syncAll", "initialLoad", "syncPreview"):
        _toolbar_button(window, name)
    assert "template Sandbox" in _toolbar_button(window, "syncAll").toolTip()
    for widget in (monitor.sync_all_button, monitor.initial_load_button):
        assert widget.isVisible() and widget.width() >= widget.sizeHint().width()


@pytest.mark.parametrize("size", SIZES)
def test_synchronize_all_from_the_toolbar_runs_every_object_in_dependency_order(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    context: SyncContext,
    sandboxes: RunningSandboxes,
    size: tuple[int, int],
) -> None:
    _monitor(qtbot, window, size)
    labels: list[str] = []
    window.sync_progress.bar.valueChanged.connect(
        lambda _v: labels.append(window.sync_progress.label.text())
    )
    press(qtbot, _toolbar_button(window, "syncAll"))
    assert window.sync_progress.isVisible()
    wait_idle(qtbot, window, timeout=180_000)

    runs = _runs(database, template_id)
    assert [name for name, *_ in runs] == JOB_ORDER
    assert {(trigger, dry) for _n, trigger, _f, dry in runs} == {("manual", False)}
    assert any(text.startswith("Synchronize All — ") and "of 9: " in text for text in labels)
    assert window.messenger.last is not None
    assert window.messenger.last[1].split(":")[0] in ("Succeeded", "Partial"), window.messenger.last

    assert_every_sale_posted_once(context)
    customers = list(context.tagrain.iter_customers())
    partners = sap_rows(context, "BusinessPartners", ["U_TG_ID"])
    codes = Counter(bp["U_TG_ID"] for bp in partners if bp["U_TG_ID"])
    assert codes and max(codes.values()) == 1, "a customer was created twice"
    refunds = list(context.tagrain.iter_refunds())
    memos = Counter(m["U_TG_ID"] for m in sap_rows(context, "CreditNotes", ["U_TG_ID"]))
    assert memos and max(memos.values()) == 1 and set(memos) <= {r.id for r in refunds}
    assert customers


@pytest.mark.parametrize("size", SIZES)
def test_initial_load_from_the_monitor_asks_then_loads_groups_and_customers(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    context: SyncContext,
    modals: Modals,
    size: tuple[int, int],
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monitor = _monitor(qtbot, window, size)
    modals.answer = QMessageBox.StandardButton.No
    press(qtbot, monitor.initial_load_button)
    assert "initial load of template Sandbox" in modals.questions[-1]
    assert window.context.sync is not None and window.context.sync.runner.running is None
    assert _runs(database, template_id) == []

    modals.answer = QMessageBox.StandardButton.Yes
    press(qtbot, monitor.initial_load_button)
    wait_idle(qtbot, window, timeout=180_000)

    runs = _runs(database, template_id)
    init_jobs = [f.object_name for name in INIT_ORDER for f in OBJECTS[name].jobs]
    assert [name for name, *_ in runs] == init_jobs
    assert {(trigger, full, dry) for _n, trigger, full, dry in runs} == {("init", True, False)}

    sap_groups = {g["GroupName"] for g in sap_rows(context, "ItemGroups", ["GroupName"])}
    tagrain_groups = {g.name for g in context.tagrain.iter_product_groups()}
    assert sap_groups and sap_groups <= tagrain_groups
    makers = {
        m["ManufacturerName"] for m in sap_rows(context, "Manufacturers", ["ManufacturerName"])
    }
    assert makers - {"- No Manufacturer -"} <= {
        m.name for m in context.tagrain.iter_manufacturers()
    }
    partners = {
        bp["CardCode"]: bp for bp in sap_rows(context, "BusinessPartners", ["CardCode", "U_TG_ID"])
    }
    customers = list(context.tagrain.iter_customers())
    assert customers
    by_tagrain_id = {bp["U_TG_ID"] for bp in partners.values()}
    for customer in customers:
        known = {customer.external_ref, customer.code} & set(partners)
        assert customer.id in by_tagrain_id or known, f"{customer.id} is not in SAP"
    per_customer = Counter(bp["U_TG_ID"] for bp in partners.values() if bp["U_TG_ID"])
    assert max(per_customer.values()) == 1, "a customer was created twice"


def test_preview_of_synchronize_all_writes_nothing_then_its_button_runs_it(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    sandboxes: RunningSandboxes,
    context: SyncContext,
    tmp_path: Path,
) -> None:
    _monitor(qtbot, window, (1366, 768))
    invoices = sandboxes.service_layer.count("Invoices")
    preview = _toolbar_button(window, "syncPreview")
    assert preview.menu() is not None
    labels = [a.text() for a in preview.menu().actions()]
    assert labels[1:] == ["Preview Synchronize All", "Preview Initial Load"]
    preview.menu().actions()[1].trigger()
    wait_idle(qtbot, window, timeout=180_000)
    qtbot.waitUntil(lambda: window.form_window("sync_preview") is not None, timeout=30_000)

    frame = window.form_window("sync_preview")
    assert frame is not None
    form = frame.widget()
    assert isinstance(form, PreviewForm) and form.report is not None
    assert form.report.label == "Synchronize All"
    assert {row.object for row in form.report.rows} >= {"customers", "sales"}
    assert all(dry for *_x, dry in _runs(database, template_id))
    assert sandboxes.service_layer.count("Invoices") == invoices
    window.grab().save(str(tmp_path / "preview-all.png"))

    assert form.sync_button.text() == "Synchronize All"
    press(qtbot, form.sync_button)
    wait_idle(qtbot, window, timeout=180_000)
    applied = [name for name, _t, _f, dry in _runs(database, template_id) if not dry]
    assert applied == JOB_ORDER
    assert_every_sale_posted_once(context)
