"""Schedules as the Synchronization Settings form and ``integration-hub schedule`` edit them.

A draft is the timing of one object's schedule for a template; objects with
no row yet get a disabled daily default. ``save_drafts`` writes every draft
of a template in one transaction (insert or update), after checking each
with the scheduler's own rule, so the form, the command line and the
scheduler never disagree. The interval is a count of minutes or hours
(``INTERVAL_UNITS``, at most ``MAX_INTERVAL_COUNT``; 0 runs once per window),
as the schedule dialog offers it and ``parse_interval`` reads it ("15m", "1h").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.input_error import InputError
from app.scheduling.calendar import ScheduleSpec, describe, next_run
from app.scheduling.time_input import show_time
from app.store import Database, Schedule, changes
from app.sync.engine import SyncObjectSpec
from app.sync.leases import this_process

DEFAULT_START, DEFAULT_END, DEFAULT_INTERVAL = time(8, 0), time(20, 0), 60
INTERVAL_UNITS = (("Minutes", 1), ("Hours", 60))
"""The interval's units as the dialog lists them, with their length in minutes."""
MAX_INTERVAL_COUNT = 999
"""The largest count of minutes or hours an interval can be."""
INTERVAL_HINT = "15m or 1h (0 to 999 minutes or hours) or off (once per window)"
_UNIT_SUFFIXES = {"m": 1, "min": 1, "h": 60}


def parse_interval(text: str) -> int:
    """An interval typed as "15m", "1h" or "off" (0: once per window) in minutes.

    ValueError says what is wrong; the dialog's count field and unit box allow
    exactly the same values.
    """
    value = text.strip().lower()
    if value in {"off", "0"}:
        return 0
    digits = value.rstrip("minh")
    unit = value[len(digits) :]
    if not digits.isdigit() or unit not in _UNIT_SUFFIXES:
        raise ValueError(f"{text!r} is not an interval ({INTERVAL_HINT})")
    if int(digits) > MAX_INTERVAL_COUNT:
        raise ValueError(f"{text!r} is too long: at most {MAX_INTERVAL_COUNT} minutes or hours")
    return int(digits) * _UNIT_SUFFIXES[unit]


def show_interval(minutes: int) -> str:
    """An interval as ``parse_interval`` reads it ("15m", "2h", "off")."""
    if not minutes:
        return "off"
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def midnight_note(start: time, end: time) -> str:
    """What a window that crosses midnight runs ("" when it does not cross it)."""
    if end >= start:
        return ""
    return f"Crosses midnight: runs {show_time(start)}–24:00 and 00:00–{show_time(end)}"


@dataclass(frozen=True)
class ScheduleDraft:
    """One object's schedule as edited (fits ``calendar.ScheduleLike``)."""

    object: str
    label: str
    enabled: bool = False
    frequency: str = "daily"
    weekdays: str = ""
    window_start: time = DEFAULT_START
    window_end: time = DEFAULT_END
    interval_minutes: int = DEFAULT_INTERVAL
    schedule_id: int | None = None

    def with_changes(self, **changes: Any) -> ScheduleDraft:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def check(self) -> ScheduleSpec:
        """The validated timing; InputError says what is wrong, in the user's words."""
        if self.frequency == "weekly" and not self.weekdays:
            raise InputError(f"{self.label}: choose at least one weekday for a weekly schedule")
        if self.interval_minutes > MAX_INTERVAL_COUNT * 60 or (
            self.interval_minutes > MAX_INTERVAL_COUNT and self.interval_minutes % 60
        ):
            raise InputError(
                f"{self.label}: the interval is at most {MAX_INTERVAL_COUNT} minutes or hours"
            )
        try:
            return ScheduleSpec.of(self)
        except ValueError as exc:
            raise InputError(f"{self.label}: {exc}") from exc

    def summary(self) -> str:
        """The schedule in words ("Daily 08:00–20:00 every 1 h")."""
        return describe(self)

    def next_run(self, tz: tzinfo, after: datetime | None = None) -> datetime | None:
        """When it runs next by the rule (None: disabled or never)."""
        if not self.enabled:
            return None
        try:
            spec = self.check()
        except InputError:
            return None
        return next_run(spec, after or datetime.now(UTC), tz)


def load_drafts(
    db: Database, objects: Mapping[str, SyncObjectSpec], template_id: int
) -> list[ScheduleDraft]:
    """Every object of the template, in dependency order, stored or default."""
    with db.session() as session:
        rows = {
            row.object: row
            for row in session.scalars(select(Schedule).where(Schedule.template_id == template_id))
        }
        drafts = []
        for name, spec in objects.items():
            row = rows.get(name)
            if row is None:
                drafts.append(ScheduleDraft(name, spec.label))
                continue
            drafts.append(
                ScheduleDraft(
                    name,
                    spec.label,
                    row.enabled,
                    row.frequency,
                    row.weekdays,
                    row.window_start,
                    row.window_end,
                    row.interval_minutes,
                    row.id,
                )
            )
        return drafts


def save_drafts(db: Database, template_id: int, drafts: Sequence[ScheduleDraft]) -> int:
    """Write every draft in one transaction; returns how many rows changed."""
    with db.session() as session:
        return write_drafts(session, template_id, drafts)


def write_drafts(session: Session, template_id: int, drafts: Sequence[ScheduleDraft]) -> int:
    """Write every draft in the caller's transaction; returns how many rows changed.

    Each draft is checked first (InputError, as ``ScheduleDraft.check``); an
    object with no row yet gets one only when its draft is not the default.
    """
    for draft in drafts:
        draft.check()
    changed = 0
    rows = {
        row.object: row
        for row in session.scalars(select(Schedule).where(Schedule.template_id == template_id))
    }
    for draft in drafts:
        row = rows.get(draft.object)
        if row is None:
            if draft == ScheduleDraft(draft.object, draft.label):
                continue
            row = Schedule(template_id=template_id, object=draft.object)
            session.add(row)
        values = {
            "enabled": draft.enabled,
            "frequency": draft.frequency,
            "weekdays": draft.weekdays if draft.frequency == "weekly" else "",
            "window_start": draft.window_start,
            "window_end": draft.window_end,
            "interval_minutes": draft.interval_minutes,
        }
        if any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed += 1
    if changed:
        changes.bump(session, changes.SCHEDULES, this_process())
    return changed
