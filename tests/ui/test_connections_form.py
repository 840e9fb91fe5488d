"""Connections form: fields saved and shown again, secrets kept in the keyring, URL checks."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app import credentials, secrets
from app.credentials import Credentials, StaticCredentials
from app.secrets import SecretKind
from app.store import Database, Template
from app.ui.forms.connections import HANDED_OVER, NO_CHECKER_TIP, STORED, ConnectionsForm
from app.ui.main_window import MainWindow
from app.ui.widgets.marks import is_invalid
from tests.ui.conftest import Modals
from tests.ui.helpers import close_form, open_from_tree, press, type_into


def _open(qtbot: QtBot, window: MainWindow) -> ConnectionsForm:
    form = open_from_tree(qtbot, window, "connections")
    assert isinstance(form, ConnectionsForm)
    return form


def test_without_templates_the_form_says_what_to_do(qtbot: QtBot, window: MainWindow) -> None:
    form = _open(qtbot, window)
    assert form.hint.isVisible()
    assert "Templates" in form.hint.text()
    assert not form.content.isEnabled()


def test_fields_are_saved_and_shown_again(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int, modals: Modals
) -> None:
    form = _open(qtbot, window)
    assert form.mode_button.text() == "OK"
    type_into(qtbot, form.sap_url, "https://sap.example.com:50000/b1s")
    assert form.mode_button.text() == "Update"
    form.sap_version.setCurrentText("v1")
    type_into(qtbot, form.sap_company_db, "SBODEMOUS")
    type_into(qtbot, form.sap_user, "manager")
    type_into(qtbot, form.sap_password, "pa55word")
    modals.open_file = "/etc/ssl/company-ca.pem"
    form.browse_ca_file()
    type_into(qtbot, form.tagrain_url, "https://api.tagrain.example/v1")
    type_into(qtbot, form.tagrain_api_key, "tg_live_key")
    press(qtbot, form.mode_button)
    assert window.messenger.last == ("success", "Operation completed successfully")
    assert form.mode_button.text() == "OK"
    assert form.sap_password.text() == ""
    close_form(qtbot, window, "connections")

    again = _open(qtbot, window)
    assert again.sap_url.text() == "https://sap.example.com:50000/b1s"
    assert again.sap_version.currentText() == "v1"
    assert again.sap_company_db.text() == "SBODEMOUS"
    assert again.sap_user.text() == "manager"
    assert again.sap_ca_file.text() == "/etc/ssl/company-ca.pem"
    assert again.tagrain_url.text() == "https://api.tagrain.example/v1"
    assert again.sap_password.text() == ""
    assert again.sap_password.placeholderText() == STORED
    assert secrets.get_secret("Main Store", SecretKind.SAP_PASSWORD) == "pa55word"
    assert secrets.get_secret("Main Store", SecretKind.TAGRAIN_API_KEY) == "tg_live_key"
    with database.session() as session:
        stored = session.get(Template, template_id)
        assert stored is not None and stored.sap_version == "v1"


def test_empty_secret_field_keeps_the_stored_secret(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    secrets.set_secret("Main Store", SecretKind.SAP_PASSWORD, "old")
    form = _open(qtbot, window)
    type_into(qtbot, form.sap_url, "https://sap.example.com/b1s")
    type_into(qtbot, form.sap_company_db, "SBODEMOUS")
    type_into(qtbot, form.sap_user, "someone")
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "success"
    assert secrets.get_secret("Main Store", SecretKind.SAP_PASSWORD) == "old"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sap_url", "ftp://sap.example.com", "must start with http:// or https://"),
        ("sap_url", "https://", "has no host name"),
        ("tagrain_url", "api.tagrain.example", "must start with http:// or https://"),
    ],
)
def test_wrong_urls_are_refused(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    template_id: int,
    field: str,
    value: str,
    message: str,
) -> None:
    form = _open(qtbot, window)
    edit = getattr(form, field)
    type_into(qtbot, edit, value)
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "error"
    assert message in window.status_line.text()
    assert is_invalid(edit)
    assert form.mode_button.text() == "Update"
    with database.session() as session:
        stored = session.get(Template, template_id)
        assert stored is not None and getattr(stored, field) == ""


def test_test_buttons_are_disabled_without_a_checker(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    assert not form.test_sap.isEnabled()
    assert form.test_sap.toolTip() == NO_CHECKER_TIP
    assert not form.test_tagrain.isEnabled()


def test_a_partly_filled_sap_side_is_refused(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.sap_url, "https://sap.example.com/b1s")
    type_into(qtbot, form.sap_company_db, "SBODEMOUS")
    press(qtbot, form.mode_button)
    assert window.messenger.last == (
        "error",
        "Enter the SAP user name: the SAP connection needs it.",
    )
    assert is_invalid(form.sap_user)


def test_an_api_key_needs_its_url(qtbot: QtBot, window: MainWindow, template_id: int) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.tagrain_api_key, "tg_key")
    press(qtbot, form.mode_button)
    assert window.status_line.kind() == "error"
    assert is_invalid(form.tagrain_url)
    assert secrets.get_secret("Main Store", SecretKind.TAGRAIN_API_KEY) is None


def test_secrets_handed_over_by_the_sandbox_say_so_and_others_come_from_the_keyring(
    qtbot: QtBot, window: MainWindow, database: Database, template_id: int
) -> None:
    with database.session() as session:
        stored = session.get(Template, template_id)
        assert stored is not None
        name = stored.name
    handed = credentials.register(StaticCredentials({name: Credentials("pw-1234", "tg_key")}))
    form = _open(qtbot, window)
    assert form.sap_password.placeholderText() == HANDED_OVER
    assert form.tagrain_api_key.placeholderText() == HANDED_OVER
    close_form(qtbot, window, "connections")
    credentials.unregister(handed)
    secrets.set_secret(name, SecretKind.SAP_PASSWORD, "pw-1234")
    form = _open(qtbot, window)
    assert form.sap_password.placeholderText() == STORED
