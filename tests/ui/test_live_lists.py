"""LiveLists: an injected reader feeds Choose From List, on a worker thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.forms.general_settings import GeneralSettingsForm
from app.ui.lists import ListKind
from app.ui.live_lists import LiveLists
from app.ui.main_window import MainWindow
from tests.ui.helpers import open_from_tree


def test_live_rows_are_read_off_the_gui_thread_for_the_chosen_template(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    calls: list[tuple[int, str, str]] = []

    def reader(template: int, kind: str) -> list[tuple[str, str]]:
        calls.append((template, kind, threading.current_thread().name))
        return [("_SYS00000000999", "Petty Cash")]

    window.context.services.lists = LiveLists(reader)
    form = open_from_tree(qtbot, window, "general_settings")
    assert isinstance(form, GeneralSettingsForm)
    form.cash_account.edit.setFocus()
    qtbot.keyClick(form.cash_account.edit, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    dialog = form.cash_account.dialog
    assert dialog is not None
    assert "Read live" in dialog.origin.text()
    qtbot.waitUntil(lambda: not dialog.reading)
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    assert form.cash_account.text() == "_SYS00000000999"
    assert calls[0][:2] == (template_id, "accounts")
    assert calls[0][2] != threading.main_thread().name


def test_no_template_no_rows() -> None:
    assert LiveLists(lambda _t, _k: [("x", "y")]).rows(ListKind.ACCOUNTS, None) == []
