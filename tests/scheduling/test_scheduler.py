"""The embedded scheduler against the sandboxes: catch-up, reload, skips, owner and standby."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.scheduling import Role, SchedulerConfig, SyncScheduler, next_run
from app.scheduling.owner import SERVICE, OwnerClaim, current_owner
from app.scheduling.scheduler import SchedulerEvent
from app.store import Database, Run, Schedule, Template
from app.sync import leases
from app.sync.jobs import OBJECTS
from tests.scheduling.conftest import add_schedule, wait_for

UTC_ZONE = ZoneInfo("UTC")


def config(holder: str, **changes: object) -> SchedulerConfig:
    values: dict[str, object] = {
        "holder": holder,
        "tz": UTC_ZONE,
        "poll_seconds": 0.1,
        "owner_ttl": timedelta(seconds=30),
        "misfire_grace": timedelta(hours=3),
    }
    values.update(changes)
    return SchedulerConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def started(database: Database) -> Iterator[list[SyncScheduler]]:
    """Schedulers a test starts; all stopped at the end whatever happens."""
    running: list[SyncScheduler] = []
    yield running
    for scheduler in running:
        scheduler.stop()


def start(
    started: list[SyncScheduler],
    database: Database,
    holder: str,
    events: list[SchedulerEvent] | None = None,
    **changes: object,
) -> SyncScheduler:
    scheduler = SyncScheduler(
        database,
        OBJECTS,
        config(holder, **changes),
        on_event=None if events is None else events.append,
    )
    started.append(scheduler)
    scheduler.start()
    return scheduler


def finished_runs(database: Database, template: int, object_name: str) -> list[Run]:
    with database.session() as session:
        return list(
            session.scalars(
                select(Run)
                .where(
                    Run.template_id == template,
                    Run.object == object_name,
                    Run.status != "running",
                )
                .order_by(Run.id)
            )
        )


def bare_template(database: Database) -> int:
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        return template.id


def test_overdue_runs_are_caught_up_once_against_the_sandboxes(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    schedule_id = add_schedule(database, template_id, every=60, edited_ago=timedelta(hours=2))
    events: list[SchedulerEvent] = []
    scheduler = start(started, database, "host-a:1", events)
    assert scheduler.role is Role.OWNER
    runs = wait_for(
        lambda: finished_runs(database, template_id, "customer_groups"), what="the catch-up run"
    )
    assert [(r.trigger, r.status) for r in runs] == [("schedule", "succeeded")]
    assert runs[0].created > 0
    wait_for(lambda: any(e.kind == "finished" for e in events), what="the finished event")
    status = scheduler.status()
    row = next(s for s in status.schedules if s.schedule_id == schedule_id)
    assert row.last_run is not None and row.last_run.run_id == runs[0].id
    assert row.next_run is not None
    assert row.next_run - datetime.now(UTC) <= timedelta(hours=1)
    assert row.summary == "Daily 00:00–23:59 every 1 h"
    assert status.role == "owner" and status.owner is not None and status.owner.mine
    assert len(finished_runs(database, template_id, "customer_groups")) == 1


def test_fire_now_runs_through_the_scheduler(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    schedule_id = add_schedule(database, template_id, "manufacturers", edited_ago=timedelta(0))
    scheduler = start(started, database, "host-a:1")
    assert finished_runs(database, template_id, "manufacturers") == []
    assert scheduler.fire_now(schedule_id)
    runs = wait_for(lambda: finished_runs(database, template_id, "manufacturers"), what="a run")
    assert runs[0].status == "succeeded" and runs[0].trigger == "schedule"


def test_edit_then_reload_gives_the_new_next_run(
    database: Database, started: list[SyncScheduler]
) -> None:
    template = bare_template(database)
    schedule_id = add_schedule(
        database, template, "sales", start=time(8), end=time(8), edited_ago=timedelta(0)
    )
    scheduler = start(started, database, "host-a:1", poll_seconds=3600)
    now = datetime.now(UTC)
    first = scheduler.next_runs()[schedule_id]
    assert first is not None and first.astimezone(UTC).time() == time(8)
    with database.session() as session:
        row = session.get(Schedule, schedule_id)
        assert row is not None
        row.frequency, row.weekdays = "weekly", "sun"
        row.window_start, row.window_end = time(9, 30), time(9, 30)
    scheduler.reload()
    moved = scheduler.next_runs()[schedule_id]
    with database.session() as session:
        edited = session.get(Schedule, schedule_id)
        assert edited is not None
        assert moved == next_run(edited, max(now, edited.updated_at), UTC_ZONE)
    assert moved is not None and moved.weekday() == 6 and moved.time() == time(9, 30)
    assert scheduler.status().schedules[0].next_run == moved


def test_edits_by_another_process_are_picked_up_by_the_poll(
    database: Database, started: list[SyncScheduler]
) -> None:
    template = bare_template(database)
    schedule_id = add_schedule(
        database, template, "sales", start=time(8), end=time(8), edited_ago=timedelta(0)
    )
    scheduler = start(started, database, "host-a:1")
    with database.session() as session:
        session.execute(
            update(Schedule)
            .where(Schedule.id == schedule_id)
            .values(window_start=time(23, 15), window_end=time(23, 15))
        )
    moved = wait_for(
        lambda: (
            (scheduler.next_runs().get(schedule_id) or datetime.min.replace(tzinfo=UTC))
            .astimezone(UTC)
            .time()
            == time(23, 15)
        ),
        what="the poll to reschedule",
    )
    assert moved
    with database.session() as session:
        session.execute(update(Schedule).where(Schedule.id == schedule_id).values(enabled=False))
    wait_for(lambda: schedule_id not in scheduler.next_runs(), what="the job to go")
    assert scheduler.status().schedules[0].enabled is False


def test_lease_held_at_fire_time_is_recorded_as_a_skip(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    leases.acquire(database, template_id, "customer_groups", holder="elsewhere:4242")
    add_schedule(database, template_id, every=60, edited_ago=timedelta(hours=2))
    events: list[SchedulerEvent] = []
    scheduler = start(started, database, "host-a:1", events)
    runs = wait_for(lambda: finished_runs(database, template_id, "customer_groups"), what="skip")
    assert [(r.status, r.trigger) for r in runs] == [("skipped", "schedule")]
    assert "elsewhere:4242" in (runs[0].message or "")
    wait_for(lambda: any(e.kind == "skipped" for e in events), what="the skipped event")
    status = scheduler.status().schedules[0]
    assert status.last_run is not None and status.last_run.status == "skipped"
    assert status.running_on == "elsewhere:4242"


def test_only_the_owner_fires_and_a_standby_takes_over_when_it_stops(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    schedule_id = add_schedule(database, template_id, every=60, edited_ago=timedelta(hours=2))
    owner = start(started, database, "host-a:1")
    standby = start(started, database, "host-b:2")
    assert (owner.role, standby.role) == (Role.OWNER, Role.STANDBY)
    wait_for(lambda: finished_runs(database, template_id, "customer_groups"), what="one run")
    assert standby.next_runs() == {}
    seen = standby.status()
    assert seen.role == "standby"
    assert seen.owner is not None and seen.owner.holder == "host-a:1" and not seen.owner.mine
    assert seen.schedules[0].last_run is not None
    assert seen.schedules[0].next_run is not None
    owner.stop()
    wait_for(lambda: standby.role is Role.OWNER, what="the standby to take over")
    assert standby.fire_now(schedule_id)
    wait_for(
        lambda: len(finished_runs(database, template_id, "customer_groups")) == 2,
        what="the new owner's run",
    )
    assert len(finished_runs(database, template_id, "customer_groups")) == 2


def test_a_stale_owner_is_taken_over(database: Database, started: list[SyncScheduler]) -> None:
    bare_template(database)
    ghost = OwnerClaim(database, "client", holder="gone-host:7", ttl=timedelta(seconds=1))
    assert ghost.beat()
    standby = start(started, database, "host-b:2")
    assert standby.role is Role.STANDBY
    wait_for(lambda: standby.role is Role.OWNER, timeout=10, what="takeover after the TTL")
    owner = current_owner(database)
    assert owner is not None and owner.holder == "host-b:2" and owner.kind == "client"
    assert not ghost.beat()


def test_a_dead_local_owner_is_taken_over_at_once(
    database: Database, started: list[SyncScheduler]
) -> None:
    import socket

    bare_template(database)
    ghost = OwnerClaim(database, SERVICE, holder=f"{socket.gethostname()}:999999999")
    assert ghost.beat()
    scheduler = start(started, database, "host-b:2")
    assert scheduler.role is Role.OWNER


def test_a_service_takes_scheduling_from_a_client(
    database: Database, started: list[SyncScheduler]
) -> None:
    template = bare_template(database)
    schedule_id = add_schedule(database, template, "sales", edited_ago=timedelta(0))
    client = start(started, database, "desk:1")
    assert client.role is Role.OWNER and schedule_id in client.next_runs()
    service = start(started, database, "server:1", kind=SERVICE)
    assert service.role is Role.OWNER
    wait_for(lambda: client.role is Role.STANDBY, what="the client to stand by")
    assert client.next_runs() == {}
    assert not client.fire_now(schedule_id)
    assert OwnerClaim(database, "client", holder="desk:2").beat() is False


def test_a_run_of_this_process_also_makes_the_schedule_skip(
    database: Database, template_id: int, started: list[SyncScheduler]
) -> None:
    lease = leases.acquire(database, template_id, "customers_up")
    schedule_id = add_schedule(database, template_id, "customers", edited_ago=timedelta(0))
    scheduler = start(started, database, "host-a:1")
    assert scheduler.fire_now(schedule_id)
    runs = wait_for(lambda: finished_runs(database, template_id, "customers"), what="skip")
    assert [r.status for r in runs] == ["skipped"]
    assert leases.this_process() in (runs[0].message or "")
    lease.release()
