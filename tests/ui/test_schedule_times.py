"""Schedule times are typed as in SAP ("0900", "9:30", "21.15"); a night window is said aloud."""

from __future__ import annotations

from datetime import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.scheduling.time_input import parse_time
from app.store import Database, Schedule
from app.ui.context import Services
from app.ui.forms.sync_schedule_dialog import ScheduleDialog
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.main_window import MainWindow
from app.ui.widgets.marks import is_invalid
from tests.ui.conftest import Modals
from tests.ui.helpers import open_from_tree, press, type_into
from tests.ui.sync_support import sync_services

SIZES = [pytest.param((1366, 768), id="1366x768"), pytest.param((1920, 1080), id="1920x1080")]


@pytest.fixture
def services() -> Services:
    """The sync engine and an embedded scheduler."""
    return sync_services(scheduler=True)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0900", time(9)),
        ("9", time(9)),
        ("9:30", time(9, 30)),
        ("930", time(9, 30)),
        ("21.15", time(21, 15)),
        ("21.", time(21)),
        ("0", time(0)),
        ("23:59", time(23, 59)),
        (" 7 ", time(7)),
    ],
)
def test_typed_times_are_read_as_sap_reads_them(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "24", "2400", "9:60", "12345", "nine", "9-30", ":30", "9.3.0"]
)
def test_text_that_is_not_a_time_is_refused(typed: str) -> None:
    assert parse_time(typed) is None


def _dialog(qtbot: QtBot, window: MainWindow, size: tuple[int, int]) -> ScheduleDialog:
    window.resize(*size)
    form = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(form, SyncSettingsForm)
    form.select_object("sales")
    press(qtbot, form.schedule_button)
    dialog = form.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    if not dialog.enabled.isChecked():
        qtbot.mouseClick(dialog.enabled, Qt.MouseButton.LeftButton)
    return dialog


@pytest.mark.parametrize("size", SIZES)
def test_typed_times_are_taken_and_shown_as_hh_mm(
    qtbot: QtBot, window: MainWindow, template_id: int, size: tuple[int, int]
) -> None:
    dialog = _dialog(qtbot, window, size)
    type_into(qtbot, dialog.start, "0900")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Tab)
    assert dialog.start.text() == "09:00"
    type_into(qtbot, dialog.end, "21.15")
    qtbot.keyClick(dialog.end, Qt.Key.Key_Tab)
    assert dialog.end.text() == "21:15"
    type_into(qtbot, dialog.every, "2")
    assert dialog.summary_label.text() == "Daily 09:00–21:15 every 2 h"
    assert not dialog.midnight.isVisible()
    assert dialog.error.text() == ""
    press(qtbot, dialog.ok_button)
    assert not dialog.isVisible()


@pytest.mark.parametrize("size", SIZES)
def test_a_time_that_is_not_one_is_named_in_red_and_ok_refuses(
    qtbot: QtBot, window: MainWindow, template_id: int, size: tuple[int, int]
) -> None:
    dialog = _dialog(qtbot, window, size)
    type_into(qtbot, dialog.end, "2500")
    assert is_invalid(dialog.end)
    assert dialog.error.text().startswith("Time Window to: '2500' is not a time")
    assert dialog.error.isVisible()
    assert dialog.summary_label.text() == "—"
    press(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.end.hasFocus()
    type_into(qtbot, dialog.end, "2")
    assert not is_invalid(dialog.end) and dialog.error.text() == ""
    press(qtbot, dialog.cancel_button)


@pytest.mark.parametrize("size", SIZES)
def test_a_window_across_midnight_is_said_and_confirmed(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    database: Database,
    modals: Modals,
    size: tuple[int, int],
) -> None:
    dialog = _dialog(qtbot, window, size)
    type_into(qtbot, dialog.start, "19")
    type_into(qtbot, dialog.end, "18")
    assert dialog.midnight.isVisible()
    assert dialog.midnight.text().startswith("Crosses midnight: runs 19:00–24:00 and 00:00–18:00")
    modals.answer = QMessageBox.StandardButton.No
    press(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert "Crosses midnight: runs 19:00–24:00 and 00:00–18:00" in modals.questions[-1]

    modals.answer = QMessageBox.StandardButton.Yes
    press(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    form = window.active_form()
    assert isinstance(form, SyncSettingsForm)
    press(qtbot, form.mode_button)
    with database.session() as session:
        row = session.scalars(select(Schedule).where(Schedule.object == "sales")).one()
        assert (row.window_start, row.window_end) == (time(19), time(18))
