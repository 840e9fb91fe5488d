"""What the GUI shows about scheduling: who owns it, and per schedule next and last run.

``read_status`` works from the store alone, so a window can show what the
service does even when its own scheduler stands by or is not started.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from app.scheduling.calendar import describe, next_run
from app.scheduling.owner import SCOPE, current_owner
from app.scheduling.rows import (
    ScheduleEntry,
    last_runs,
    live_leases,
    load_entries,
    record_skip,
)
from app.store import Database
from app.sync.engine import SyncObjectSpec

__all__ = [
    "LastRun",
    "OwnerInfo",
    "ScheduleStatus",
    "SchedulerStatus",
    "read_status",
    "record_skip",
]


@dataclass(frozen=True)
class OwnerInfo:
    """Who owns scheduling: holder ("machine:pid"), kind (service or client), times."""

    holder: str
    kind: str
    since: datetime
    heartbeat_at: datetime
    expires_at: datetime
    stale: bool
    mine: bool


@dataclass(frozen=True)
class LastRun:
    """The newest run of a scheduled object (a skip shows as status "skipped")."""

    run_id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    message: str | None


@dataclass(frozen=True)
class ScheduleStatus:
    """One schedule as the monitor shows it."""

    schedule_id: int
    template_id: int
    template_name: str
    object_name: str
    label: str
    enabled: bool
    summary: str
    next_run: datetime | None
    last_run: LastRun | None
    running_on: str | None
    error: str | None


@dataclass(frozen=True)
class SchedulerStatus:
    """The whole picture: this process's role, the owner, every schedule."""

    role: str
    holder: str
    owner: OwnerInfo | None
    schedules: tuple[ScheduleStatus, ...]
    checked_at: datetime


def read_status(
    database: Database,
    objects: Mapping[str, SyncObjectSpec],
    *,
    tz: tzinfo,
    role: str = "stopped",
    holder: str = "",
    next_runs: Mapping[int, datetime | None] | None = None,
    scope: str = SCOPE,
) -> SchedulerStatus:
    """Read the status from the store; ``next_runs`` (the owner's jobs) wins over the rule."""
    now = datetime.now(UTC)
    owner = current_owner(database, scope)
    entries = load_entries(database, objects)
    runs = last_runs(database, entries)
    leases = live_leases(database)
    schedules = []
    for entry in entries:
        run = runs.get(entry.schedule_id)
        schedules.append(
            ScheduleStatus(
                schedule_id=entry.schedule_id,
                template_id=entry.template_id,
                template_name=entry.template_name,
                object_name=entry.object_name,
                label=entry.label,
                enabled=entry.active,
                summary=describe(entry.spec) if entry.spec else "",
                next_run=_next(entry, next_runs, now, tz),
                last_run=None
                if run is None
                else LastRun(
                    run.id, run.trigger, run.status, run.started_at, run.finished_at, run.message
                ),
                running_on=next(
                    (
                        leases[(entry.template_id, name)]
                        for name in entry.run_objects
                        if (entry.template_id, name) in leases
                    ),
                    None,
                ),
                error=entry.error,
            )
        )
    return SchedulerStatus(
        role=role,
        holder=holder,
        owner=None
        if owner is None
        else OwnerInfo(
            owner.holder,
            owner.kind,
            owner.since,
            owner.heartbeat_at,
            owner.expires_at,
            owner.stale(now),
            owner.holder == holder,
        ),
        schedules=tuple(schedules),
        checked_at=now,
    )


def _next(
    entry: ScheduleEntry,
    next_runs: Mapping[int, datetime | None] | None,
    now: datetime,
    tz: tzinfo,
) -> datetime | None:
    if not entry.active or entry.spec is None:
        return None
    if next_runs is not None and entry.schedule_id in next_runs:
        return next_runs[entry.schedule_id]
    return next_run(entry.spec, now, tz)
