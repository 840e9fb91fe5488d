"""Daily Summary in the client: the day's outcome per object, and Export to CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import delete

from app.store import Database, TenderMapping
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.ui.forms.daily_summary import DailySummaryForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import open_from_tree

__all__ = ["sandboxes", "template_id"]


def test_summary_shows_failures_and_retries_and_exports(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)
    with database.session() as session:
        session.execute(delete(TenderMapping).where(TenderMapping.tender_type == "card"))
    failed = engine.run("sales", template_id, trigger="schedule")[-1].failed
    assert failed > 0

    form = open_from_tree(qtbot, window, "daily_summary")
    assert isinstance(form, DailySummaryForm)
    rows = {r.object: r for r in form.model.rows()}
    assert rows["sales"].failed == failed
    assert rows["sales"].waiting == failed
    assert rows["customers"].succeeded > 0
    shown = [form.model.index(n, 1).data() for n in range(form.model.rowCount())]
    assert "Customers (SAP → Tagrain)" in shown and "Products (Tagrain → SAP)" in shown
    assert not any("_" in text for text in shown), shown

    target = tmp_path / "summary.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    form.export_button.click()
    qtbot.waitUntil(
        lambda: window.messenger.last is not None and window.messenger.last[0] == "success"
    )
    lines = target.read_text().splitlines()
    assert lines[0] == "\ufeffTemplate,Object,Runs,Succeeded,Retried,Failed,Waiting,Why Waiting"
    assert any(line.startswith("Sandbox,Sales,1,") for line in lines)
    assert window.messenger.last is not None and window.messenger.last[0] == "success"


def test_a_day_without_runs_says_so(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import QDate

    form = open_from_tree(qtbot, window, "daily_summary")
    assert isinstance(form, DailySummaryForm)
    form.date_edit.setDate(QDate(2020, 1, 1))
    assert form.model.rows() == []
    assert form.hint.text() == "Nothing ran on this day."


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_why_waiting_is_readable_at_the_default_size(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("refunds", template_id)
    window.resize(*size)
    qtbot.wait(50)
    form = open_from_tree(qtbot, window, "daily_summary")
    assert isinstance(form, DailySummaryForm)
    rows = form.model.rows()
    reasons = next(r for r in rows if r.object == "refunds").waiting_reasons
    assert reasons and "waiting" in reasons
    header = form.view.horizontalHeader()
    last = form.model.columnCount() - 1
    assert form.model.headerData(last, Qt.Orientation.Horizontal) == "Why Waiting"
    right = header.sectionViewportPosition(last) + header.sectionSize(last)
    assert right <= form.view.viewport().width() + 1, "Why Waiting runs off the right edge"
    assert header.sectionSize(last) >= 300, header.sectionSize(last)
    frame = window.form_window("daily_summary")
    assert frame is not None
    assert frame.geometry().right() <= window.mdi.viewport().width()
    window.grab().save(str(tmp_path / f"daily-summary-{size[0]}.png"))
