"""Test connection: the injected checker runs on a worker thread; the outcome is coloured."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from app.ui.connection_check import ConnectionReport
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
def services(checker_threads: list[str]) -> Services:
    def sap(template_id: int) -> ConnectionReport:
        checker_threads.append(threading.current_thread().name)
        return ConnectionReport(True, f"Logged in to SBODEMOUS (template {template_id}).")

    def tagrain(_template_id: int) -> ConnectionReport:
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


def test_test_connection_asks_to_save_first(
    qtbot: QtBot, window: MainWindow, template_id: int, checker_threads: list[str]
) -> None:
    form = _open(qtbot, window)
    type_into(qtbot, form.sap_user, "changed")
    press(qtbot, form.test_sap)
    assert window.status_line.kind() == "warning"
    assert checker_threads == []


def test_closing_the_form_during_a_test_is_safe(
    qtbot: QtBot, window: MainWindow, template_id: int, services: Services
) -> None:
    release = threading.Event()
    original = services.sap_checker
    assert original is not None

    def slow(template: int) -> ConnectionReport:
        release.wait(5)
        return original(template)

    form = _open(qtbot, window)
    form.test_sap.clicked.disconnect()
    form.test_sap.clicked.connect(lambda: form.start_test(form.test_sap, slow, "SAP Business One"))
    press(qtbot, form.test_sap)
    close_form(qtbot, window, "connections")
    release.set()
    qtbot.waitUntil(lambda: window.status_line.kind() == "success")
    assert window.status_line.text().startswith("SAP Business One: Logged in")
