"""Daily Summary in the client: the day's outcome per object, and Export to CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
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
    assert any(line.startswith("Sandbox,sales,1,") for line in lines)
    assert window.messenger.last is not None and window.messenger.last[0] == "success"


def test_a_day_without_runs_says_so(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import QDate

    form = open_from_tree(qtbot, window, "daily_summary")
    assert isinstance(form, DailySummaryForm)
    form.date_edit.setDate(QDate(2020, 1, 1))
    assert form.model.rows() == []
    assert form.hint.text() == "Nothing ran on this day."
