"""Test connection: the injected checker runs on a worker thread with the form's values.

What the form shows is tested, saved or not (a typed secret included, never
stored by the test); the outcome is coloured; the focus stays where it was.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.secrets import SecretKind, get_secret
from app.store import Database, Template
from app.ui.connection_check import ConnectionDraft, ConnectionReport
from app.ui.context import Services
from app.ui.forms.connections import ConnectionsForm
from app.ui.main_window import MainWindow
from tests.ui.helpers import close_form, open_from_tree, press, type_into


def _open(qtbot: QtBot, window: MainWindow) -> ConnectionsForm:
    form = open_from_tree(qtbot, window, "connections")
    assert isinstance(form, ConnectionsForm)
    return form


@pytest.fixture
def checker_threads() -> list[str]:
    return []


@pytest.fixture
def drafts() -> list[ConnectionDraft]:
    return []


@pytest.fixture
def services(checker_threads: list[str], drafts: list[ConnectionDraft]) -> Services:
    def sap(template_id: int, draft: ConnectionDraft) -> ConnectionReport:
        checker_threads.append(threading.current_thread().name)
        drafts.append(draft)
        return ConnectionReport(True, f"Logged in to SBODEMOUS (template {template_id}).")

    def tagrain(_template_id: int, draft: ConnectionDraft) -> ConnectionReport:
        drafts.append(draft)
        raise RuntimeError("connection refused")

    return Services(sap_checker=sap, tagrain_checker=tagrain)


def test_test_connection_runs_the_checker_on_a_worker(
    qtbot: QtBot, window: MainWindow, template_id: int, checker_threads: list[str]
) -> None:
    form = _open(qtbot, window)
    assert form.test_sap.isEnabled()
    press(qtbot, form.test_sap)
    qtbot.waitUntil(lambda: form.tests_running() == 0)
    assert checker_threads and checker_threads[0] != threading.main_thread().name
    assert window.messenger.last == (
        "success",
        f"SAP Business One: Logged in to SBODEMOUS (template {template_id}).",
    )
    assert form.test_sap.isEnabled()

    press(qtbot, form.test_tagrain)
    qtbot.waitUntil(lambda: form.tests_running() == 0)
    assert window.messenger.last == ("error", "Tagrain: Connection test failed: connection refused")


def test_test_connection_tests_the_unsaved_values_without_saving_them(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    drafts: list[ConnectionDraft],
    database: Database,
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.sap_url, "https://sap.example.com:50000/b1s")
    type_into(qtbot, form.sap_company_db, "SBOSTORE")
    type_into(qtbot, form.sap_user, "cashier")
    type_into(qtbot, form.sap_password, "typed-secret")
    type_into(qtbot, form.tagrain_api_key, "tg_typed_key")
    press(qtbot, form.test_sap)
    qtbot.waitUntil(lambda: form.tests_running() == 0)
    assert window.messenger.last[0] == "success"
    draft = drafts[-1]
    assert (draft.sap_url, draft.sap_company_db, draft.sap_user) == (
        "https://sap.example.com:50000/b1s",
        "SBOSTORE",
        "cashier",
    )
    assert draft.sap_password == "typed-secret"
    assert "typed-secret" not in repr(draft)
    assert form.mode_button.text() == "Update"
    with database.session() as session:
        stored = session.get_one(Template, template_id)
        assert (stored.sap_url, stored.sap_user) == ("", "")
    assert get_secret("Main Store", SecretKind.SAP_PASSWORD) is None

    press(qtbot, form.test_tagrain)
    qtbot.waitUntil(lambda: form.tests_running() == 0)
    assert drafts[-1].tagrain_api_key == "tg_typed_key"


def test_a_bad_url_is_refused_on_its_field_before_testing(
    qtbot: QtBot, window: MainWindow, template_id: int, drafts: list[ConnectionDraft]
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.sap_url, "sap server")
    press(qtbot, form.test_sap)
    assert window.status_line.kind() == "error"
    assert form.sap_url.hasFocus()
    assert drafts == []


def test_the_focus_stays_where_it_was_after_a_test(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.tagrain_url, "http://127.0.0.1:8766/api/v1")
    press(qtbot, form.test_sap)
    assert form.test_sap.hasFocus()
    qtbot.waitUntil(lambda: form.tests_running() == 0)
    assert form.test_sap.hasFocus()
    assert not form.tagrain_url.hasSelectedText()
    assert form.test_sap.text() == "Test Connection"

    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClicks(focused, "x")
    assert form.tagrain_url.text() == "http://127.0.0.1:8766/api/v1"

    form.test_sap.setFocus()
    qtbot.keyClick(form.test_sap, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: form.tests_running() == 0)
    assert form.test_sap.hasFocus()


def test_closing_the_form_during_a_test_is_safe(
    qtbot: QtBot, window: MainWindow, template_id: int, services: Services
) -> None:
    release = threading.Event()
    original = services.sap_checker
    assert original is not None

    def slow(template: int, draft: ConnectionDraft) -> ConnectionReport:
        release.wait(5)
        return original(template, draft)

    form = _open(qtbot, window)
    form.test_sap.clicked.disconnect()
    form.test_sap.clicked.connect(lambda: form.start_test(form.test_sap, slow, "SAP Business One"))
    press(qtbot, form.test_sap)
    close_form(qtbot, window, "connections")
    release.set()
    qtbot.waitUntil(lambda: window.status_line.kind() == "success")
    assert window.status_line.text().startswith("SAP Business One: Logged in")
