"""What the Sync Monitor reads from the store: runs, record outcomes, backlog, and CSV export.

Preview runs (dry runs) are listed with the others, flagged ``dry_run``; the
dashboard's last run and outcome leave them out, since a preview changed nothing.
Runs and objects with waiting records say why they wait, grouped by reason.
A run still running has no counts in its row yet (the recorder writes them at
the end): its counts are those of the record log rows committed so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.scheduling import SchedulerStatus
from app.scheduling.rows import live_leases, run_objects
from app.store import Database, PendingRetry, RecordLog, Run
from app.sync import waiting as waits
from app.sync.engine import SyncObjectSpec

RUN_LIMIT = 500
RECORD_LIMIT = 50_000


@dataclass(frozen=True)
class RunRow:
    """One run as the run history shows it."""

    id: int
    object: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    total: int
    created: int
    updated: int
    skipped: int
    failed: int
    message: str | None
    waiting: int = 0
    dry_run: bool = False
    waiting_reasons: str = ""
    """Why its records wait, grouped ("3 waiting: 2 posting period locked (2026-11), …")."""


@dataclass(frozen=True)
class RecordRow:
    """One record's outcome in a run, SAP's message as SAP wrote it."""

    id: int
    run_id: int
    object: str
    source_id: str
    target_key: str | None
    action: str
    status: str
    message: str | None
    at: datetime
    waiting: bool


@dataclass(frozen=True)
class DashboardRow:
    """One object of a template: last run, outcome, next run, backlog and failures."""

    object: str
    label: str
    last_started: datetime | None
    last_trigger: str
    outcome: str
    next_run: datetime | None
    schedule: str
    waiting: int
    failures: int
    running_on: str | None
    waiting_reasons: str = ""
    """Why the records in its retry queue wait, grouped by reason."""


def list_runs(
    db: Database, template_id: int, objects: Sequence[str] | None = None, status: str = ""
) -> list[RunRow]:
    """The newest runs of a template (of some objects, of one status), newest first.

    ``status`` "failed": runs with failures; "waiting": runs with waiting records.
    """
    query = select(Run).where(Run.template_id == template_id)
    if objects:
        query = query.where(Run.object.in_(objects))
    if status == "failed":
        query = query.where((Run.failed > 0) | (Run.status == "failed"))
    elif status == "waiting":
        query = query.where(Run.waiting > 0)
    elif status:
        query = query.where(Run.status == status)
    with db.session() as session:
        runs = session.scalars(query.order_by(Run.id.desc()).limit(RUN_LIMIT)).all()
        running = _running_counts(session, [r.id for r in runs if r.status == "running"])
        reasons = _run_waiting_reasons(
            session, [r.id for r in runs if r.waiting or running.get(r.id, {}).get("waiting")]
        )
        rows = []
        for r in runs:
            counts = running.get(r.id) or {
                "total": r.total,
                "created": r.created,
                "updated": r.updated,
                "skipped": r.skipped,
                "failed": r.failed,
                "waiting": r.waiting,
            }
            rows.append(
                RunRow(
                    r.id,
                    r.object,
                    r.trigger,
                    r.status,
                    r.started_at,
                    r.finished_at,
                    counts["total"],
                    counts["created"],
                    counts["updated"],
                    counts["skipped"],
                    counts["failed"],
                    r.message,
                    counts["waiting"],
                    r.dry_run,
                    reasons.get(r.id, ""),
                )
            )
        return rows


COUNTED = {
    "created": "created",
    "linked": "created",
    "updated": "updated",
    "cancelled": "updated",
    "failed": "failed",
    "waiting": "waiting",
}
"""How the recorder counts a record's action (anything else is skipped)."""


