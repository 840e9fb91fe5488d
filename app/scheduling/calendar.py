"""When a schedule runs next: a pure function of the schedule, a moment and a time zone.

The rule, in the user's local time zone:

* **Frequency** ``daily`` runs every day; ``weekly`` only on the chosen
  weekdays ("mon,wed,fri"). A window that crosses midnight belongs to the day
  it starts on (Friday 22:00–02:00 runs into Saturday morning).
* **Window** from ``window_start`` to ``window_end``, both included. An end
  earlier than the start crosses midnight; an end equal to the start is a
  single run a day at that time.
* **Interval**: runs at the window start and then every ``interval_minutes``
  of elapsed time while still inside the window (0 = once per window).

Across a DST change the interval is real elapsed time, so an "every 15
minutes" schedule keeps its rhythm through the changed hour (and runs in
both copies of a repeated hour). A wall time that does not exist (spring
forward) means the first instant after the gap; a repeated wall time means
its first occurrence for a window start and its second for a window end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FREQUENCIES = ("daily", "weekly")


class ScheduleLike(Protocol):
    """What the rule reads from a schedule (the ORM row and ScheduleSpec both fit)."""

    @property
    def enabled(self) -> bool: ...
    @property
    def frequency(self) -> str: ...
    @property
    def weekdays(self) -> str: ...
    @property
    def window_start(self) -> time: ...
    @property
    def window_end(self) -> time: ...
    @property
    def interval_minutes(self) -> int: ...


def parse_weekdays(text: str) -> frozenset[int]:
    """ "mon,wed,fri" → {0, 2, 4}; ValueError names an unknown day."""
    days = set()
    for token in text.replace(";", ",").split(","):
        name = token.strip().lower()[:3]
        if not name:
            continue
        if name not in WEEKDAYS:
            raise ValueError(f"unknown weekday {token.strip()!r} (expected e.g. mon,wed,fri)")
        days.add(WEEKDAYS.index(name))
    return frozenset(days)


@dataclass(frozen=True)
class ScheduleSpec:
    """A validated, immutable copy of a schedule's timing (safe to hand to other threads)."""

    enabled: bool
    frequency: str
    weekdays: str
    window_start: time
    window_end: time
    interval_minutes: int

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r} (daily or weekly)")
        if self.interval_minutes < 0:
            raise ValueError("the interval cannot be negative")
        parse_weekdays(self.weekdays)

    @classmethod
    def of(cls, schedule: ScheduleLike) -> ScheduleSpec:
        """Copy the timing fields of a schedule row; ValueError if they make no sense."""
        return cls(
            enabled=bool(schedule.enabled),
            frequency=(schedule.frequency or "daily").strip().lower(),
            weekdays=schedule.weekdays or "",
            window_start=_minute(schedule.window_start),
            window_end=_minute(schedule.window_end),
            interval_minutes=int(schedule.interval_minutes or 0),
        )

    @property
    def days(self) -> frozenset[int]:
        """The weekdays a window may start on (Monday = 0)."""
        if self.frequency == "daily":
            return frozenset(range(7))
        return parse_weekdays(self.weekdays)


def _minute(value: time) -> time:
    """A window bound without seconds or time zone (the store keeps plain times)."""
    return time(value.hour, value.minute)


def local_zone() -> tzinfo:
    """The machine's IANA time zone (UTC if it cannot be told)."""
    try:
        import tzlocal

        zone: tzinfo = tzlocal.get_localzone()
        return zone
    except Exception:
        return ZoneInfo("UTC")


def resolve(day: date, wall: time, tz: tzinfo, *, fold: int = 0) -> datetime:
    """The instant (UTC) a local wall time on a day stands for, per the rule above.

    ``fold`` picks the occurrence of a repeated wall time; a wall time in a
    spring-forward gap becomes the first instant after the gap.
    """
    local = datetime.combine(day, wall, tzinfo=tz).replace(fold=fold)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    before = local.replace(fold=0).astimezone(UTC)
    after = local.replace(fold=1).astimezone(UTC)
    return _gap_end(min(before, after), max(before, after), tz)


def _gap_end(low: datetime, high: datetime, tz: tzinfo) -> datetime:
    """The first instant in [low, high] whose UTC offset is the one after the gap."""
    offset = high.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0) + (timedelta(seconds=1) if high.microsecond else timedelta())


def window(spec: ScheduleSpec, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The first and last instant (UTC) of the window that starts on a day."""
    start = resolve(day, spec.window_start, tz, fold=0)
    if spec.window_end == spec.window_start:
        return start, start
    end_day = day + timedelta(days=1) if spec.window_end < spec.window_start else day
    return start, resolve(end_day, spec.window_end, tz, fold=1)


def next_run(schedule: ScheduleLike, after: datetime, tz: tzinfo) -> datetime | None:
    """The first run strictly after ``after`` (aware, in ``tz``), or None if it never runs.

    Compare or subtract results after ``astimezone(UTC)``: Python does
    same-zone arithmetic by wall time, which ignores ``fold`` in a repeated hour.
    """
    if after.tzinfo is None:
        raise ValueError("next_run needs a timezone-aware moment")
    spec = schedule if isinstance(schedule, ScheduleSpec) else ScheduleSpec.of(schedule)
    if not spec.enabled:
        return None
    days = spec.days
    if not days:
        return None
    step = timedelta(minutes=spec.interval_minutes)
    moment = after.astimezone(UTC)
    first_day = after.astimezone(tz).date() - timedelta(days=1)
    candidates = []
    for offset in range(9):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        start, end = window(spec, day, tz)
        if moment < start:
            candidates.append(start)
        elif step and moment < end:
            slot = start + step * ((moment - start) // step + 1)
            if slot <= end:
                candidates.append(slot)
        if len(candidates) == 2:
            break
    return min(candidates).astimezone(tz) if candidates else None


def describe(spec: ScheduleLike) -> str:
    """A schedule in words: "Weekly Mon, Fri 22:00–02:00 every 15 min"."""
    prefix = "" if spec.enabled else "Off: "
    if spec.frequency == "weekly":
        try:
            days = sorted(parse_weekdays(spec.weekdays))
        except ValueError:
            days = []
        names = ", ".join(WEEKDAYS[d].title() for d in days) or "no day"
        when = f"Weekly {names}"
    else:
        when = "Daily"
    start, end = spec.window_start.strftime("%H:%M"), spec.window_end.strftime("%H:%M")
    if start == end or not spec.interval_minutes:
        return f"{prefix}{when} at {start}"
    minutes = spec.interval_minutes
    every = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
    return f"{prefix}{when} {start}–{end} every {every}"
