"""Mappings → Stores: each store's branch, picked from the company's branches, saved and shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit
from pytestqt.qtbot import QtBot

from app.store import Database, StoreMapping
from app.ui.forms.mappings import MappingsForm
from app.ui.main_window import MainWindow
from app.ui.widgets.mapping_grid import MappingGrid
from tests.ui.helpers import close_form, open_from_tree, press


def _open(qtbot: QtBot, window: MainWindow) -> MappingsForm:
    form = open_from_tree(qtbot, window, "mappings")
    assert isinstance(form, MappingsForm)
    qtbot.waitUntil(lambda: not form.reading)
    return form


def _type_cell(qtbot: QtBot, grid: MappingGrid, row: int, attribute: str, text: str) -> None:
    index = grid.mapping_model.index(row, grid.mapping_model.column_of(attribute))
    grid.setFocus()
    grid.setCurrentIndex(index)
    grid.edit(index)
    editors = [w for w in grid.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    editors[0].setFocus()
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState)


def test_a_store_branch_is_chosen_from_the_branches_saved_and_shown_again(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    stores = form.grids["stores"]
    assert "Branch" in [c.header for c in stores.mapping_model.columns]
    _type_cell(qtbot, stores, 3, "warehouse_code", "LA")
    stores.setCurrentIndex(stores.mapping_model.index(3, stores.mapping_model.column_of("branch")))
    qtbot.keyClick(stores, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: stores.dialog is not None and stores.dialog.isVisible())
    dialog = stores.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.reading)
    qtbot.keyClicks(dialog.find_box, "West Coast")
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    assert stores.mapping_model.rows()[3].branch == "4"
    press(qtbot, form.mode_button)
    close_form(qtbot, window, "mappings")
    with database.session() as session:
        saved = [(m.store_id, m.warehouse_code, m.branch_id) for m in session.query(StoreMapping)]
    assert saved == [("LAX", "LA", 4)]
    again = _open(qtbot, window)
    assert again.models["stores"].rows()[3].branch == "4"


def test_a_branch_that_is_not_a_number_is_refused(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    stores = form.grids["stores"]
    _type_cell(qtbot, stores, 0, "warehouse_code", "NY")
    _type_cell(qtbot, stores, 0, "branch", "East")
    status = stores.mapping_model.index(0, stores.mapping_model.columnCount() - 1)
    assert "Branch is not a branch number" in str(status.data())
    press(qtbot, form.mode_button)
    assert window.messenger.last == (
        "error",
        "Store NYC: the branch is a branch number (BPLID), not 'East'.",
    )
    with database.session() as session:
        assert session.query(StoreMapping).count() == 0