def _running_counts(session: Session, run_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """The counts of running runs so far, from their committed log rows (as the recorder counts)."""
    if not run_ids:
        return {}
    counts: dict[int, dict[str, int]] = {
        run_id: dict.fromkeys(("total", "created", "updated", "skipped", "failed", "waiting"), 0)
        for run_id in run_ids
    }
    for run_id, action, number in session.execute(
        select(RecordLog.run_id, RecordLog.action, func.count(RecordLog.id))
        .join(Run, Run.id == RecordLog.run_id)
        .where(RecordLog.run_id.in_(run_ids), RecordLog.object == Run.object)
        .group_by(RecordLog.run_id, RecordLog.action)
    ):
        row = counts[run_id]
        row["total"] += number
        row[COUNTED.get(action, "skipped")] += number
    return counts


def _run_waiting_reasons(session: Session, run_ids: Sequence[int]) -> dict[int, str]:
    """Why the waiting records of these runs wait, per run (``app.sync.waiting.describe``)."""
    if not run_ids:
        return {}
    messages: dict[int, list[str | None]] = {}
    for run_id, message in session.execute(
        select(RecordLog.run_id, RecordLog.message).where(
            RecordLog.run_id.in_(run_ids), RecordLog.status == "waiting"
        )
    ):
        messages.setdefault(run_id, []).append(message)
    return {run_id: waits.describe(texts) for run_id, texts in messages.items()}


def list_records(
    db: Database, template_id: int, run_id: int, status: str = "", *, after_id: int = 0
) -> list[RecordRow]:
    """Every record of a run ("failed" or "ok" to filter), in the order they were applied.

    ``after_id``: only the rows logged after that one (the new records of a running run).
    """
    query = select(
        RecordLog.id,
        RecordLog.run_id,
        RecordLog.object,
        RecordLog.source_id,
        RecordLog.target_key,
        RecordLog.action,
        RecordLog.status,
        RecordLog.message,
        RecordLog.at,
    ).where(RecordLog.run_id == run_id, RecordLog.id > after_id)
    if status:
        query = query.where(RecordLog.status == status)
    with db.session() as session:
        rows = session.execute(query.order_by(RecordLog.id).limit(RECORD_LIMIT)).all()
        objects = {row.object for row in rows}
        waiting = {
            (name, source_id)
            for name, source_id in session.execute(
                select(PendingRetry.object, PendingRetry.source_id).where(
                    PendingRetry.template_id == template_id, PendingRetry.object.in_(objects)
                )
            )
        }
        return [RecordRow(*row, (row.object, row.source_id) in waiting) for row in rows]


def dashboard(
    db: Database,
    objects: Mapping[str, SyncObjectSpec],
    template_id: int,
    status: SchedulerStatus | None,
) -> list[DashboardRow]:
    """One row per object of the template, in dependency order."""
    schedules = {
        s.object_name: s
        for s in (status.schedules if status else ())
        if s.template_id == template_id
    }
    leases = live_leases(db)
    with db.session() as session:
        waiting: dict[str, int] = {
            name: count
            for name, count in session.execute(
                select(PendingRetry.object, func.count())
                .where(PendingRetry.template_id == template_id)
                .group_by(PendingRetry.object)
            )
        }
        queued: dict[str, list[str | None]] = {}
        for name, message in session.execute(
            select(PendingRetry.object, PendingRetry.last_error).where(
                PendingRetry.template_id == template_id
            )
        ):
            queued.setdefault(name, []).append(message)
        rows = []
        for name, spec in objects.items():
            names = run_objects(spec)
            last = session.scalars(
                select(Run)
                .where(
                    Run.template_id == template_id,
                    Run.object.in_(names),
                    Run.dry_run.is_(False),
                )
                .order_by(Run.id.desc())
                .limit(1)
            ).first()
            schedule = schedules.get(name)
            rows.append(
                DashboardRow(
                    object=name,
                    label=spec.label,
                    last_started=last.started_at if last else None,
                    last_trigger=last.trigger if last else "",
                    outcome=last.status if last else "",
                    next_run=schedule.next_run if schedule else None,
                    schedule=(schedule.summary if schedule and schedule.enabled else "Manual"),
                    waiting=sum(waiting.get(n, 0) for n in names),
                    failures=last.failed if last else 0,
                    running_on=next(
                        (leases[(template_id, n)] for n in names if (template_id, n) in leases),
                        None,
                    ),
                    waiting_reasons=waits.describe(m for n in names for m in queued.get(n, [])),
                )
            )
        return rows
