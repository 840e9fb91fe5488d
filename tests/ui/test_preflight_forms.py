"""General Settings and Mappings check their SAP codes against the live SAP sandbox.

Tab in a code field checks the typed code (unknown: the Choose From List
opens, filtered by it); Update runs the run's pre-flight on a worker and an
unknown code refuses the save on its field, with nothing stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QLineEdit
from pytestqt.qtbot import QtBot

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, ExpenseMapping, StoreMapping, Template, TenderMapping
from app.ui.code_check import LiveCodeCheck
from app.ui.context import Services
from app.ui.forms.general_settings import GeneralSettingsForm
from app.ui.forms.mappings import MappingsForm
from app.ui.forms.save_check import CHECKING
from app.ui.main_window import MainWindow
from app.ui.widgets.cfl import ChooseFromListDialog, CodeField
from app.ui.widgets.marks import is_invalid
from tests.ui.helpers import open_from_tree, press, type_into

SMALL = SandboxScale(customers=30, items=20, tagrain_customers=5, sales=2, refunds=1, expenses=1)
COMPANY = demo.COMPANY_DB


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    """Fresh loopback SAP and Tagrain sandboxes."""
    running = start_sandboxes(SandboxOptions(scale=SMALL))
    yield running
    running.stop()


@pytest.fixture
def sandbox_id(database: Database, sandboxes: RunningSandboxes) -> int:
    """The Sandbox template on these sandboxes."""
    return ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)


@pytest.fixture
def services(database: Database) -> Services:
    """The client's own wiring: lists read live, codes checked live in SAP."""
    return Services(code_check=LiveCodeCheck(database))


def _settings(qtbot: QtBot, window: MainWindow, template: int) -> GeneralSettingsForm:
    form = open_from_tree(qtbot, window, "general_settings")
    assert isinstance(form, GeneralSettingsForm)
    form.choose_template(template)
    return form


def _dialog(qtbot: QtBot, field: CodeField) -> ChooseFromListDialog:
    qtbot.waitUntil(lambda: field.dialog is not None and field.dialog.isVisible(), timeout=10_000)
    dialog = field.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)
    return dialog


def _stored(database: Database, template: int, name: str) -> object:
    with database.session() as session:
        return getattr(session.get_one(Template, template), name)


def _update(qtbot: QtBot, form: GeneralSettingsForm | MappingsForm) -> None:
    press(qtbot, form.mode_button)
    qtbot.waitUntil(lambda: not form.save_check.running, timeout=15_000)


def test_tab_on_an_unknown_code_opens_the_list_filtered_by_it(
    qtbot: QtBot, sandbox_id: int, window: MainWindow
) -> None:
    form = _settings(qtbot, window, sandbox_id)
    type_into(qtbot, form.default_cash_customer.edit, "C-WALK")
    qtbot.keyClick(form.default_cash_customer.edit, Qt.Key.Key_Tab)
    dialog = _dialog(qtbot, form.default_cash_customer)
    assert dialog.windowTitle() == "List of Business Partners"
    assert dialog.find_box.text() == "C-WALK"
    assert dialog.proxy.rowCount() == 1
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.default_cash_customer.dialog is None)
    assert form.default_cash_customer.text() == demo.WALK_IN_CUSTOMER
    assert form.mode_button.text() == "Update"


def test_tab_on_a_known_code_shows_its_name_and_moves_on(
    qtbot: QtBot, sandbox_id: int, window: MainWindow
) -> None:
    form = _settings(qtbot, window, sandbox_id)
    type_into(qtbot, form.default_price_list.edit, "2")
    qtbot.keyClick(form.default_price_list.edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: form.default_price_list.checking is None, timeout=10_000)
    qtbot.waitUntil(lambda: not form.default_price_list.edit.hasFocus())
    assert form.default_cash_customer.edit.hasFocus()
    assert form.default_price_list.dialog is None
    assert form.default_price_list.edit.toolTip() == demo.PRICE_LISTS[1][1]


