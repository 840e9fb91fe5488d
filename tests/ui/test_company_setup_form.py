"""Company Setup in the client, against a live SAP sandbox whose company lacks some fields.

Driven as a user would: the Main Menu opens the form, the Tagrain Template
combo chooses the company, Create Missing Fields asks (naming what it will
create in which company), SAP's refusal shows word for word with what to do,
and the grid then says Present. Connections offers the form after a Test
Connection that found fields missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database
from app.sync.connection_check import check_sap
from app.sync.context import TemplateRules, sap_settings
from app.ui.connection_check import ConnectionDraft, ConnectionReport
from app.ui.context import Services
from app.ui.forms.company_setup import CompanySetupForm
from app.ui.forms.connections import ConnectionsForm
from app.ui.main_window import MainWindow
from tests.ui.conftest import Modals
from tests.ui.helpers import open_from_tree, press

SCALE = SandboxScale(customers=5, items=5, tagrain_customers=2, sales=1, refunds=1, expenses=1)
TIMEOUT = 15_000
REMOVED = ["ORCT", "OVPM", "OJDT"]


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    running = start_sandboxes(SandboxOptions(scale=SCALE))
    yield running
    running.stop()


@pytest.fixture
def sandbox_id(database: Database, sandboxes: RunningSandboxes) -> int:
    """The Sandbox template; an administrator then removed three of the add-on's fields."""
    template_id = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
    with _client(database, template_id) as client:
        for field in list(client.iter_entities("UserFieldsMD")):
            if field["TableName"] in REMOVED:
                client.delete(
                    "UserFieldsMD", {"TableName": field["TableName"], "FieldID": field["FieldID"]}
                )
    return template_id


@pytest.fixture
def checker_threads() -> list[str]:
    return []


@pytest.fixture
def services(database: Database, checker_threads: list[str]) -> Services:
    def sap(template_id: int, draft: ConnectionDraft) -> ConnectionReport:
        checker_threads.append(threading.current_thread().name)
        result = check_sap(database, template_id, draft)
        return ConnectionReport(result.ok, result.message, result.needs_setup)

    return Services(sap_checker=sap)


def _client(database: Database, template_id: int) -> ServiceLayerClient:
    return ServiceLayerClient(sap_settings(TemplateRules.load(database, template_id)))


def _tables(database: Database, template_id: int) -> list[str]:
    with _client(database, template_id) as client:
        return sorted(f["TableName"] for f in client.iter_entities("UserFieldsMD"))


def _open(qtbot: QtBot, window: MainWindow, sandbox_id: int) -> CompanySetupForm:
    form = open_from_tree(qtbot, window, "company_setup")
    assert isinstance(form, CompanySetupForm)
    form.choose_template(sandbox_id)
    _settled(qtbot, form)
    return form


def _settled(qtbot: QtBot, form: CompanySetupForm) -> None:
    qtbot.waitUntil(lambda: not form.busy() and form.view_data is not None, timeout=TIMEOUT)


def _statuses(form: CompanySetupForm) -> dict[str, str]:
    model = form.grid.model()
    return {
        str(model.index(r, 1).data()): str(model.index(r, 4).data())
        for r in range(model.rowCount())
    }


def test_the_form_lists_the_fields_and_creates_the_missing_ones_after_asking(
    qtbot: QtBot, window: MainWindow, sandbox_id: int, database: Database, modals: Modals
) -> None:
    window.resize(1366, 768)
    form = _open(qtbot, window, sandbox_id)
    statuses = _statuses(form)
    assert statuses == {
        "OCRD": "Present",
        "OITM": "Present",
        "OINV": "Present",
        "ORCT": "Missing",
        "OVPM": "Missing",
        "OJDT": "Missing",
    }
    assert form.message.text() == (
        "Missing: U_TG_ID on ORCT (Incoming payments), U_TG_ID on OVPM (Outgoing payments), "
        "U_TG_ID on OJDT (Journal entries). Create Missing Fields adds them."
    )
    assert form.create_button.isEnabled()

    modals.answer = modals.answer.No
    press(qtbot, form.create_button)
    assert len(modals.questions) == 1
    assert "Create these user fields in SAP company SBODEMOUS?" in modals.questions[0]
    for table in REMOVED:
        assert f"U_TG_ID on {table}" in modals.questions[0]
    assert "U_TG_ID on OCRD" not in modals.questions[0]
    assert _tables(database, sandbox_id) == ["OCRD", "OINV", "OITM"]

    modals.answer = modals.answer.Yes
    form.create_button.setFocus()
    qtbot.keyClick(form.create_button, Qt.Key.Key_Space)
    _settled(qtbot, form)
    qtbot.waitUntil(lambda: set(_statuses(form).values()) == {"Present"}, timeout=TIMEOUT)
    assert len(modals.questions) == 2
    assert form.message.text().startswith("Created: U_TG_ID on ORCT (Incoming payments)")
    assert not form.create_button.isEnabled()
    assert window.messenger.last == ("success", "Created 3 user fields.")
    assert len(_tables(database, sandbox_id)) == 6


