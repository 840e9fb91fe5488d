"""Getting Started: opened on the first start, shows each setup step's state, opens the forms;
F1 opens the active form's help page; a single click in the Main Menu opens a form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import delete

from app.store import Database, Schedule, TenderMapping
from app.ui.context import Services
from app.ui.forms.getting_started import GettingStartedForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import press
from tests.ui.sync_support import sync_services

__all__ = ["sandboxes", "template_id"]


@pytest.fixture
def services() -> Services:
    return sync_services(scheduler=False)


def _checked(qtbot: QtBot, form: GettingStartedForm) -> GettingStartedForm:
    qtbot.waitUntil(lambda: not form.checking and bool(form.steps), timeout=30_000)
    return form


@pytest.fixture(params=[(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def sized(request: pytest.FixtureRequest, qtbot: QtBot, window: MainWindow) -> MainWindow:
    width, height = request.param
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    return window


def _open_from_help_menu(qtbot: QtBot, window: MainWindow) -> GettingStartedForm:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    entry = next(a for a in help_menu.actions() if a.text() == "Getting Started")
    entry.trigger()
    form = window.active_form()
    assert isinstance(form, GettingStartedForm)
    qtbot.waitExposed(form)
    return _checked(qtbot, form)


def test_the_steps_say_what_is_done_and_what_is_next(
    qtbot: QtBot, sized: MainWindow, database: Database, template_id: int
) -> None:
    with database.session() as session:
        session.execute(delete(TenderMapping).where(TenderMapping.tender_type == "card"))
    form = _open_from_help_menu(qtbot, sized)
    states = {step.key: form.state_of(step.key) for step in form.steps}
    assert states == {
        "templates": "done",
        "connections": "done",
        "company_setup": "done",
        "mappings": "todo",
        "marks": "todo",
        "schedules": "todo",
    }
    assert form.badges["mappings"].text() == "✘ To do"
    # Only the deleted card tender: cash needs no account while every store has one.
    assert form.details["mappings"].text() == "Sandbox: 1 tender not mapped"
    assert form.details["marks"].text() == "Sandbox: 0 customers and 0 items marked"
    assert form.next_label.text() == "Next: Mappings."
    assert form.buttons_by_step["mappings"].property("emphasized") is True
    assert form.buttons_by_step["mappings"].isVisible()
    assert form.buttons_by_step["schedules"].geometry().bottom() <= form.height()

    with database.session() as session:
        session.add(Schedule(template_id=template_id, object="sales", enabled=True))
    press(qtbot, form.check_button)
    _checked(qtbot, form)
    assert form.state_of("schedules") == "done"
    assert form.details["schedules"].text() == "Sandbox: 1 schedule on"

    press(qtbot, form.buttons_by_step["mappings"])
    assert sized.active_form() is not None
    assert sized.mdi.activeSubWindow().property("form_key") == "mappings"


def test_without_a_template_the_first_step_is_to_add_one(qtbot: QtBot, window: MainWindow) -> None:
    form = _open_from_help_menu(qtbot, window)
    assert form.state_of("templates") == "todo"
    assert form.state_of("connections") == "unknown"
    assert form.next_label.text() == "Next: Templates."
    press(qtbot, form.buttons_by_step["templates"])
    assert window.mdi.activeSubWindow().property("form_key") == "templates"


def test_the_first_start_opens_getting_started_and_a_later_one_does_not(
    qtbot: QtBot, make_window: Callable[[], MainWindow]
) -> None:
    first = make_window()
    assert first.first_start
    form = first.show_first_start()
    assert isinstance(form, GettingStartedForm)
    _checked(qtbot, form)
    assert first.open_forms() == ["getting_started"]
    first.close()
    later = make_window()
    assert not later.first_start
    assert later.show_first_start() is None


def test_a_single_click_in_the_main_menu_opens_the_form(qtbot: QtBot, window: MainWindow) -> None:
    tree = window.tree
    for key in ("getting_started", "connections"):
        rect = tree.visualRect(tree.index_of_form(key))
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.mdi.activeSubWindow().property("form_key") == key
    assert window.open_forms() == ["getting_started", "connections"]