def test_update_with_an_unknown_price_list_is_refused_and_nothing_saved(
    qtbot: QtBot, sandbox_id: int, window: MainWindow, database: Database
) -> None:
    form = _settings(qtbot, window, sandbox_id)
    type_into(qtbot, form.default_price_list.edit, "99")
    type_into(qtbot, form.new_customer_code_prefix, "XX")
    press(qtbot, form.mode_button)
    assert window.messenger.last == ("info", CHECKING)
    assert not form.mode_button.isEnabled()
    qtbot.waitUntil(lambda: not form.save_check.running, timeout=15_000)
    assert window.status_line.kind() == "error"
    assert window.status_line.text() == (
        f"General Settings → Default Price List: '99' is not a price list in SAP company {COMPANY}"
    )
    assert is_invalid(form.default_price_list)
    assert form.default_price_list.edit.hasFocus()
    assert form.mode_button.text() == "Update" and form.mode_button.isEnabled()
    assert _stored(database, sandbox_id, "default_price_list") == demo.PRICE_LISTS[0][0]
    assert _stored(database, sandbox_id, "new_customer_code_prefix") == "TG"

    type_into(qtbot, form.default_price_list.edit, "2")
    _update(qtbot, form)
    assert window.messenger.last == ("success", "Operation completed successfully")
    assert _stored(database, sandbox_id, "default_price_list") == 2
    assert _stored(database, sandbox_id, "new_customer_code_prefix") == "XX"


def test_when_sap_cannot_be_asked_the_settings_are_saved_with_a_warning(
    qtbot: QtBot, sandbox_id: int, window: MainWindow, database: Database
) -> None:
    form = _settings(qtbot, window, sandbox_id)
    with database.session() as session:
        session.get_one(Template, sandbox_id).sap_url = "https://127.0.0.1:9/b1s"
    type_into(qtbot, form.default_cash_customer.edit, "NOSUCHCUST")
    _update(qtbot, form)
    kind, text = window.messenger.last
    assert kind == "warning"
    assert text.startswith("Saved without checking the codes: SAP Business One could not be asked")
    assert "Each sync run checks them before posting anything." in text
    assert _stored(database, sandbox_id, "default_cash_customer") == "NOSUCHCUST"


def test_mappings_update_with_an_unknown_warehouse_is_refused_on_its_cell(
    qtbot: QtBot, sandbox_id: int, window: MainWindow, database: Database
) -> None:
    form = _mappings(qtbot, window, sandbox_id)
    model = form.models["stores"]
    column = [c.attribute for c in model.columns].index("warehouse_code")
    row = next(n for n, r in enumerate(model.rows()) if r.warehouse_code)
    store_id, before = model.rows()[row].store_id, model.rows()[row].warehouse_code
    form.tabs.setCurrentIndex(2)
    model.setData(model.index(row, column), "99")
    _update(qtbot, form)
    assert window.status_line.kind() == "error"
    assert window.status_line.text().startswith("Mappings → Stores ↔ Warehouses, store ")
    assert window.status_line.text().endswith(
        f": warehouse '99' does not exist in SAP company {COMPANY}"
    )
    assert form.tabs.currentIndex() == 0
    current = form.grids["stores"].currentIndex()
    assert (current.row(), current.column()) == (row, column)
    with database.session() as session:
        stored = session.query(StoreMapping).filter_by(store_id=store_id).one()
        assert stored.warehouse_code == before


def _mappings(qtbot: QtBot, window: MainWindow, template: int) -> MappingsForm:
    form = open_from_tree(qtbot, window, "mappings")
    assert isinstance(form, MappingsForm)
    form.choose_template(template)
    qtbot.waitUntil(lambda: not form.reading, timeout=15_000)
    return form


def _tab_out_of_cell(qtbot: QtBot, form: MappingsForm, row: int, attribute: str, text: str) -> None:
    grid = form.grids["stores"]
    index = grid.mapping_model.index(row, grid.mapping_model.column_of(attribute))
    grid.setFocus()
    grid.setCurrentIndex(index)
    grid.edit(index)
    editors = [e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState)
    qtbot.waitUntil(lambda: grid.checking is None, timeout=10_000)


