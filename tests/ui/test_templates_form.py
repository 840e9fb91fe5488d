"""Templates form: add, rename with secrets, copy without secrets, remove with a full warning."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app import secrets
from app.secrets import SecretKind
from app.store import Database, Link, Run, Schedule, StoreMapping, SyncMark, Template
from app.ui.data.templates import list_templates
from app.ui.forms.connections import ConnectionsForm
from app.ui.forms.templates import TemplatesForm
from app.ui.main_window import MainWindow
from app.ui.widgets.marks import is_invalid
from tests.ui.conftest import Modals
from tests.ui.helpers import open_from_tree, press, type_into


def _templates(qtbot: QtBot, window: MainWindow) -> TemplatesForm:
    form = open_from_tree(qtbot, window, "templates")
    assert isinstance(form, TemplatesForm)
    return form


def test_zero_templates_shows_a_hint_and_add_creates_one(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    form = _templates(qtbot, window)
    assert form.hint.isVisible()
    assert not form.remove_button.isEnabled()
    type_into(qtbot, form.name, "Downtown")
    press(qtbot, form.add_button)
    assert [t.name for t in list_templates(database)] == ["Downtown"]
    assert not form.hint.isVisible()
    assert form.selected() is not None and form.selected().name == "Downtown"  # type: ignore[union-attr]
    assert window.status_line.kind() == "success"


def test_empty_and_duplicate_names_are_refused(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    form = _templates(qtbot, window)
    type_into(qtbot, form.name, "   ")
    press(qtbot, form.add_button)
    assert window.messenger.last == ("error", "Enter a template name.")
    assert is_invalid(form.name)
    type_into(qtbot, form.name, "main store")
    assert not is_invalid(form.name)
    press(qtbot, form.add_button)
    assert window.status_line.kind() == "error"
    assert "already exists" in window.status_line.text()
    assert len(list_templates(database)) == 1


def test_rename_moves_the_secrets(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    secrets.set_secret("Main Store", SecretKind.SAP_PASSWORD, "s3cret")
    secrets.set_secret("Main Store", SecretKind.TAGRAIN_API_KEY, "tg_key")
    form = _templates(qtbot, window)
    form.select_template("Main Store")
    type_into(qtbot, form.name, "Uptown")
    press(qtbot, form.rename_button)
    assert [t.name for t in list_templates(database)] == ["Uptown"]
    assert secrets.get_secret("Uptown", SecretKind.SAP_PASSWORD) == "s3cret"
    assert secrets.get_secret("Uptown", SecretKind.TAGRAIN_API_KEY) == "tg_key"
    assert secrets.get_secret("Main Store", SecretKind.SAP_PASSWORD) is None
    assert window.status_line.text() == "Template 'Main Store' renamed to 'Uptown'."


def test_copy_takes_settings_and_mappings_not_secrets(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    with database.session() as session:
        t = session.get(Template, template_id)
        assert t is not None
        t.sap_url = "https://sap.example.com/b1s"
        t.cash_account = "_SYS00000000101"
        t.store_mappings.append(StoreMapping(store_id="NYC", warehouse_code="NY"))
    secrets.set_secret("Main Store", SecretKind.SAP_PASSWORD, "s3cret")
    form = _templates(qtbot, window)
    form.select_template("Main Store")
    type_into(qtbot, form.name, "Second Store")
    press(qtbot, form.copy_button)
    with database.session() as session:
        copy = session.query(Template).filter_by(name="Second Store").one()
        assert copy.sap_url == "https://sap.example.com/b1s"
        assert copy.cash_account == "_SYS00000000101"
        assert [(m.store_id, m.warehouse_code) for m in copy.store_mappings] == [("NYC", "NY")]
    assert secrets.get_secret("Second Store", SecretKind.SAP_PASSWORD) is None
    assert form.selected().name == "Second Store"  # type: ignore[union-attr]


def test_remove_says_what_is_lost_and_needs_a_yes(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int, modals: Modals
) -> None:
    now = datetime.now(UTC)
    with database.session() as session:
        session.add_all(
            [
                SyncMark(kind="item", sap_key="A00001", template_id=template_id),
                SyncMark(kind="customer", sap_key="C000001", template_id=template_id),
                Schedule(template_id=template_id, object="sales"),
                Link(template_id=template_id, object="sales", tagrain_id="s1", sap_key="1"),
                Run(template_id=template_id, object="sales", trigger="manual", started_at=now),
            ]
        )
    secrets.set_secret("Main Store", SecretKind.SAP_PASSWORD, "s3cret")
    form = _templates(qtbot, window)
    form.select_template("Main Store")

    modals.answer = QMessageBox.StandardButton.No
    press(qtbot, form.remove_button)
    assert len(list_templates(database)) == 1
    assert "2 sync marks, 1 schedule, 1 link, 1 run of history" in modals.questions[-1]

    modals.answer = QMessageBox.StandardButton.Yes
    press(qtbot, form.remove_button)
    assert list_templates(database) == []
    with database.session() as session:
        assert session.query(SyncMark).count() == 0
        assert session.query(Run).count() == 0
    assert secrets.get_secret("Main Store", SecretKind.SAP_PASSWORD) is None
    assert window.status_line.kind() == "success"


def test_other_open_forms_follow_template_changes(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    connections = open_from_tree(qtbot, window, "connections")
    assert isinstance(connections, ConnectionsForm)
    form = _templates(qtbot, window)
    type_into(qtbot, form.name, "Airport")
    press(qtbot, form.add_button)
    names = [
        connections.template_combo.itemText(i) for i in range(connections.template_combo.count())
    ]
    assert names == ["Airport", "Main Store"]
    assert connections.template_id == template_id
