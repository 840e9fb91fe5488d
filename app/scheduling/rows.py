"""The store side of scheduling: schedule rows, their last runs, skips and change detection."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.scheduling.calendar import ScheduleSpec
from app.store import Database, Run, RunLease, Schedule, Template
from app.sync.engine import SyncObjectSpec

MESSAGE_LIMIT = 4000
SKIPPED = "skipped"


@dataclass(frozen=True)
class ScheduleEntry:
    """One schedule row as the scheduler uses it: where it runs, what, and when."""

    schedule_id: int
    template_id: int
    template_name: str
    object_name: str
    label: str
    run_objects: tuple[str, ...]
    spec: ScheduleSpec | None
    updated_at: datetime
    error: str | None = None

    @property
    def active(self) -> bool:
        """Whether it fires: enabled, valid, on an active template."""
        return self.spec is not None and self.spec.enabled and self.error is None


def run_objects(spec: SyncObjectSpec) -> tuple[str, ...]:
    """The names under which an object's runs are recorded (one per job, and the object)."""
    names = [spec.name]
    for factory in spec.jobs:
        name = getattr(factory, "object_name", None)
        if isinstance(name, str) and name not in names:
            names.append(name)
    return tuple(names)


def load_entries(database: Database, objects: Mapping[str, SyncObjectSpec]) -> list[ScheduleEntry]:
    """Every schedule row, checked: an unknown object or a bad rule becomes ``error``."""
    with database.session() as session:
        rows = session.execute(
            select(Schedule, Template.name, Template.active)
            .join(Template, Template.id == Schedule.template_id)
            .order_by(Template.name, Schedule.object)
        ).all()
        entries = []
        for schedule, template_name, template_active in rows:
            object_spec = objects.get(schedule.object)
            error = None
            spec = None
            try:
                spec = ScheduleSpec.of(schedule)
            except ValueError as exc:
                error = str(exc)
            if object_spec is None:
                error = f"unknown object {schedule.object!r}"
            elif not template_active and error is None:
                error = f"template {template_name} is inactive"
            entries.append(
                ScheduleEntry(
                    schedule_id=schedule.id,
                    template_id=schedule.template_id,
                    template_name=template_name,
                    object_name=schedule.object,
                    label=object_spec.label if object_spec else schedule.object,
                    run_objects=run_objects(object_spec) if object_spec else (schedule.object,),
                    spec=spec,
                    updated_at=schedule.updated_at,
                    error=error,
                )
            )
        return entries


def fingerprint(database: Database) -> tuple[object, ...]:
    """A cheap summary that changes whenever a schedule (or its template's state) is edited."""
    with database.session() as session:
        rows = session.execute(
            select(Schedule.id, Schedule.updated_at, Template.active, Template.name)
            .join(Template, Template.id == Schedule.template_id)
            .order_by(Schedule.id)
        ).all()
    return tuple(tuple(row) for row in rows)


def last_runs(database: Database, entries: Iterable[ScheduleEntry]) -> dict[int, Run]:
    """The newest run (any trigger, skips included) of each schedule's object."""
    found: dict[int, Run] = {}
    with database.session() as session:
        for entry in entries:
            run = session.scalars(
                select(Run)
                .where(Run.template_id == entry.template_id, Run.object.in_(entry.run_objects))
                .order_by(Run.started_at.desc(), Run.id.desc())
                .limit(1)
            ).first()
            if run is not None:
                found[entry.schedule_id] = run
    return found


def live_leases(database: Database) -> dict[tuple[int, str], str]:
    """Who runs what right now: (template, run object) → holder."""
    now = datetime.now(UTC)
    with database.session() as session:
        rows = session.execute(
            select(RunLease.template_id, RunLease.object, RunLease.holder).where(
                RunLease.expires_at >= now
            )
        ).all()
    return {(template_id, name): holder for template_id, name, holder in rows}


def record_skip(
    database: Database,
    template_id: int,
    object_name: str,
    message: str,
    *,
    trigger: str = "schedule",
    status: str = SKIPPED,
) -> int:
    """Log a scheduled run that did not happen (the object was already running) as a Run row.

    ``status="failed"`` records a run that could not even start (the template
    is gone, its secrets are missing). Returns the new run's id.
    """
    now = datetime.now(UTC)
    with database.session() as session:
        run = Run(
            template_id=template_id,
            object=object_name,
            trigger=trigger,
            started_at=now,
            finished_at=now,
            status=status,
            message=message[:MESSAGE_LIMIT],
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        session.add(run)
        session.flush()
        return run.id