def test_tab_out_of_a_mapping_cell_checks_the_code(
    qtbot: QtBot, sandbox_id: int, window: MainWindow
) -> None:
    form = _mappings(qtbot, window, sandbox_id)
    grid = form.grids["stores"]
    model = grid.mapping_model
    _tab_out_of_cell(qtbot, form, 0, "warehouse_code", "CHI")
    assert grid.dialog is None
    current = grid.currentIndex()
    assert (current.row(), current.column()) == (0, model.column_of("cash_account"))

    _tab_out_of_cell(qtbot, form, 0, "warehouse_code", "Denver")
    qtbot.waitUntil(lambda: grid.dialog is not None and grid.dialog.isVisible(), timeout=10_000)
    dialog = grid.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)
    assert dialog.find_box.text() == "Denver"
    assert dialog.proxy.rowCount() == 1
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.dialog is None)
    assert model.rows()[0].warehouse_code == "DEN"


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_list_opened_by_tab_fits_the_window(
    qtbot: QtBot,
    sandbox_id: int,
    window: MainWindow,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    window.resize(*size)
    form = _settings(qtbot, window, sandbox_id)
    type_into(qtbot, form.cash_account.edit, "_SYS0000000010")
    qtbot.keyClick(form.cash_account.edit, Qt.Key.Key_Tab)
    dialog = _dialog(qtbot, form.cash_account)
    assert dialog.proxy.rowCount() > 1
    frame = window.frameGeometry()
    shown = dialog.frameGeometry()
    assert shown.width() <= frame.width() and shown.height() <= frame.height()
    assert dialog.grid.isVisible() and dialog.find_box.isVisible()
    assert form.cash_account.edit.visibleRegion().boundingRect().width() >= 80
    picture = _render_with_dialog(window, dialog)
    target = Path(os.environ.get("PREFLIGHT_SHOTS", str(tmp_path)))
    target.mkdir(parents=True, exist_ok=True)
    assert picture.save(str(target / f"general-settings-cfl-{size[0]}x{size[1]}.png"))
    dialog.reject()


def _render_with_dialog(window: MainWindow, dialog: ChooseFromListDialog) -> QPixmap:
    """The main window with the list painted where it stands (offscreen has no compositor)."""
    picture = window.grab()
    painter = QPainter(picture)
    corner = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter.drawPixmap(corner, dialog.grab())
    painter.end()
    return picture


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_sandbox_mappings_save_with_the_cash_tender_on_each_stores_till(
    qtbot: QtBot, sandbox_id: int, window: MainWindow, database: Database, size: tuple[int, int]
) -> None:
    window.resize(*size)
    form = _mappings(qtbot, window, sandbox_id)
    tenders = form.models["tenders"]
    cash = next(n for n, r in enumerate(tenders.rows()) if r.tender_type == "cash")
    status = tenders.index(cash, len(tenders.columns))
    assert status.data() == (
        "Mapped: each store's cash account: "
        "NYC → _SYS00000000101, CHI → _SYS00000000102, DEN → _SYS00000000103, "
        "LAX → _SYS00000000104"
    )
    form.tabs.setCurrentIndex(2)
    grid = form.grids["expenses"]
    model = grid.mapping_model
    row = next(n for n, r in enumerate(model.rows()) if r.category == "donations")
    index = model.index(row, model.column_of("account_code"))
    grid.setFocus()
    grid.setCurrentIndex(index)
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    editors = [e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    qtbot.keyClicks(editors[0], "_SYS00000000690")
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState)
    qtbot.waitUntil(lambda: grid.checking is None, timeout=10_000)
    _update(qtbot, form)
    assert window.messenger.last[0] != "error", window.messenger.last
    assert form.mode_button.text() == "OK"
    with database.session() as session:
        saved = session.query(ExpenseMapping).filter_by(template_id=sandbox_id)
        assert {m.category: m.account_code for m in saved}["donations"] == "_SYS00000000690"
        stored_cash = session.query(TenderMapping).filter_by(
            template_id=sandbox_id, tender_type="cash"
        )
        assert stored_cash.one().account_code is None
