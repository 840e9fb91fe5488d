"""Driving the client like a user: open forms from the Main Menu, press the form buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.widgets.form_base import BaseForm


def open_from_tree(qtbot: QtBot, window: MainWindow, key: str) -> BaseForm:
    """Double-click the form's entry in the Main Menu and return the opened form."""
    tree = window.tree
    index = tree.index_of_form(key)
    tree.scrollTo(index)
    rect = tree.visualRect(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    sub = window.form_window(key)
    assert sub is not None, f"{key} did not open"
    form = sub.widget()
    assert isinstance(form, BaseForm)
    qtbot.waitExposed(form)
    return form


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace a field's text by typing, as a user would."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def press(qtbot: QtBot, button: QWidget) -> None:
    """Click a button with the mouse."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def close_form(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Close a form's sub-window and wait until it is gone."""
    sub = window.form_window(key)
    assert sub is not None
    sub.close()
    qtbot.waitUntil(lambda: window.form_window(key) is None)
