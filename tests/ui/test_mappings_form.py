"""Mappings form: three editable grids, unmapped rows shown loudly, saved in one transaction."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.store import Database, ExpenseMapping, StoreMapping, Template, TenderMapping
from app.ui.data.templates import add_template
from app.ui.forms.mappings import MappingsForm
from app.ui.lists import CodeName, ListKind
from app.ui.main_window import MainWindow
from app.ui.style import ERROR
from app.ui.widgets.mapping_grid import MappingGrid
from tests.support.sandbox_lists import SandboxCompanyLists
from tests.ui.helpers import close_form, open_from_tree, press

T = TypeVar("T", bound=QWidget)


def _open(qtbot: QtBot, window: MainWindow) -> MappingsForm:
    form = open_from_tree(qtbot, window, "mappings")
    assert isinstance(form, MappingsForm)
    qtbot.waitUntil(lambda: not form.reading)
    return form


def _editor(grid: MappingGrid, kind: type[T]) -> T:
    editors = [w for w in grid.viewport().findChildren(kind) if w.isVisible()]
    assert len(editors) == 1, editors
    editors[0].setFocus()
    return editors[0]


def _type_cell(qtbot: QtBot, grid: MappingGrid, row: int, attribute: str, text: str) -> None:
    index = grid.mapping_model.index(row, grid.mapping_model.column_of(attribute))
    grid.setFocus()
    grid.setCurrentIndex(index)
    grid.edit(index)
    editor = _editor(grid, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState)


def _choose_means(qtbot: QtBot, grid: MappingGrid, row: int, label: str) -> None:
    index = grid.mapping_model.index(row, grid.mapping_model.column_of("payment_means"))
    grid.setFocus()
    grid.setCurrentIndex(index)
    grid.edit(index)
    editor = _editor(grid, QComboBox)
    while editor.currentText() != label:
        qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState)


def test_models_pass_the_model_tester(
    qtbot: QtBot, window: MainWindow, template_id: int, qtmodeltester: ModelTester
) -> None:
    form = _open(qtbot, window)
    for model in form.models.values():
        qtmodeltester.check(model)


def test_every_known_tagrain_value_is_listed_and_unmapped_ones_are_red(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    stores = form.models["stores"]
    assert [r.store for r in stores.rows()] == ["NYC", "CHI", "DEN", "LAX"]
    assert [r.tender_type for r in form.models["tenders"].rows()] == [
        "cash",
        "card",
        "gift_card",
        "store_credit",
        "other",
    ]
    assert "donations" in [r.category for r in form.models["expenses"].rows()]
    status = stores.index(0, stores.columnCount() - 1)
    assert status.data() == "Unmapped: No SAP warehouse"
    brush = stores.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == ERROR
    assert form.summaries["stores"].text() == "4 of 4 stores are not mapped."


def test_grids_are_edited_saved_and_shown_again(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    stores = form.grids["stores"]
    _type_cell(qtbot, stores, 0, "warehouse_code", "NY")
    assert form.mode_button.text() == "Update"
    stores.setCurrentIndex(
        stores.mapping_model.index(0, stores.mapping_model.column_of("cash_account"))
    )
    qtbot.keyClick(stores, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: stores.dialog is not None and stores.dialog.isVisible())
    dialog = stores.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.reading)
    qtbot.keyClicks(dialog.find_box, "New York")
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    assert stores.mapping_model.rows()[0].cash_account == "_SYS00000000101"

    form.tabs.setCurrentIndex(1)
    tenders = form.grids["tenders"]
    _choose_means(qtbot, tenders, 0, "Cash")
    _type_cell(qtbot, tenders, 0, "account_code", "_SYS00000000101")
    _choose_means(qtbot, tenders, 1, "Credit Card")
    _type_cell(qtbot, tenders, 1, "credit_card_code", "1")

    form.tabs.setCurrentIndex(2)
    _type_cell(qtbot, form.grids["expenses"], 0, "account_code", "_SYS00000000600")
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "warning"
    assert "still not mapped" in window.status_line.text()
    assert form.mode_button.text() == "OK"
    close_form(qtbot, window, "mappings")

    with database.session() as session:
        assert [
            (m.store_id, m.warehouse_code, m.cash_account) for m in session.query(StoreMapping)
        ] == [("NYC", "NY", "_SYS00000000101")]
        tenders_saved = {
            m.tender_type: (m.payment_means, m.account_code, m.credit_card_code)
            for m in session.query(TenderMapping)
        }
        assert tenders_saved == {
            "cash": ("cash", "_SYS00000000101", None),
            "card": ("credit_card", None, 1),
        }
        assert [(m.category, m.account_code) for m in session.query(ExpenseMapping)] == [
            ("office_supplies", "_SYS00000000600")
        ]

    again = _open(qtbot, window)
    first = again.models["stores"].rows()[0]
    assert (first.warehouse_code, first.cash_account) == ("NY", "_SYS00000000101")
    assert again.models["tenders"].index(1, 2).data() == "Credit Card"
    assert again.summaries["stores"].text() == "3 of 4 stores are not mapped."


def test_incomplete_tender_is_refused_on_its_tab(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    form.tabs.setCurrentIndex(1)
    _choose_means(qtbot, form.grids["tenders"], 2, "Bank Transfer")
    form.tabs.setCurrentIndex(0)
    press(qtbot, form.mode_button)
    assert window.messenger.last == ("error", "Tender gift_card: account missing.")
    assert form.tabs.currentIndex() == 1
    with database.session() as session:
        assert session.query(TenderMapping).count() == 0


class _SlowThenBrokenLists(SandboxCompanyLists):
    """Tagrain's lists cannot be read (an outage)."""

    def rows(self, kind: ListKind, template_id: int | None) -> list[CodeName]:
        if kind is ListKind.TAGRAIN_STORES:
            raise ConnectionError("Tagrain unreachable")
        return list(super().rows(kind, template_id))


