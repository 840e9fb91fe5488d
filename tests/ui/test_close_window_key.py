"""File → Close Window (Ctrl+W) closes the active form, and only that one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from tests.ui.helpers import open_from_tree


def test_ctrl_w_closes_the_active_form(qtbot: QtBot, window: MainWindow) -> None:
    open_from_tree(qtbot, window, "templates")
    settings = open_from_tree(qtbot, window, "general_settings")
    settings.setFocus()
    qtbot.keyClick(settings, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.form_window("general_settings") is None)
    assert window.open_forms() == ["templates"]
    remaining = window.form_window("templates")
    assert remaining is not None
    window.mdi.setActiveSubWindow(remaining)
    qtbot.keyClick(remaining.widget(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.open_forms() == [])


def test_file_menu_names_ctrl_w_and_the_frame_keeps_ctrl_f4(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.close_window_action.shortcut().toString() == "Ctrl+W"
    open_from_tree(qtbot, window, "templates")
    frame = window.form_window("templates")
    assert frame is not None
    menu = frame.systemMenu()
    assert menu is not None
    close = [a for a in menu.actions() if a.text().replace("&", "") == "Close"]
    keys = [key.toString() for key in close[0].shortcuts()]
    assert "Ctrl+F4" in keys
    assert "Ctrl+W" not in keys
