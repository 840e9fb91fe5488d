"""Every grid's right-click menu (copy, filter, sort, export) and the toolbar's Export to Excel."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QTableView, QToolButton
from pytestqt.qtbot import QtBot

from app.store import Database
from app.ui.context import Services
from app.ui.data.templates import add_template
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from app.ui.widgets.grid_menu import GridMenu
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import open_from_tree
from tests.ui.sync_support import sync_services

__all__ = ["sandboxes", "template_id"]
MENU = [
    "Copy Cell",
    "Copy Row",
    "Export to Excel…",
    "Export to CSV…",
    "Filter by This Value",
    "Remove Filter",
    "Sort Ascending",
    "Sort Descending",
]
FORMS_WITH_GRIDS = ["templates", "mappings", "sync_settings", "sync_monitor", "daily_summary"]


@pytest.fixture
def services() -> Services:
    return sync_services(scheduler=False)


@pytest.fixture(params=[(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def sized(request: pytest.FixtureRequest, qtbot: QtBot, window: MainWindow) -> MainWindow:
    width, height = request.param
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    return window


def _monitor(qtbot: QtBot, window: MainWindow) -> SyncMonitorForm:
    form = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(form, SyncMonitorForm)
    qtbot.waitUntil(lambda: form.dashboard_model.rowCount() > 3)
    window.mdi.activeSubWindow().showMaximized()
    return form


def right_click(qtbot: QtBot, view: QTableView, row: int, column: int) -> QMenu:
    """Right-click a cell as the mouse does and return the menu that opened."""
    view.scrollTo(view.model().index(row, column))
    where = view.visualRect(view.model().index(row, column)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, view.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(view.viewport(), event)
    grid_menu = view.findChild(GridMenu)
    assert grid_menu is not None and grid_menu.menu is not None
    menu = grid_menu.menu
    qtbot.waitExposed(menu)
    return menu


def choose(qtbot: QtBot, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    assert action.isEnabled(), f"{text} is disabled"
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def _wait_success(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: window.messenger.last is not None and window.messenger.last[0] == "success"
    )


def _shown(view: QTableView, column: int) -> list[str]:
    model = view.model()
    return [
        str(model.index(r, column).data())
        for r in range(model.rowCount())
        if not view.isRowHidden(r)
    ]


def test_every_grid_of_the_forms_has_the_menu(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    for key in FORMS_WITH_GRIDS:
        form = open_from_tree(qtbot, window, key)
        for view in form.findChildren(QTableView):
            assert view.findChild(GridMenu) is not None, f"{key}: {view.objectName()}"
            assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_copy_filter_and_sort_from_the_right_click_menu(
    qtbot: QtBot, sized: MainWindow, template_id: int
) -> None:
    form = _monitor(qtbot, sized)
    view = form.dashboard
    menu = right_click(qtbot, view, 1, 0)
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == MENU
    assert not next(a for a in menu.actions() if a.text() == "Remove Filter").isEnabled()
    label = str(view.model().index(1, 0).data())
    choose(qtbot, menu, "Copy Cell")
    assert QApplication.clipboard().text() == label

    choose(qtbot, right_click(qtbot, view, 1, 0), "Copy Row")
    copied = QApplication.clipboard().text().split("\t")
    assert copied[0] == label and len(copied) == view.model().columnCount()

    objects = _shown(view, 0)
    choose(qtbot, right_click(qtbot, view, 0, 0), "Sort Descending")
    assert _shown(view, 0) == sorted(objects, key=str.casefold, reverse=True)
    choose(qtbot, right_click(qtbot, view, 0, 0), "Sort Ascending")
    assert _shown(view, 0) == sorted(objects, key=str.casefold)

    first = _shown(view, 0)[0]
    choose(qtbot, right_click(qtbot, view, 0, 0), "Filter by This Value")
    assert _shown(view, 0) == [first]
    assert sized.messenger.last is not None
    assert "1 object shown" in sized.messenger.last[1]
    choose(qtbot, right_click(qtbot, view, 0, 0), "Remove Filter")
    assert len(_shown(view, 0)) == len(objects)


def test_toolbar_export_to_excel_writes_the_rows_shown_into_documents(
    qtbot: QtBot,
    sized: MainWindow,
    template_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = _monitor(qtbot, sized)
    view = form.dashboard
    offered: list[str] = []
    target = tmp_path / "objects.xlsx"

    def save_as(_parent: object, _title: str, place: str, _filters: str) -> tuple[str, str]:
        offered.append(place)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    choose(qtbot, right_click(qtbot, view, 0, 0), "Filter by This Value")
    view.setFocus()
    button = sized.toolbar.widgetForAction(sized.export_action)
    assert isinstance(button, QToolButton) and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    _wait_success(qtbot, sized)

    assert Path(offered[0]).parent == Path(platformdirs.user_documents_dir())
    assert Path(offered[0]).name.startswith("sync-monitor-") and offered[0].endswith(".xlsx")
    assert sized.messenger.last == ("success", f"1 object exported to {target}.")
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    model = view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert rows[0] == headers
    assert len(rows) == 2 and rows[1][0] == _shown(view, 0)[0]

    choose(qtbot, right_click(qtbot, view, 0, 0), "Remove Filter")
    target = tmp_path / "objects.csv"
    choose(qtbot, right_click(qtbot, view, 0, 0), "Export to CSV…")
    _wait_success(qtbot, sized)
    assert offered[-1].endswith(".csv")
    count = model.rowCount()
    assert sized.messenger.last == ("success", f"{count} objects exported to {target}.")
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == count + 1


def test_export_with_no_grid_says_what_it_does(qtbot: QtBot, window: MainWindow) -> None:
    open_from_tree(qtbot, window, "general_settings")
    qtbot.mouseClick(
        window.toolbar.widgetForAction(window.export_action), Qt.MouseButton.LeftButton
    )
    assert window.messenger.last is not None
    assert window.messenger.last[1].startswith("Export to Excel exports a grid")


def test_templates_sort_by_name_from_the_menu(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    add_template(database, "Airport")
    add_template(database, "Zeta")
    form = open_from_tree(qtbot, window, "templates")
    view = form.findChild(QTableView, "templatesGrid")
    assert isinstance(view, QTableView)
    qtbot.waitUntil(lambda: view.model().rowCount() == 3)
    choose(qtbot, right_click(qtbot, view, 0, 1), "Sort Descending")
    assert _shown(view, 1) == ["Zeta", "Sandbox", "Airport"]
    choose(qtbot, right_click(qtbot, view, 0, 1), "Sort Ascending")
    assert _shown(view, 1) == ["Airport", "Sandbox", "Zeta"]


def test_a_file_that_cannot_be_written_is_reported_in_red(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = _monitor(qtbot, window)
    taken = tmp_path / "objects.xlsx"
    taken.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(taken), ""))
    )
    choose(qtbot, right_click(qtbot, form.dashboard, 0, 0), "Export to Excel…")
    qtbot.waitUntil(lambda: window.status_line.kind() == "error")
    assert window.status_line.text().startswith("Not exported: ")
    assert str(taken) in window.status_line.text()
