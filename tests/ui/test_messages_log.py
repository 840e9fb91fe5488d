"""The status bar keeps a Messages Log: long messages whole in a tooltip, a click or
Ctrl+Shift+L opens the last messages, and a later success clears the red state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.forms.general_settings import GeneralSettingsForm
from app.ui.main_window import MainWindow
from app.ui.status import LOG_SIZE
from app.ui.widgets.marks import is_invalid
from tests.ui.helpers import open_from_tree, press, type_into

LONG = (
    "The Service Layer refused the invoice: the item TG-100 is not a sales item in "
    "warehouse 01, and the customer C20000 is frozen for the posting date 2026-12-06; "
    "correct the item master data and the business partner, then press Retry. "
) * 2


@pytest.fixture(params=[(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def sized(request: pytest.FixtureRequest, qtbot: QtBot, window: MainWindow) -> MainWindow:
    width, height = request.param
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    return window


def test_a_long_message_is_cut_on_the_line_and_whole_in_the_tooltip(
    qtbot: QtBot, sized: MainWindow
) -> None:
    sized.messenger.error(LONG)
    line = sized.status_line
    qtbot.waitUntil(lambda: line.is_cut())
    assert line.shown_text().endswith("…")
    assert line.text() == LONG
    assert LONG in line.toolTip()
    assert "Ctrl+Shift+L" in line.toolTip()
    assert line.width() <= sized.width()


def test_a_click_on_the_status_bar_opens_the_log_newest_first(
    qtbot: QtBot, sized: MainWindow
) -> None:
    sized.messenger.error("Item not found")
    sized.messenger.success("Operation completed successfully")
    qtbot.mouseClick(sized.status_line, Qt.MouseButton.LeftButton)
    log = sized.messages_log
    assert log is not None
    qtbot.waitExposed(log)
    rows = log.messages()
    assert [(kind, text) for _time, kind, text in rows[:2]] == [
        ("Success", "Operation completed successfully"),
        ("Error", "Item not found"),
    ]
    assert all(len(time) == 8 and time[2] == ":" for time, _k, _t in rows)
    sized.messenger.warning("Changed on another desktop")
    assert log.messages()[0][1:] == ("Warning", "Changed on another desktop")
    error_row = next(r for r in range(log.table.rowCount()) if log.messages()[r][1] == "Error")
    assert log.table.item(error_row, 2).foreground().color().name() == "#bb0000"
    log.table.selectRow(0)
    press(qtbot, log.copy_button)
    assert "Warning\tChanged on another desktop" in QApplication.clipboard().text()


def test_ctrl_shift_l_opens_the_log_and_it_keeps_the_last_200(
    qtbot: QtBot, window: MainWindow
) -> None:
    for number in range(LOG_SIZE + 30):
        window.messenger.info(f"message {number}")
    window.activateWindow()
    window.mdi.setFocus()
    qtbot.keyClick(
        window.mdi,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    log = window.messages_log
    assert log is not None and log.isVisible()
    texts = [text for _t, _k, text in log.messages()]
    assert len(texts) == LOG_SIZE
    assert texts[0] == f"message {LOG_SIZE + 29}"
    assert texts[-1] == "message 30"
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    entry = next(a for a in help_menu.actions() if a.text() == "Messages Log")
    assert entry.shortcut().toString() == "Ctrl+Shift+L"


def test_a_correct_save_clears_the_red_line_and_the_field_marks(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = open_from_tree(qtbot, window, "general_settings")
    assert isinstance(form, GeneralSettingsForm)
    type_into(qtbot, form.default_price_list.edit, "Retail")
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "error"
    assert is_invalid(form.default_price_list)
    type_into(qtbot, form.default_currency.edit, "DOLLAR")
    press(qtbot, form.mode_button)
    assert is_invalid(form.default_price_list), "the price list is still refused"
    assert not is_invalid(form.default_currency)
    type_into(qtbot, form.default_price_list.edit, "1")
    press(qtbot, form.mode_button)
    assert is_invalid(form.default_currency)
    assert not is_invalid(form.default_price_list), "only the field refused last is red"
    type_into(qtbot, form.default_currency.edit, "USD")
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "success"
    assert not any(is_invalid(field) for field in form.fields.values())
