"""The shell: Main Menu tree, MDI forms, Window menu, status bar colours, layout restore."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMdiSubWindow
from pytestqt.qtbot import QtBot

from app.store import Database
from app.ui.data.templates import add_template
from app.ui.forms.connections import ConnectionsForm
from app.ui.main_window import MainWindow
from app.ui.registry import INTEGRATION_HUB, MODULES, FormRegistry, FormSpec, default_registry
from app.ui.style import ERROR, SUCCESS
from app.ui.widgets.form_base import BaseForm
from tests.ui.helpers import close_form, open_from_tree

HUB_FORMS = [
    "Templates",
    "Connections",
    "Company Setup",
    "General Settings",
    "Mappings",
    "Set Customers for Synchronization",
    "Set Items for Synchronization",
    "Business Partner Master Data",
    "Item Master Data",
    "Synchronization Settings",
    "Sync Monitor",
    "Daily Summary",
    "Reconciliation",
    "Database and Scheduling",
]


def test_main_menu_lists_sap_modules_and_the_hub_forms(window: MainWindow) -> None:
    model = window.tree.tree_model
    top = [model.item(row).text() for row in range(model.rowCount())]
    assert top == list(MODULES)
    hub = model.itemFromIndex(window.tree.index_of_folder(INTEGRATION_HUB))
    assert [hub.child(row).text() for row in range(hub.rowCount())] == HUB_FORMS
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Data", "Goto", "Modules", "Tools", "Window", "Help"]


def test_double_click_opens_a_form_once(qtbot: QtBot, window: MainWindow) -> None:
    form = open_from_tree(qtbot, window, "templates")
    again = open_from_tree(qtbot, window, "templates")
    assert form is again
    assert window.open_forms() == ["templates"]
    assert form.windowTitle() == "Integration Hub - Templates"


def test_enter_on_the_tree_opens_the_form(qtbot: QtBot, window: MainWindow) -> None:
    window.tree.setFocus()
    window.tree.setCurrentIndex(window.tree.index_of_form("mappings"))
    qtbot.keyClick(window.tree, Qt.Key.Key_Return)
    assert window.open_forms() == ["mappings"]


def test_other_modules_say_they_are_not_part_of_the_hub(qtbot: QtBot, window: MainWindow) -> None:
    window.tree.setCurrentIndex(window.tree.index_of_folder(("Financials",)))
    assert window.messenger.last is not None
    assert window.messenger.last[1] == "Financials is not part of the Integration Hub."
    assert window.status_line.kind() == "info"


def test_status_line_uses_sap_colours(window: MainWindow) -> None:
    window.messenger.error("Item not found")
    assert window.status_line.text() == "Item not found"
    colour = window.status_line.palette().color(QPalette.ColorRole.WindowText)
    assert colour.name() == ERROR
    window.messenger.success("Operation completed successfully")
    colour = window.status_line.palette().color(QPalette.ColorRole.WindowText)
    assert colour.name() == SUCCESS


def test_sync_now_is_disabled_until_a_sync_core_listens(window: MainWindow) -> None:
    assert not window.sync_now_action.isEnabled()
    assert "sync core" in window.sync_now_action.toolTip()
    window.set_sync_now_available(True)
    assert window.sync_now_action.isEnabled()


def test_window_menu_lists_tiles_and_cascades(qtbot: QtBot, window: MainWindow) -> None:
    for key in ("templates", "connections", "general_settings"):
        open_from_tree(qtbot, window, key)
    window.window_menu.aboutToShow.emit()
    texts = [a.text() for a in window.window_menu.actions() if not a.isSeparator()]
    assert texts[:3] == ["Tile", "Cascade", "Close All"]
    assert "&3 Integration Hub - General Settings" in texts
    window.tile_action.trigger()
    frames: list[QRect] = [w.geometry() for w in window.mdi.subWindowList()]
    for n, first in enumerate(frames):
        for second in frames[n + 1 :]:
            assert not first.intersects(second), "tiled windows overlap"


def test_ctrl_tab_cycles_through_open_forms(qtbot: QtBot, window: MainWindow) -> None:
    for key in ("templates", "connections", "mappings"):
        open_from_tree(qtbot, window, key)
    seen = set()
    for _ in range(3):
        active = window.mdi.activeSubWindow()
        assert isinstance(active, QMdiSubWindow)
        seen.add(active.property("form_key"))
        qtbot.keyClick(window.mdi, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert seen == {"templates", "connections", "mappings"}


def test_layout_and_open_forms_are_restored(
    qtbot: QtBot, make_window: Callable[[], MainWindow], database: Database
) -> None:
    add_template(database, "Alpha")
    beta = add_template(database, "Beta")
    first = make_window()
    connections = open_from_tree(qtbot, first, "connections")
    assert isinstance(connections, ConnectionsForm)
    connections.template_combo.setCurrentIndex(connections.template_combo.findText("Beta"))
    open_from_tree(qtbot, first, "templates")
    first.form_window("connections").setGeometry(QRect(20, 30, 500, 420))  # type: ignore[union-attr]
    first.resize(760, 560)
    first.dock.hide()
    first.close()

    second = make_window()
    assert second.open_forms() == ["connections", "templates"]
    assert second.form_window("connections").geometry() == QRect(20, 30, 500, 420)  # type: ignore[union-attr]
    assert (second.width(), second.height()) == (760, 560)
    assert not second.dock.isVisible()
    active = second.mdi.activeSubWindow()
    assert active is not None and active.property("form_key") == "templates"
    restored = second.form_window("connections").widget()  # type: ignore[union-attr]
    assert isinstance(restored, ConnectionsForm) and restored.template_id == beta


def test_registry_takes_new_forms(qtbot: QtBot, database: object) -> None:
    registry = default_registry()
    registry.add(FormSpec("monitor", "Sync Monitor", lambda ctx: BaseForm(ctx, "Sync Monitor")))
    keys = [spec.key for spec in registry]
    assert keys[-1] == "monitor"
    empty = FormRegistry()
    try:
        empty.add(FormSpec("x", "X", lambda ctx: BaseForm(ctx, "X"), folder=("Nowhere",)))
    except ValueError as exc:
        assert "module" in str(exc)
    else:
        raise AssertionError("a form outside the modules was accepted")


def test_closing_a_form_removes_it(qtbot: QtBot, window: MainWindow) -> None:
    open_from_tree(qtbot, window, "templates")
    close_form(qtbot, window, "templates")
    assert window.open_forms() == []


def test_modules_menu_opens_hub_forms_and_names_the_others(window: MainWindow) -> None:
    modules = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Modules"
    )
    administration = next(a.menu() for a in modules.actions() if a.text() == "Administration")
    hub = next(a.menu() for a in administration.actions() if a.text() == "Integration Hub")
    next(a for a in hub.actions() if a.text() == "Mappings").trigger()
    assert window.open_forms() == ["mappings"]
    banking = next(a.menu() for a in modules.actions() if a.text() == "Banking")
    note = banking.actions()[0]
    assert note.text() == "Banking is not part of the Integration Hub."
    assert not note.isEnabled()
