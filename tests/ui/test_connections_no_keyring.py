"""Connections on a machine without a keyring: said plainly, with what to install.

The sandbox template's secrets are handed over by the sandbox this client
started; a real template's cannot be kept, and the form says so instead of
leaving the sandbox's words in its fields or a red error over a save that
worked.
"""

from __future__ import annotations

from collections.abc import Callable

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from app import secrets
from app.sandbox.template import SANDBOX_TEMPLATE, hand_over_credentials
from app.store import Database, Template
from app.ui.data.templates import add_template
from app.ui.forms.connections import CANNOT_KEEP, HANDED_OVER, ConnectionsForm
from app.ui.main_window import MainWindow
from app.ui.widgets.marks import is_invalid
from tests.ui.helpers import open_from_tree, press, type_into

SIZES = [pytest.param((1366, 768), id="1366x768"), pytest.param((1920, 1080), id="1920x1080")]


@pytest.fixture
def no_keyring() -> None:
    """This machine has no usable keyring (the conftest puts the memory one back)."""
    keyring.set_keyring(fail.Keyring())


def _templates(database: Database) -> tuple[int, int]:
    sandbox = add_template(database, SANDBOX_TEMPLATE)
    with database.session() as session:
        session.get_one(Template, sandbox).is_sandbox = True
    hand_over_credentials(SANDBOX_TEMPLATE)
    return sandbox, add_template(database, "Store West")


def _open(qtbot: QtBot, window: MainWindow, template_id: int) -> ConnectionsForm:
    form = open_from_tree(qtbot, window, "connections")
    assert isinstance(form, ConnectionsForm)
    form.choose_template(template_id)
    return form


@pytest.mark.parametrize("size", SIZES)
def test_a_real_template_says_secrets_cannot_be_kept_and_what_to_install(
    qtbot: QtBot,
    database: Database,
    make_window: Callable[[], MainWindow],
    no_keyring: None,
    size: tuple[int, int],
) -> None:
    sandbox, real = _templates(database)
    window = make_window()
    window.resize(*size)
    form = _open(qtbot, window, sandbox)
    assert form.sap_password.placeholderText() == HANDED_OVER
    assert not form.keyring_note.isVisible()

    form.choose_template(real)
    for field in (form.sap_password, form.tagrain_api_key):
        assert field.placeholderText() == CANNOT_KEEP
        assert "sandbox" not in field.placeholderText()
    assert form.keyring_note.isVisible()
    note = form.keyring_note.text()
    assert note.startswith("Passwords and API keys cannot be kept on this machine")
    assert "GNOME Keyring" in note and "KWallet" in note
    assert not form.keyring_note.visibleRegion().isEmpty()
    assert window.status_line.kind() != "error"

    type_into(qtbot, form.sap_user, "manager")
    type_into(qtbot, form.sap_url, "https://sap.example.com:50000/b1s")
    type_into(qtbot, form.sap_company_db, "SBODEMOUS")
    press(qtbot, form.mode_button)
    assert window.messenger.last == ("success", "Operation completed successfully")
    assert form.mode_button.text() == "OK"
    assert form.keyring_note.isVisible()
    with database.session() as session:
        assert session.get_one(Template, real).sap_user == "manager"


def test_a_typed_password_without_a_keyring_is_refused_on_its_field(
    qtbot: QtBot, database: Database, make_window: Callable[[], MainWindow], no_keyring: None
) -> None:
    _sandbox, real = _templates(database)
    window = make_window()
    form = _open(qtbot, window, real)
    type_into(qtbot, form.sap_user, "manager")
    type_into(qtbot, form.sap_url, "https://sap.example.com:50000/b1s")
    type_into(qtbot, form.sap_company_db, "SBODEMOUS")
    type_into(qtbot, form.sap_password, "pa55word")
    press(qtbot, form.mode_button)
    kind, text = window.messenger.last
    assert kind == "error"
    assert text.startswith("Passwords and API keys cannot be kept on this machine")
    assert "Nothing was saved" in text
    assert is_invalid(form.sap_password)
    assert form.mode_button.text() == "Update"
    with database.session() as session:
        assert session.get_one(Template, real).sap_user == ""


def test_the_advice_names_what_each_system_uses() -> None:
    assert "Credential Manager" in secrets.keyring_advice("win32")
    assert "Keychain" in secrets.keyring_advice("darwin")
    linux = secrets.keyring_advice("linux")
    assert "GNOME Keyring" in linux and "KWallet" in linux and "admin-guide" in linux