def test_unreadable_tagrain_values_still_show_stored_mappings(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    with database.session() as session:
        session.add(StoreMapping(template_id=template_id, store_id="st_1", warehouse_code="NY"))
    window.context.services.lists = _SlowThenBrokenLists()
    form = _open(qtbot, window)
    assert window.status_line.kind() == "error"
    assert "Tagrain unreachable" in window.status_line.text()
    assert [(r.store, r.warehouse_code) for r in form.models["stores"].rows()] == [("st_1", "NY")]
    assert form.tabs.isEnabled()


def test_switching_templates_reads_again_and_drops_stale_answers(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    other = add_template(database, "Second")
    with database.session() as session:
        session.add(StoreMapping(template_id=other, store_id="NYC", warehouse_code="01"))
    form = _open(qtbot, window)
    form.choose_template(other)
    form.choose_template(template_id)
    form.choose_template(other)
    qtbot.waitUntil(lambda: not form.reading)
    qtbot.wait(50)
    assert form.template_id == other
    assert form.models["stores"].rows()[0].warehouse_code == "01"
    assert form.mode_button.text() == "OK"


def test_a_cash_tender_without_account_needs_every_mapped_store_to_have_a_till(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    stores = form.grids["stores"]
    _type_cell(qtbot, stores, 0, "warehouse_code", "NY")
    _type_cell(qtbot, stores, 0, "cash_account", "_SYS00000000101")
    _type_cell(qtbot, stores, 1, "warehouse_code", "CHI")
    _type_cell(qtbot, stores, 2, "warehouse_code", "DEN")
    form.tabs.setCurrentIndex(1)
    tenders = form.grids["tenders"]
    _choose_means(qtbot, tenders, 0, "Cash")
    model = tenders.mapping_model
    status = model.index(0, len(model.columns))
    refused = "Account missing: no cash account for store CHI, DEN"
    assert str(status.data()).startswith(f"Unmapped: {refused}")
    assert status.data(Qt.ItemDataRole.ForegroundRole) == QBrush(ERROR)

    form.tabs.setCurrentIndex(0)
    press(qtbot, form.mode_button)
    kind, text = window.messenger.last
    assert kind == "error"
    assert text.startswith("Tender cash: account missing: no cash account for store CHI, DEN")
    assert form.tabs.currentIndex() == 1
    with database.session() as session:
        assert session.query(TenderMapping).count() == 0

    form.tabs.setCurrentIndex(0)
    _type_cell(qtbot, stores, 1, "cash_account", "_SYS00000000102")
    _type_cell(qtbot, stores, 2, "cash_account", "_SYS00000000103")
    assert status.data() == (
        "Mapped: each store's cash account: "
        "NYC → _SYS00000000101, CHI → _SYS00000000102, DEN → _SYS00000000103"
    )
    assert "CHI → _SYS00000000102" in str(status.data(Qt.ItemDataRole.ToolTipRole))
    press(qtbot, form.mode_button)
    assert form.mode_button.text() == "OK"
    with database.session() as session:
        saved = session.query(TenderMapping).one()
        assert (saved.tender_type, saved.payment_means, saved.account_code) == (
            "cash",
            "cash",
            None,
        )


def test_a_store_without_its_own_till_uses_the_general_cash_account(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    with database.session() as session:
        session.get_one(Template, template_id).cash_account = "_SYS00000000101"
    form = _open(qtbot, window)
    stores = form.grids["stores"]
    _type_cell(qtbot, stores, 0, "warehouse_code", "NY")
    _type_cell(qtbot, stores, 1, "warehouse_code", "CHI")
    _type_cell(qtbot, stores, 1, "cash_account", "_SYS00000000102")
    form.tabs.setCurrentIndex(1)
    tenders = form.grids["tenders"]
    _choose_means(qtbot, tenders, 0, "Cash")
    model = tenders.mapping_model
    assert model.index(0, len(model.columns)).data() == (
        "Mapped: each store's cash account: NYC → _SYS00000000101, CHI → _SYS00000000102"
    )
    press(qtbot, form.mode_button)
    assert form.mode_button.text() == "OK"
