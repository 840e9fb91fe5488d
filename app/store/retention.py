"""How long the store keeps record detail, and deleting older detail in small transactions.

The record log grows with every record of every run (a chain at 100,000
receipts a day adds gigabytes a year), so its rows are kept for a
store-wide number of days (``RETENTION_KEY`` in ``store_settings``, 90 by
default, 0 keeps everything). Older rows are deleted by primary-key range,
two thousand per transaction, with a pause between transactions, so a
sync run writing at the same time waits at most one short batch: on SQLite
(WAL) the write lock is held for one batch only, on PostgreSQL only the
deleted rows are locked.

Kept whatever their age: runs (with their counts), links, pending retries,
watermarks, and the newest failed or waiting log row of every record still
queued for a retry (what ``runs --failed`` and the monitor show for it).
The daily summaries of pruned days are kept by the caller
(``app.sync.pruning``) before it deletes their detail.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from app.store.database import Database
from app.store.models import PendingRetry, RecordLog, Run, StoreSetting, utcnow

RETENTION_KEY = "record_retention_days"
LAST_PRUNED_KEY = "record_log_pruned_at"
DEFAULT_RETENTION_DAYS = 90
MAX_RETENTION_DAYS = 3650
BATCH_ROWS = 2000
PAUSE_SECONDS = 0.05
"""Between two batches: long enough for a waiting writer's busy handler to get the lock."""


class RetentionError(ValueError):
    """A retention period out of range; the message is meant for the user."""


def retention_days(database: Database) -> int:
    """How many days of record detail the store keeps (0: everything)."""
    with database.session() as session:
        value = session.get(StoreSetting, RETENTION_KEY)
    if value is None:
        return DEFAULT_RETENTION_DAYS
    try:
        return int(value.value)
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def check_days(days: int) -> int:
    """``days`` if it is a retention the store accepts, else RetentionError."""
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise RetentionError(
            f"the retention must be 0 (keep everything) to {MAX_RETENTION_DAYS} days, not {days}"
        )
    return days


def set_retention_days(database: Database, days: int, *, by: str | None = None) -> None:
    """Save the store-wide retention (every desktop and the service use it)."""
    check_days(days)
    _write(database, RETENTION_KEY, str(days), by)


def last_pruned(database: Database) -> datetime | None:
    """When a pruning pass last finished on this store (by any process)."""
    with database.session() as session:
        value = session.get(StoreSetting, LAST_PRUNED_KEY)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.value)
    except ValueError:
        return None


def mark_pruned(database: Database, at: datetime) -> None:
    """Remember that a pruning pass finished at ``at``."""
    _write(database, LAST_PRUNED_KEY, at.astimezone(UTC).isoformat(), None)


def _write(database: Database, key: str, value: str, by: str | None) -> None:
    who = by or f"{socket.gethostname()}:{os.getpid()}"
    with database.session() as session:
        row = session.get(StoreSetting, key)
        if row is None:
            session.add(StoreSetting(key=key, value=value, changed_at=utcnow(), changed_by=who))
        else:
            row.value, row.changed_at, row.changed_by = value, utcnow(), who


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    """The time before which record detail goes, ``days`` back from ``now``."""
    return (now or utcnow()) - timedelta(days=days)


@dataclass(frozen=True)
class PruneResult:
    """What a pruning pass deleted (or, for a dry run, would delete) and kept."""

    cutoff: datetime
    deleted: int
    kept: int
    batches: int
    seconds: float
    dry_run: bool = False

    @property
    def rate(self) -> float:
        """Rows deleted per second."""
        return self.deleted / self.seconds if self.seconds > 0 else 0.0


def kept_rows(session: Session) -> set[int]:
    """The log rows kept at any age: the newest failure or wait of each queued record."""
    newest = (
        select(func.max(RecordLog.id))
        .join(Run, Run.id == RecordLog.run_id)
        .join(
            PendingRetry,
            (PendingRetry.template_id == Run.template_id)
            & (PendingRetry.object == RecordLog.object)
            & (PendingRetry.source_id == RecordLog.source_id),
        )
        .where(RecordLog.status.in_(("failed", "waiting")), Run.dry_run.is_(False))
        .group_by(PendingRetry.id)
    )
    return set(session.scalars(newest))


def prune_bound(connection: Connection | Session, cutoff: datetime) -> int:
    """The first log id at or after ``cutoff`` (ids grow with time), by binary search on ids.

    A handful of primary-key look-ups instead of an index on the time
    column, which every insert of every run would have to maintain.
    """
    low = connection.scalar(select(func.min(RecordLog.id)))
    high = connection.scalar(select(func.max(RecordLog.id)))
    if low is None or high is None:
        return 0
    if _at_or_after(connection, low) >= cutoff:
        return low
    if _at_or_after(connection, high) < cutoff:
        return high + 1
    while high - low > 1:
        middle = (low + high) // 2
        if _at_or_after(connection, middle) < cutoff:
            low = middle
        else:
            high = middle
    return high


def _at_or_after(connection: Connection | Session, row_id: int) -> datetime:
    """The time of the first row with an id of at least ``row_id``."""
    at = connection.scalar(
        select(RecordLog.at).where(RecordLog.id >= row_id).order_by(RecordLog.id).limit(1)
    )
    if at is None:
        raise LookupError(row_id)
    return at


def prune_records(
    database: Database,
    cutoff: datetime,
    *,
    batch_rows: int = BATCH_ROWS,
    pause: float = PAUSE_SECONDS,
    dry_run: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
) -> PruneResult:
    """Delete log rows older than ``cutoff`` but the kept ones, one short transaction per batch.

    Batches are ranges of ``batch_rows`` ids, each its own transaction,
    followed by ``pause`` seconds so that writers waiting for the lock get
    it. ``should_stop`` is asked between batches (a service shutting down).
    """
    started = time.perf_counter()
    with database.session() as session:
        kept = kept_rows(session)
        low = session.scalar(select(func.min(RecordLog.id))) or 0
        bound = prune_bound(session, cutoff)
        if dry_run:
            count = session.scalar(
                select(func.count(RecordLog.id)).where(RecordLog.id < bound, RecordLog.at < cutoff)
            )
            spared = sum(1 for row_id in kept if row_id < bound)
            return PruneResult(
                cutoff,
                (count or 0) - spared,
                spared,
                0,
                time.perf_counter() - started,
                dry_run=True,
            )
    deleted = batches = 0
    kept_old = sorted(row_id for row_id in kept if row_id < bound)
    start = low
    while start < bound and not should_stop():
        end = min(start + batch_rows, bound)
        within = [row_id for row_id in kept_old if start <= row_id < end]
        statement = delete(RecordLog).where(
            RecordLog.id >= start, RecordLog.id < end, RecordLog.at < cutoff
        )
        if within:
            statement = statement.where(RecordLog.id.not_in(within))
        with database.engine.begin() as connection:
            removed = connection.execute(statement).rowcount or 0
            following = connection.scalar(select(func.min(RecordLog.id)).where(RecordLog.id >= end))
        deleted += removed
        batches += 1
        start = bound if following is None else following
        if removed and start < bound and pause > 0:
            time.sleep(pause)
    return PruneResult(cutoff, deleted, len(kept_old), batches, time.perf_counter() - started)
