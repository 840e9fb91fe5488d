"""Synchronization Settings: every object's schedule, the schedule dialog, saving and reload."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.scheduling.calendar import ScheduleSpec, local_zone, next_run
from app.scheduling.owner import OwnerClaim
from app.store import Database, Schedule
from app.sync.jobs import OBJECTS
from app.ui.context import Services
from app.ui.forms.sync_schedule_dialog import ScheduleDialog
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.main_window import MainWindow
from app.ui.models.run_models import when
from tests.ui.helpers import open_from_tree, press, type_into
from tests.ui.sync_support import center_of, sync_services

NEXT_RUN = 9


@pytest.fixture
def services() -> Services:
    """The sync engine and an embedded scheduler."""
    return sync_services(scheduler=True)


def _settings(qtbot: QtBot, window: MainWindow) -> SyncSettingsForm:
    form = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(form, SyncSettingsForm)
    return form


def _dialog(qtbot: QtBot, form: SyncSettingsForm, name: str) -> ScheduleDialog:
    form.select_object(name)
    press(qtbot, form.schedule_button)
    assert form.dialog is not None
    qtbot.waitExposed(form.dialog)
    return form.dialog


def test_every_object_is_listed_and_this_client_owns_scheduling(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    center = center_of(window)
    qtbot.waitUntil(lambda: center.status().role == "owner", timeout=10_000)
    form = _settings(qtbot, window)
    assert [d.object for d in form.model.rows()] == list(OBJECTS)
    assert all(not d.enabled for d in form.model.rows())
    qtbot.waitUntil(lambda: "This desktop runs the schedules since" in form.owner.text())
    assert "(live)" in form.owner.text()


def test_a_weekly_schedule_shows_its_next_run_and_is_saved_for_the_scheduler(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    center = center_of(window)
    qtbot.waitUntil(lambda: center.status().role == "owner", timeout=10_000)
    form = _settings(qtbot, window)
    dialog = _dialog(qtbot, form, "sales")
    dialog.enabled.setChecked(True)
    dialog.frequency.setCurrentIndex(1)
    dialog.days["mon"].setChecked(True)
    dialog.days["thu"].setChecked(True)
    type_into(qtbot, dialog.start, "0900")
    type_into(qtbot, dialog.end, "17.30")
    dialog.every.setText("2")
    dialog.unit.setCurrentIndex(1)
    spec = ScheduleSpec(True, "weekly", "mon,thu", time(9), time(17, 30), 120)
    expected = next_run(spec, datetime.now(UTC), local_zone())
    assert dialog.summary_label.text() == "Weekly Mon, Thu 09:00–17:30 every 2 h"
    assert dialog.next_label.text() == when(expected)
    press(qtbot, dialog.ok_button)

    row = form.model.index_of("sales").row()
    assert form.model.data(form.model.index(row, NEXT_RUN)) == when(expected)
    assert form.mode_button.text() == "Update"
    press(qtbot, form.mode_button)

    assert form.mode_button.text() == "OK"
    with database.session() as session:
        rows = session.scalars(select(Schedule).where(Schedule.template_id == template_id)).all()
        assert [(r.object, r.enabled, r.weekdays, r.interval_minutes) for r in rows] == [
            ("sales", True, "mon,thu", 120)
        ]
    status = center.status()
    sales = next(s for s in status.schedules if s.object_name == "sales")
    assert sales.enabled and sales.next_run is not None
    assert when(sales.next_run) == when(expected), "the scheduler reloaded the new schedule"
    assert form.model.data(form.model.index(row, NEXT_RUN)) == when(expected)


def test_a_weekly_schedule_without_a_day_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = _settings(qtbot, window)
    dialog = _dialog(qtbot, form, "refunds")
    dialog.enabled.setChecked(True)
    dialog.frequency.setCurrentIndex(1)
    press(qtbot, dialog.ok_button)
    assert "choose at least one weekday" in dialog.error.text()
    assert dialog.isVisible() and not form.is_dirty()
    press(qtbot, dialog.cancel_button)


def test_while_the_service_owns_scheduling_the_client_stands_by_and_says_so(
    qtbot: QtBot, make_window: object, template_id: int, database: Database
) -> None:
    service = OwnerClaim(database, "service", holder="SERVER:99", ttl=timedelta(minutes=5))
    assert service.beat()
    window = make_window()  # type: ignore[operator]
    form = _settings(qtbot, window)
    qtbot.waitUntil(lambda: "The service on SERVER (process 99) runs" in form.owner.text())
    text = form.owner.text()
    assert "last heartbeat" in text and "(live)" in text
    assert "stands by" in text
