"""The APScheduler trigger fires exactly when the pure rule says (and where cron agrees)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from app.scheduling.calendar import ScheduleSpec, next_run
from app.scheduling.trigger import ScheduleTrigger

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

RULES = [
    ScheduleSpec(True, "daily", "", time(0, 0), time(6, 0), 15),
    ScheduleSpec(True, "weekly", "fri,sat", time(22, 0), time(2, 0), 60),
    ScheduleSpec(True, "daily", "", time(2, 30), time(2, 30), 0),
    ScheduleSpec(True, "weekly", "sun", time(23, 0), time(3, 0), 45),
]


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
@pytest.mark.parametrize("rule", RULES)
def test_trigger_walks_the_same_runs_as_the_rule(rule: ScheduleSpec, zone: ZoneInfo) -> None:
    trigger = ScheduleTrigger(rule, zone)
    for start in ("2026-03-05", "2026-03-26", "2026-10-22", "2026-10-30"):
        now = datetime.fromisoformat(start).replace(tzinfo=zone)
        fired = trigger.get_next_fire_time(None, now)
        expected = next_run(rule, now, zone)
        for _ in range(60):
            assert fired is not None and expected is not None
            assert fired == expected.astimezone(UTC)  # same-instant test that fold cannot fool
            assert fired.tzinfo is UTC
            fired, expected = (
                trigger.get_next_fire_time(fired, now),
                next_run(rule, expected, zone),
            )


def test_trigger_agrees_with_cron_where_cron_can_say_it() -> None:
    rule = ScheduleSpec(True, "weekly", "mon,wed,fri", time(8, 0), time(19, 45), 15)
    ours = ScheduleTrigger(rule, BERLIN)
    cron = CronTrigger(day_of_week="mon,wed,fri", hour="8-19", minute="*/15", timezone=BERLIN)
    now = datetime(2026, 3, 20, tzinfo=BERLIN)
    mine, theirs = ours.get_next_fire_time(None, now), cron.get_next_fire_time(None, now)
    for _ in range(400):  # about three weeks, across the spring DST change
        assert mine == theirs
        mine, theirs = ours.get_next_fire_time(mine, mine), cron.get_next_fire_time(theirs, theirs)


def test_never_firing_rule_returns_none() -> None:
    off = ScheduleSpec(False, "daily", "", time(8), time(9), 15)
    assert ScheduleTrigger(off, BERLIN).get_next_fire_time(None, datetime.now(UTC)) is None


def test_apscheduler_takes_the_first_run_from_the_trigger() -> None:
    rule = ScheduleSpec(True, "daily", "", time(0, 0), time(23, 59), 7)
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        before = datetime.now(UTC)
        job = scheduler.add_job(print, ScheduleTrigger(rule, BERLIN), id="schedule-1")
        after = datetime.now(UTC)
        assert job.next_run_time in {next_run(rule, before, BERLIN), next_run(rule, after, BERLIN)}
        assert job.next_run_time - before <= timedelta(minutes=7)
        assert "Daily 00:00–23:59 every 7 min" in str(job.trigger)
    finally:
        scheduler.shutdown(wait=False)
