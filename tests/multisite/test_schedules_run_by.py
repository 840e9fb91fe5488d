"""A desktop set to "the service runs schedules" never fires; "desktop" competes as before."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.scheduling import Role, SchedulerConfig, SyncScheduler
from app.scheduling.owner import current_owner
from app.scheduling.scheduler import SchedulerEvent
from app.store import Database, Run
from app.sync.jobs import OBJECTS
from tests.multisite.conftest import add_schedule, wait_for


def make(
    database: Database, holder: str, *, fires: bool, events: list[SchedulerEvent]
) -> SyncScheduler:
    config = SchedulerConfig(
        holder=holder,
        tz=ZoneInfo("UTC"),
        poll_seconds=0.1,
        owner_ttl=timedelta(seconds=1),
        misfire_grace=timedelta(hours=3),
        fires=fires,
    )
    return SyncScheduler(database, OBJECTS, config, on_event=events.append)


@pytest.fixture
def started() -> Iterator[list[SyncScheduler]]:
    running: list[SyncScheduler] = []
    yield running
    for scheduler in running:
        scheduler.stop()


def run_count(database: Database, template: int) -> int:
    with database.session() as session:
        return int(
            session.scalar(select(func.count()).select_from(Run).where(Run.template_id == template))
            or 0
        )


def test_a_desktop_that_leaves_schedules_to_the_service_never_fires(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    schedule_id = add_schedule(database, template_id, every=60, edited_ago=timedelta(hours=2))
    events: list[SchedulerEvent] = []
    desktop = make(database, "desk:1", fires=False, events=events)
    started.append(desktop)
    desktop.start()
    deadline = time.monotonic() + 3 * desktop.config.owner_ttl.total_seconds()
    while time.monotonic() < deadline:
        assert desktop.role is Role.STANDBY
        assert current_owner(database) is None
        time.sleep(0.1)
    assert not desktop.fire_now(schedule_id)
    assert run_count(database, template_id) == 0
    status = desktop.status()
    assert status.role == "standby" and status.owner is None
    assert [row.schedule_id for row in status.schedules] == [schedule_id]


def test_a_desktop_that_runs_schedules_fires_the_overdue_one(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    add_schedule(database, template_id, every=60, edited_ago=timedelta(hours=2))
    events: list[SchedulerEvent] = []
    desktop = make(database, "desk:1", fires=True, events=events)
    started.append(desktop)
    desktop.start()
    assert desktop.role is Role.OWNER
    wait_for(lambda: run_count(database, template_id) == 1, what="the overdue run")
