"""Every form opens, and reopens after a restart, inside the visible workspace.

At a 1366×768 laptop screen the larger forms are taller than the workspace:
they open shrunk to it, their content scrolls, and OK/Cancel stay in sight.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from app.ui.client_settings import client_settings
from app.ui.main_window import MainWindow
from app.ui.registry import default_registry
from app.ui.widgets.form_base import BaseForm
from tests.ui.helpers import open_from_tree

SIZES = [pytest.param((1366, 768), id="1366x768"), pytest.param((1920, 1080), id="1920x1080")]
KEYS = [spec.key for spec in default_registry()]


def assert_inside_workspace(window: MainWindow, key: str) -> None:
    """The form's window lies in the MDI viewport and its buttons can be seen."""
    frame = window.form_window(key)
    assert frame is not None
    room = window.mdi.viewport().rect()
    assert room.contains(frame.geometry()), f"{key}: {frame.geometry()} outside {room}"
    form = frame.widget()
    assert isinstance(form, BaseForm)
    for button in (form.mode_button, form.cancel_button):
        assert button.isVisible(), f"{key}: {button.text()} hidden"
        assert not button.visibleRegion().isEmpty(), f"{key}: {button.text()} cut off"
        corner = button.mapTo(window.mdi.viewport(), button.rect().bottomRight())
        assert room.contains(corner), f"{key}: {button.text()} below the workspace"


@pytest.mark.parametrize("size", SIZES)
def test_every_form_opens_inside_the_workspace(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: window.mdi.viewport().height() > 400)
    for key in KEYS:
        open_from_tree(qtbot, window, key)
        assert_inside_workspace(window, key)
        frame = window.form_window(key)
        assert frame is not None
        frame.close()
        qtbot.waitUntil(lambda k=key: window.form_window(k) is None)  # type: ignore[misc]


def test_a_form_taller_than_a_small_workspace_scrolls_inside_itself(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1024, 480)
    qtbot.waitUntil(lambda: window.mdi.viewport().height() < 420)
    form = open_from_tree(qtbot, window, "item_master_data")
    assert_inside_workspace(window, "item_master_data")
    bar = form.scroll_area.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible)
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    assert not form.mode_button.visibleRegion().isEmpty()


@pytest.mark.parametrize("size", SIZES)
def test_forms_reopen_inside_after_a_restart_with_oversized_geometry(
    qtbot: QtBot, make_window: Callable[[], MainWindow], size: tuple[int, int]
) -> None:
    first = make_window()
    first.resize(*size)
    for key in KEYS:
        open_from_tree(qtbot, first, key)
    first.close()
    settings = client_settings()
    for offset, key in enumerate(KEYS):
        settings.setValue(f"forms/{key}/geometry", QRect(40 * offset, 60, 1900, 1400))
    settings.setValue("forms/sync_monitor/geometry", QRect(1500, 900, 980, 660))
    settings.sync()

    second = make_window()
    second.resize(*size)
    qtbot.waitUntil(lambda: second.mdi.viewport().width() > 800)
    assert second.open_forms() == KEYS
    qtbot.waitUntil(
        lambda: all(
            second.mdi.viewport().rect().contains(frame.geometry())
            for frame in second.mdi.subWindowList()
        )
    )
    for key in second.open_forms():
        frame = second.form_window(key)
        assert frame is not None
        second.mdi.setActiveSubWindow(frame)
        qtbot.waitExposed(frame)
        assert_inside_workspace(second, key)
