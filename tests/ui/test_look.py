"""The look: mandatory fields marked as in SAP, keyboard focus visible on buttons, the
active form's title bar in the brand colour and the others grey."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFormLayout, QLabel
from pytestqt.qtbot import QtBot

from app.ui.forms.connections import ConnectionsForm
from app.ui.main_window import MainWindow
from app.ui.style import ACTIVE_TITLE, INACTIVE_TITLE
from app.ui.widgets.layout import is_mandatory
from tests.ui.helpers import open_from_tree


@pytest.fixture(params=[(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def sized(request: pytest.FixtureRequest, qtbot: QtBot, window: MainWindow) -> MainWindow:
    width, height = request.param
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    return window


def _near(colour: QColor, expected: str, slack: int = 40) -> bool:
    want = QColor(expected)
    return all(
        abs(a - b) <= slack
        for a, b in zip(
            (colour.red(), colour.green(), colour.blue()),
            (want.red(), want.green(), want.blue()),
            strict=True,
        )
    )


def test_mandatory_fields_have_the_mandatory_look(qtbot: QtBot, sized: MainWindow) -> None:
    form = open_from_tree(qtbot, sized, "connections")
    assert isinstance(form, ConnectionsForm)
    assert is_mandatory(form.sap_url) and is_mandatory(form.tagrain_url)
    assert not is_mandatory(form.sap_ca_file)
    picture = form.sap_url.grab().toImage()
    inside = picture.pixelColor(picture.width() // 2, 2)
    plain = form.sap_ca_file.grab().toImage()
    assert inside != plain.pixelColor(plain.width() // 2, 2), "mandatory is tinted"
    assert _near(picture.pixelColor(1, picture.height() // 2), "#e78c07"), "the left marker"
    layout = form.sap_url.parentWidget().layout()
    assert isinstance(layout, QFormLayout)
    label = layout.labelForField(form.sap_url)
    assert isinstance(label, QLabel) and label.property("mandatory") is True
    assert label.text().startswith("Service Layer URL <span") and "*" in label.text()
    assert label.toolTip() == "Service Layer URL: required"


def test_keyboard_focus_on_a_button_is_visible(qtbot: QtBot, sized: MainWindow) -> None:
    form = open_from_tree(qtbot, sized, "connections")
    before = form.cancel_button.grab().toImage()
    form.mode_button.setFocus()
    qtbot.keyClick(form.mode_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(form.cancel_button.hasFocus)
    after = form.cancel_button.grab().toImage()
    edge = after.pixelColor(after.width() // 2, 0)
    assert _near(edge, "#1f5c8f", 30), edge.name()
    assert edge != before.pixelColor(before.width() // 2, 0)


def test_the_active_forms_title_bar_looks_active(qtbot: QtBot, sized: MainWindow) -> None:
    sized.activateWindow()
    open_from_tree(qtbot, sized, "templates")
    open_from_tree(qtbot, sized, "general_settings")
    sized.mdi.cascadeSubWindows()
    active = sized.form_window("general_settings")
    other = sized.form_window("templates")
    assert active is not None and other is not None
    qtbot.waitUntil(lambda: sized.mdi.activeSubWindow() is active)

    def title_colour(frame: object) -> QColor:
        image = frame.grab().toImage()  # type: ignore[attr-defined]
        return image.pixelColor(image.width() // 3, 10)

    assert _near(title_colour(active), ACTIVE_TITLE), title_colour(active).name()
    assert _near(title_colour(other), INACTIVE_TITLE), title_colour(other).name()
