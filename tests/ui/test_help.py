"""F1 opens the user guide at the active form's page; every form has its page; the pages are
the Markdown of docs/user-guide, and every link and screenshot they use is in the folders a
wheel and the bundle ship (docs/user-guide and docs/screenshots)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from pytestqt.qtbot import QtBot

from app.ui.help_window import PAGES, help_dir, page_for
from app.ui.main_window import MainWindow
from app.ui.registry import default_registry
from tests.ui.helpers import open_from_tree

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)#:\s]+)[^)]*\)")
SHIPPED = {
    "docs/user-guide": "app/_resources/help",
    "docs/screenshots": "app/_resources/screenshots",
}


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
    assert help_window.page_path() == ROOT / "docs" / "user-guide" / "connections.md"
    image = help_window.browser.loadResource(
        QTextDocument.ResourceType.ImageResource.value,
        QUrl("../screenshots/connections-test-ok.png"),
    )
    assert isinstance(image, QImage) and not image.isNull(), "the page's screenshot loads"
    assert image.width() == 640, "a full-screen screenshot is scaled to fit the page"
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


def test_a_page_renders_its_markdown_with_headings_and_tables(window: MainWindow) -> None:
    help_window = window.show_help("company_setup")
    document = help_window.browser.document()
    headings = [
        document.findBlockByNumber(n).text()
        for n in range(document.blockCount())
        if document.findBlockByNumber(n).blockFormat().headingLevel() > 0
    ]
    assert headings[:3] == ["Company Setup", "The fields", "What SAP requires"]
    assert "**" not in help_window.browser.toPlainText(), "Markdown is rendered, not shown raw"
    assert "OCRD\nbusiness partners" in help_window.browser.toPlainText(), "the table is a table"


def test_every_form_has_a_page_and_every_link_is_shipped() -> None:
    assert help_dir() == ROOT / "docs" / "user-guide"
    for spec in default_registry():
        assert page_for(spec.key).stem != "index", spec.key
    listed = {name for name, _title in PAGES}
    assert listed == {page.stem for page in help_dir().glob("*.md")}, "every page is listed"
    shipped = [(ROOT / folder).resolve() for folder in SHIPPED]
    for name in listed:
        text = (help_dir() / f"{name}.md").read_text(encoding="utf-8")
        for target in LINK.findall(text):
            path = (help_dir() / target).resolve()
            assert path.is_file(), f"{name}: {target}"
            assert any(path.is_relative_to(folder) for folder in shipped), f"{name}: {target}"


def test_the_wheel_and_the_bundle_ship_the_guide_where_the_client_looks() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    spec = (ROOT / "packaging" / "integration-hub.spec").read_text(encoding="utf-8")
    for source, target in SHIPPED.items():
        assert include[source] == target
        folder = " / ".join(f'"{part}"' for part in source.split("/"))
        assert f'(str(ROOT / {folder}), "{target}")' in spec, source
