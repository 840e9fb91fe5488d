"""F1 opens the user guide at the active form's page; every form has its page, every link
and screenshot of the guide is shipped in resources/help."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from pytestqt.qtbot import QtBot

from app.ui.help_window import PAGES, help_dir, page_for
from app.ui.main_window import MainWindow
from app.ui.registry import default_registry
from tests.ui.helpers import open_from_tree

LINK = re.compile(r'(?:href|src)="([^"#:]+)"')


@pytest.fixture(params=[(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def sized(request: pytest.FixtureRequest, qtbot: QtBot, window: MainWindow) -> MainWindow:
    width, height = request.param
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    return window


def test_f1_on_a_form_opens_its_page_with_its_screenshot(qtbot: QtBot, sized: MainWindow) -> None:
    form = open_from_tree(qtbot, sized, "connections")
    form.setFocus()
    qtbot.keyClick(form, Qt.Key.Key_F1)
    help_window = sized.help_window
    assert help_window is not None and help_window.isVisible()
    assert help_window.page() == "connections"
    assert help_window.contents.currentItem().text() == "Connections"
    text = help_window.browser.toPlainText()
    assert text.startswith("Connections") and "Test Connection" in text
    image = help_window.browser.loadResource(
        QTextDocument.ResourceType.ImageResource.value, QUrl("images/connections-test-ok.png")
    )
    assert not QImage.fromData(image).isNull(), "the page's screenshot is found and loads"
    assert help_window.width() <= sized.width()


def test_f1_without_a_form_opens_the_contents_and_the_pages_link(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.mdi.setFocus()
    qtbot.keyClick(window.mdi, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window is not None and help_window.page() == "index"
    assert "Ctrl+Shift+L" in help_window.browser.toPlainText()
    contents = help_window.contents
    row = next(r for r in range(contents.count()) if contents.item(r).text() == "Mappings")
    rect = contents.visualItemRect(contents.item(row))
    qtbot.mouseClick(contents.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert help_window.page() == "mappings"
    qtbot.mouseClick(help_window.back_button, Qt.MouseButton.LeftButton)
    assert help_window.page() == "index"


def test_every_form_has_a_page_and_every_link_is_shipped() -> None:
    for spec in default_registry():
        assert page_for(spec.key).stem != "index", spec.key
    for name, _title in PAGES:
        page = help_dir() / f"{name}.html"
        text = page.read_text(encoding="utf-8")
        for target in LINK.findall(text):
            assert (help_dir() / target).is_file(), f"{name}: {target}"
