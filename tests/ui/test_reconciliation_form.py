"""Reconciliation in the client: a user picks the days, reconciles, drills down, exports.

The books are synced and one sale's incoming payment is cancelled in SAP;
the user types the range and the store, presses Reconcile (the work runs on
a worker), sees the red figure, clicks it and finds the receipt behind it,
then exports the report to CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDateEdit, QFileDialog
from pytestqt.qtbot import QtBot

from app.connectors.sapb1 import ServiceLayerClient
from app.store import Database
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.mapping.money import local_date
from app.ui.forms.reconciliation import ReconciliationForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import context, sandboxes, template_id
from tests.ui.helpers import open_from_tree, press, type_into

__all__ = ["context", "sandboxes", "template_id"]


def type_date(qtbot: QtBot, edit: QDateEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    assert edit.date().toString("yyyy-MM-dd") == text


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_a_cancelled_payment_shows_red_and_drills_down_to_its_receipt(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    context: SyncContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    engine = Engine(database, OBJECTS)
    for name in OBJECTS:
        engine.run(name, template_id)
    refunded = {r.sale_id for r in context.tagrain.iter_refunds()}
    sale = next(
        s
        for s in context.tagrain.iter_sales()
        if s.status == "completed" and s.id not in refunded and sum(t.amount for t in s.tenders)
    )
    store = context.tagrain.get_store(sale.store_id)
    day = local_date(sale.sold_at, store.timezone).isoformat()
    with ServiceLayerClient(sap_settings(context.rules)) as client:
        (payment,) = client.iter_entities(
            "IncomingPayments", filter=f"U_TG_ID eq '{sale.id}'", select=["DocEntry"]
        )
        client.cancel("IncomingPayments", payment["DocEntry"])

    window.resize(*size)
    QApplication.processEvents()
    form = open_from_tree(qtbot, window, "reconciliation")
    assert isinstance(form, ReconciliationForm)
    sub = window.form_window("reconciliation")
    assert sub is not None
    assert window.mdi.viewport().rect().contains(sub.geometry())
    type_date(qtbot, form.from_edit, day)
    type_date(qtbot, form.to_edit, day)
    type_into(qtbot, form.store_edit, store.code)
    press(qtbot, form.reconcile_button)
    assert form.busy()
    qtbot.waitUntil(lambda: form.report is not None and not form.busy(), timeout=30_000)

    assert "1 of 1 store day does not match" in form.summary.text()
    lines = form.figures.rows()
    red = [line for line in lines if not line.matches]
    assert {line.row.figure for line in red} >= {"Records"}
    paid = next(line for line in red if line.row.figure.startswith("Payments in"))
    assert paid.row.sap < paid.row.tagrain
    assert all(line.matches for line in lines if line.row.figure.startswith("Sales"))

    row = lines.index(paid)
    rect = form.grid.visualRect(form.figures.index(row, 2))
    qtbot.mouseClick(form.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (finding,) = form.records.rows()
    assert finding.label == "payment cancelled"
    assert finding.record == f"receipt {sale.receipt_number}"
    assert finding.sap_keys == (f"IncomingPayments:{payment['DocEntry']}",)
    for widget in (form.grid, form.records_grid, form.reconcile_button, form.export_button):
        assert widget.isVisible() and not widget.visibleRegion().isEmpty()

    target = tmp_path / "reconciliation.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    press(qtbot, form.export_button)
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0] == [
        "Store",
        "Day",
        "Figure",
        "Tagrain",
        "SAP",
        "Difference",
        "Status",
        "Record",
        "Detail",
    ]
    assert [store.code, day, "payment cancelled"] in [r[:3] for r in rows]
    image = form.grab()
    path = tmp_path / f"reconciliation-{size[0]}.png"
    assert image.save(str(path)) and path.stat().st_size > 5_000