def test_sap_refusal_is_shown_word_for_word_with_what_to_do(
    qtbot: QtBot,
    window: MainWindow,
    sandbox_id: int,
    sandboxes: RunningSandboxes,
    database: Database,
) -> None:
    form = _open(qtbot, window, sandbox_id)
    sandboxes.service_layer.rules.other_users_connected = True
    press(qtbot, form.create_button)
    _settled(qtbot, form)
    qtbot.waitUntil(lambda: "Ref count" in form.message.text(), timeout=TIMEOUT)
    text = form.message.text()
    assert (
        "SAP refused to add U_TG_ID on ORCT (Incoming payments) (-1120): "
        "Ref count for this object is higher then 0" in text
    )
    assert "What to do: SAP Business One changes company 'SBODEMOUS'" in text
    assert "Ask every other user to log off" in text
    assert window.messenger.last is not None and window.messenger.last[0] == "error"
    assert _statuses(form)["ORCT"] == "Missing" and form.create_button.isEnabled()

    sandboxes.service_layer.rules.other_users_connected = False
    press(qtbot, form.create_button)
    qtbot.waitUntil(lambda: set(_statuses(form).values()) == {"Present"}, timeout=TIMEOUT)
    assert len(_tables(database, sandbox_id)) == 6


def test_connections_offers_company_setup_after_a_good_test_that_found_fields_missing(
    qtbot: QtBot,
    window: MainWindow,
    sandbox_id: int,
    modals: Modals,
    checker_threads: list[str],
) -> None:
    connections = open_from_tree(qtbot, window, "connections")
    assert isinstance(connections, ConnectionsForm)
    connections.choose_template(sandbox_id)
    press(qtbot, connections.test_sap)
    qtbot.waitUntil(lambda: connections.tests_running() == 0, timeout=TIMEOUT)
    assert checker_threads and checker_threads[0] != threading.main_thread().name
    assert len(modals.questions) == 1
    assert modals.questions[0].startswith(
        "Connected to SAP Business One company SBODEMOUS as manager, but SAP company SBODEMOUS "
        "lacks the add-on's user fields U_TG_ID on ORCT, U_TG_ID on OVPM, U_TG_ID on OJDT — run "
        "Company Setup (Administration → Integration Hub → Company Setup)"
    )
    assert modals.questions[0].endswith("Open Company Setup?")
    sub = window.form_window("company_setup")
    assert sub is not None
    form = sub.widget()
    assert isinstance(form, CompanySetupForm)
    assert form.template_id == sandbox_id
    _settled(qtbot, form)
    assert _statuses(form)["OJDT"] == "Missing"
    assert window.messenger.last == ("warning", "3 user fields are missing.")


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_form_fits_and_renders(
    qtbot: QtBot, window: MainWindow, sandbox_id: int, size: tuple[int, int], tmp_path: Path
) -> None:
    window.resize(*size)
    QApplication.processEvents()
    form = _open(qtbot, window, sandbox_id)
    sub = window.form_window("company_setup")
    assert sub is not None
    area = window.mdi.viewport().rect()
    assert area.contains(sub.geometry()), (sub.geometry(), area)
    for widget in (form.create_button, form.check_button, form.mode_button, form.grid):
        assert widget.isVisible() and not widget.visibleRegion().isEmpty()
    header = form.grid.horizontalHeader()
    assert all(header.sectionSize(c) > 20 for c in range(5))
    assert form.grid.viewport().height() >= 7 * form.grid.verticalHeader().defaultSectionSize()
    image = form.grab()
    path = tmp_path / f"company-setup-{size[0]}.png"
    assert image.save(str(path)) and path.stat().st_size > 5_000
