"""The next-run rule with a fixed clock: windows, intervals, weekdays, midnight and DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.scheduling.calendar import ScheduleSpec, describe, next_run, parse_weekdays
from app.store import Schedule

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")


def spec(
    start: str,
    end: str,
    every: int = 0,
    *,
    weekdays: str = "",
    enabled: bool = True,
) -> ScheduleSpec:
    return ScheduleSpec(
        enabled=enabled,
        frequency="weekly" if weekdays else "daily",
        weekdays=weekdays,
        window_start=time.fromisoformat(start),
        window_end=time.fromisoformat(end),
        interval_minutes=every,
    )


def at(text: str, tz: ZoneInfo, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz, fold=fold)


def runs(rule: ScheduleSpec, after: datetime, tz: ZoneInfo, count: int) -> list[datetime]:
    found = []
    for _ in range(count):
        nxt = next_run(rule, after, tz)
        assert nxt is not None
        found.append(nxt)
        after = nxt
    return found


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2026-06-10 07:00", "2026-06-10 08:00"),
        ("2026-06-10 08:00", "2026-06-10 08:15"),
        ("2026-06-10 08:07:30", "2026-06-10 08:15"),
        ("2026-06-10 19:50", "2026-06-10 20:00"),
        ("2026-06-10 20:00", "2026-06-11 08:00"),
        ("2026-06-10 23:59:59", "2026-06-11 08:00"),
    ],
)
def test_daily_window_every_15_minutes(after: str, expected: str) -> None:
    rule = spec("08:00", "20:00", 15)
    assert next_run(rule, at(after, UTC_ZONE), UTC_ZONE) == at(expected, UTC_ZONE)


def test_interval_that_does_not_divide_the_window_stops_inside_it() -> None:
    found = runs(spec("08:00", "09:00", 25), at("2026-06-10 00:00", UTC_ZONE), UTC_ZONE, 4)
    expected = ["10 08:00", "10 08:25", "10 08:50", "11 08:00"]
    assert [d.strftime("%d %H:%M") for d in found] == expected


def test_hours_are_minutes_times_sixty() -> None:
    found = runs(spec("00:00", "23:59", 180), at("2026-06-10 00:00", UTC_ZONE), UTC_ZONE, 8)
    assert [d.hour for d in found] == [3, 6, 9, 12, 15, 18, 21, 0]


@pytest.mark.parametrize("rule", [spec("02:00", "02:00", 15), spec("02:00", "05:00", 0)])
def test_single_run_a_day(rule: ScheduleSpec) -> None:
    found = runs(rule, at("2026-06-10 02:00", UTC_ZONE), UTC_ZONE, 2)
    assert found == [at("2026-06-11 02:00", UTC_ZONE), at("2026-06-12 02:00", UTC_ZONE)]


def test_weekly_on_chosen_days() -> None:
    rule = spec("09:00", "10:00", 60, weekdays=" Mon , wed,FRI")
    # 2026-06-12 is a Friday.
    found = runs(rule, at("2026-06-12 09:30", UTC_ZONE), UTC_ZONE, 5)
    assert [d.strftime("%a %d %H:%M") for d in found] == [
        "Fri 12 10:00",
        "Mon 15 09:00",
        "Mon 15 10:00",
        "Wed 17 09:00",
        "Wed 17 10:00",
    ]


def test_never_runs_when_disabled_or_weekly_without_days() -> None:
    now = at("2026-06-10 12:00", UTC_ZONE)
    assert next_run(spec("08:00", "20:00", 15, enabled=False), now, UTC_ZONE) is None
    no_days = ScheduleSpec(True, "weekly", "", time(8), time(20), 15)
    assert next_run(no_days, now, UTC_ZONE) is None


def test_window_across_midnight() -> None:
    rule = spec("22:00", "02:00", 60)
    assert next_run(rule, at("2026-06-10 23:30", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-11 00:00", UTC_ZONE
    )
    assert next_run(rule, at("2026-06-11 01:30", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-11 02:00", UTC_ZONE
    )
    assert next_run(rule, at("2026-06-11 02:00", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-11 22:00", UTC_ZONE
    )
    assert next_run(rule, at("2026-06-11 12:00", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-11 22:00", UTC_ZONE
    )


def test_weekly_window_across_midnight_belongs_to_its_start_day() -> None:
    rule = spec("22:00", "02:00", 60, weekdays="fri")
    # Friday night runs into Saturday morning; Thursday night has no window.
    assert next_run(rule, at("2026-06-12 00:30", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-12 22:00", UTC_ZONE
    )
    assert next_run(rule, at("2026-06-13 00:30", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-13 01:00", UTC_ZONE
    )
    assert next_run(rule, at("2026-06-13 02:00", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-19 22:00", UTC_ZONE
    )


def test_result_is_in_the_given_zone_and_strictly_after() -> None:
    rule = spec("08:00", "20:00", 15)
    after = at("2026-06-10 08:15", BERLIN)
    result = next_run(rule, after, BERLIN)
    assert result == at("2026-06-10 08:30", BERLIN)
    assert result is not None and result.tzinfo is BERLIN
    assert next_run(rule, after.astimezone(UTC), BERLIN) == result


def test_berlin_spring_forward_keeps_the_interval_in_elapsed_time() -> None:
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST.
    found = runs(spec("00:00", "06:00", 15), at("2026-03-29 01:30", BERLIN), BERLIN, 4)
    assert [d.astimezone(UTC) for d in found] == [
        utc("2026-03-29 00:45"),
        utc("2026-03-29 01:00"),
        utc("2026-03-29 01:15"),
        utc("2026-03-29 01:30"),
    ]
    assert [d.strftime("%H:%M %Z") for d in found] == [
        "01:45 CET",
        "03:00 CEST",
        "03:15 CEST",
        "03:30 CEST",
    ]


def test_berlin_spring_forward_missing_time_runs_at_the_end_of_the_gap() -> None:
    found = runs(spec("02:30", "02:30"), at("2026-03-28 03:00", BERLIN), BERLIN, 2)
    assert found[0].astimezone(UTC) == utc("2026-03-29 01:00")
    assert found[0].strftime("%H:%M %Z") == "03:00 CEST"
    assert found[1].strftime("%Y-%m-%d %H:%M %Z") == "2026-03-30 02:30 CEST"


def test_berlin_hourly_all_day_across_spring_forward() -> None:
    found = runs(spec("00:00", "23:59", 60), at("2026-03-28 23:30", BERLIN), BERLIN, 5)
    assert [d.strftime("%H:%M %Z") for d in found] == [
        "00:00 CET",
        "01:00 CET",
        "03:00 CEST",
        "04:00 CEST",
        "05:00 CEST",
    ]


def test_berlin_fall_back_runs_in_both_copies_of_the_repeated_hour() -> None:
    # 2026-10-25: 03:00 CEST falls back to 02:00 CET.
    found = runs(spec("00:00", "06:00", 30), at("2026-10-25 01:45", BERLIN), BERLIN, 6)
    assert [d.strftime("%H:%M %Z") for d in found] == [
        "02:00 CEST",
        "02:30 CEST",
        "02:00 CET",
        "02:30 CET",
        "03:00 CET",
        "03:30 CET",
    ]


def test_berlin_fall_back_single_time_runs_once_at_its_first_occurrence() -> None:
    found = runs(spec("02:30", "02:30"), at("2026-10-24 12:00", BERLIN), BERLIN, 2)
    assert found[0].astimezone(UTC) == utc("2026-10-25 00:30")
    assert found[1].strftime("%Y-%m-%d %H:%M %Z") == "2026-10-26 02:30 CET"


def test_berlin_fall_back_window_end_in_the_repeated_hour_means_its_second_copy() -> None:
    found = runs(spec("01:00", "02:30", 30), at("2026-10-24 23:00", BERLIN), BERLIN, 7)
    assert [d.strftime("%d %H:%M %Z") for d in found] == [
        "25 01:00 CEST",
        "25 01:30 CEST",
        "25 02:00 CEST",
        "25 02:30 CEST",
        "25 02:00 CET",
        "25 02:30 CET",
        "26 01:00 CET",
    ]


def test_new_york_spring_forward_single_time_in_the_gap() -> None:
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    found = runs(spec("02:30", "02:30"), at("2026-03-07 12:00", NEW_YORK), NEW_YORK, 3)
    assert [d.strftime("%m-%d %H:%M %Z") for d in found] == [
        "03-08 03:00 EDT",
        "03-09 02:30 EDT",
        "03-10 02:30 EDT",
    ]


def test_new_york_fall_back_overnight_window_counts_real_hours() -> None:
    # 2026-11-01: 02:00 EDT falls back to 01:00 EST; the window starts the evening before.
    found = runs(spec("23:00", "03:00", 60), at("2026-10-31 22:00", NEW_YORK), NEW_YORK, 7)
    assert [d.strftime("%d %H:%M %Z") for d in found] == [
        "31 23:00 EDT",
        "01 00:00 EDT",
        "01 01:00 EDT",
        "01 01:00 EST",
        "01 02:00 EST",
        "01 03:00 EST",
        "01 23:00 EST",
    ]


def test_new_york_weekly_daily_time_keeps_wall_clock_across_dst() -> None:
    rule = spec("09:00", "09:00", weekdays="sun")
    found = runs(rule, at("2026-10-20 00:00", NEW_YORK), NEW_YORK, 3)
    assert [d.strftime("%m-%d %H:%M %Z") for d in found] == [
        "10-25 09:00 EDT",
        "11-01 09:00 EST",
        "11-08 09:00 EST",
    ]
    assert found[1].astimezone(UTC) - found[0].astimezone(UTC) == timedelta(days=7, hours=1)


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
def test_a_year_of_runs_is_strictly_increasing_and_inside_the_windows(zone: ZoneInfo) -> None:
    rule = spec("21:30", "04:15", 45, weekdays="mon,thu,sat")
    after = at("2026-01-01 00:00", zone)
    previous = after.astimezone(UTC)
    for _ in range(2500):
        found = next_run(rule, previous, zone)
        assert found is not None
        nxt = found.astimezone(UTC)
        assert nxt > previous
        assert nxt - previous <= timedelta(days=4)
        local = nxt.astimezone(zone)
        start_day = local.date() if local.time() >= time(21, 30) else local.date() - timedelta(1)
        assert start_day.weekday() in (0, 3, 5)
        previous = nxt


def test_the_orm_row_is_accepted_as_is() -> None:
    row = Schedule(
        enabled=True,
        frequency="weekly",
        weekdays="tue",
        window_start=time(6, 0, 30),
        window_end=time(7, 0),
        interval_minutes=30,
    )
    assert next_run(row, at("2026-06-09 06:00", UTC_ZONE), UTC_ZONE) == at(
        "2026-06-09 06:30", UTC_ZONE
    )


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown weekday 'funday'"):
        parse_weekdays("mon,funday")
    with pytest.raises(ValueError, match="frequency"):
        ScheduleSpec(True, "hourly", "", time(0), time(1), 5)
    with pytest.raises(ValueError, match="negative"):
        ScheduleSpec(True, "daily", "", time(0), time(1), -5)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_run(spec("08:00", "20:00", 15), datetime(2026, 6, 10, 8), UTC_ZONE)


def test_describe() -> None:
    assert describe(spec("08:00", "20:00", 15)) == "Daily 08:00–20:00 every 15 min"
    assert describe(spec("22:00", "02:00", 120, weekdays="fri,mon")) == (
        "Weekly Mon, Fri 22:00–02:00 every 2 h"
    )
    assert describe(spec("02:30", "02:30", enabled=False)) == "Off: Daily at 02:30"
