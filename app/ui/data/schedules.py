"""Schedules as the Synchronization Settings form edits them: one draft per object.

A draft is the timing of one object's schedule for a template; objects with
no row yet get a disabled daily default. ``save_drafts`` writes every draft
of a template in one transaction (insert or update), after checking each
with the scheduler's own rule, so the form and the scheduler never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.scheduling.calendar import ScheduleSpec, describe, next_run
from app.store import Database, Schedule, changes
from app.sync.engine import SyncObjectSpec
from app.sync.leases import this_process
from app.ui.data.errors import InputError

DEFAULT_START, DEFAULT_END, DEFAULT_INTERVAL = time(8, 0), time(20, 0), 60


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
