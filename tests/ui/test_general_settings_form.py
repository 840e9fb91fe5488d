"""General Settings form: Choose From List on code fields, validation, saved values come back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.store import Database, Template
from app.ui.forms.general_settings import GeneralSettingsForm
from app.ui.lists import CodeName, ListKind
from app.ui.main_window import MainWindow
from app.ui.widgets.cfl import ChooseFromListDialog, CodeField
from app.ui.widgets.marks import is_invalid
from tests.support.sandbox_lists import SandboxCompanyLists
from tests.ui.helpers import close_form, open_from_tree, press, type_into


def _open(qtbot: QtBot, window: MainWindow) -> GeneralSettingsForm:
    form = open_from_tree(qtbot, window, "general_settings")
    assert isinstance(form, GeneralSettingsForm)
    return form


def _dialog(qtbot: QtBot, field: CodeField) -> ChooseFromListDialog:
    qtbot.waitUntil(lambda: field.dialog is not None and field.dialog.isVisible())
    dialog = field.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.reading)
    return dialog


def test_shift_f2_opens_the_list_and_enter_picks(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    form.cash_account.edit.setFocus()
    qtbot.keyClick(form.cash_account.edit, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(qtbot, form.cash_account)
    assert dialog.windowTitle() == "List of G/L Accounts"
    assert "Sandbox company" in dialog.origin.text()
    qtbot.keyClicks(dialog.find_box, "Chicago")
    assert dialog.proxy.rowCount() == 1
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.cash_account.dialog is None)
    assert form.cash_account.text() == "_SYS00000000102"
    assert form.mode_button.text() == "Update"


def test_tab_in_an_empty_code_field_opens_the_list(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    form.default_price_list.edit.setFocus()
    qtbot.keyClick(form.default_price_list.edit, Qt.Key.Key_Tab)
    dialog = _dialog(qtbot, form.default_price_list)
    assert [dialog.model.row_at(r).name for r in range(dialog.model.rowCount())] == [
        "Retail Price List",
        "Wholesale Price List",
    ]
    dialog.grid.selectRow(1)
    qtbot.keyClick(dialog.grid, Qt.Key.Key_Return)
    assert form.default_price_list.text() == "2"


def test_settings_are_saved_and_shown_again(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.default_price_list.edit, "1")
    type_into(qtbot, form.default_cash_customer.edit, "C-WALKIN")
    type_into(qtbot, form.default_payment_terms, "3")
    type_into(qtbot, form.exempt_tax_code.edit, "EX")
    type_into(qtbot, form.cash_account.edit, "_SYS00000000101")
    type_into(qtbot, form.branch_id, "1")
    type_into(qtbot, form.new_customer_group.edit, "101")
    type_into(qtbot, form.new_customer_code_prefix, "TG-")
    type_into(qtbot, form.default_currency.edit, "usd")
    press(qtbot, form.mode_button)
    assert window.messenger.last == ("success", "Operation completed successfully")
    close_form(qtbot, window, "general_settings")

    again = _open(qtbot, window)
    assert again.default_price_list.text() == "1"
    assert again.default_cash_customer.text() == "C-WALKIN"
    assert again.default_currency.text() == "USD"
    assert again.new_customer_code_prefix.text() == "TG-"
    with database.session() as session:
        t = session.get(Template, template_id)
        assert t is not None
        assert (t.default_price_list, t.default_payment_terms, t.new_customer_group) == (1, 3, 101)
        assert t.cash_account == "_SYS00000000101"


def test_wrong_input_is_refused_and_highlighted(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.default_price_list.edit, "Retail")
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "error"
    assert "default price list must be a number" in window.status_line.text()
    assert is_invalid(form.default_price_list)
    type_into(qtbot, form.default_price_list.edit, "1")
    assert not is_invalid(form.default_price_list)
    type_into(qtbot, form.default_currency.edit, "DOLLAR")
    press(qtbot, form.mode_button)
    assert "three-letter code" in window.status_line.text()
    with database.session() as session:
        t = session.get(Template, template_id)
        assert t is not None and t.default_price_list is None


def test_cancel_with_edits_asks_and_keeps_the_form_on_no(
    qtbot: QtBot, window: MainWindow, template_id: int, modals: object
) -> None:
    from PySide6.QtWidgets import QMessageBox

    form = _open(qtbot, window)
    type_into(qtbot, form.branch_id, "7")
    modals.answer = QMessageBox.StandardButton.No  # type: ignore[attr-defined]
    press(qtbot, form.cancel_button)
    assert window.form_window("general_settings") is not None
    modals.answer = QMessageBox.StandardButton.Yes  # type: ignore[attr-defined]
    press(qtbot, form.cancel_button)
    qtbot.waitUntil(lambda: window.form_window("general_settings") is None)


class _BrokenLists(SandboxCompanyLists):
    """A list source whose reads fail, as a live SAP read can."""

    def rows(self, kind: ListKind, template_id: int | None) -> list[CodeName]:
        raise ConnectionError("Service Layer unreachable")


def test_a_list_that_cannot_be_read_is_reported(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    window.context.services.lists = _BrokenLists()
    form = _open(qtbot, window)
    form.cash_account.edit.setFocus()
    qtbot.keyClick(form.cash_account.edit, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: form.cash_account.dialog is None)
    assert window.messenger.last == (
        "error",
        "List of G/L Accounts could not be read: Service Layer unreachable",
    )


def test_ok_and_escape_close_a_clean_form(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    press(qtbot, form.mode_button)
    qtbot.waitUntil(lambda: window.form_window("general_settings") is None)
    form = _open(qtbot, window)
    form.branch_id.setFocus()
    qtbot.keyClick(form.branch_id, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.form_window("general_settings") is None)
