"""A pruning pass: keep the daily summaries of old days, then delete their record detail.

The cutoff is the start of a local day, ``retention`` days back, so a day is
either whole in the record log or summarized in ``daily_summaries``. The
scheduling owner (the service, or the desktop client that schedules) runs a
pass once a day in a background thread (``due`` / ``start_background``);
``integration-hub store prune`` runs one by command.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.store import Database, Run
from app.store import retention as kept
from app.sync import summary

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class PassResult:
    """What one pass did: the days it summarized and the rows it pruned."""

    retention_days: int
    summarized_days: int
    records: kept.PruneResult | None
    """None when the retention is 0 (everything kept)."""


def cutoff_day(days: int, tz: tzinfo, now: datetime | None = None) -> date:
    """The first local day whose detail is kept."""
    return ((now or datetime.now(UTC)) - timedelta(days=days)).astimezone(tz).date()


def summarize_before(database: Database, first_kept: date, tz: tzinfo) -> int:
    """Keep the summary of every day before ``first_kept`` that has runs; days summarized."""
    start, _ = summary.day_bounds(first_kept, tz)
    with database.session() as session:
        oldest = session.scalar(
            select(func.min(Run.started_at)).where(Run.started_at < start, Run.dry_run.is_(False))
        )
    if oldest is None:
        return 0
    day, done = oldest.astimezone(tz).date(), 0
    while day < first_kept:
        try:
            if summary.keep_day(database, day, tz):
                done += 1
        except IntegrityError:
            log.info("the summary of %s was kept by another process meanwhile", day)
        day += timedelta(days=1)
    return done


def prune(
    database: Database,
    tz: tzinfo,
    *,
    now: datetime | None = None,
    days: int | None = None,
    dry_run: bool = False,
    batch_rows: int = kept.BATCH_ROWS,
    pause: float = kept.PAUSE_SECONDS,
    should_stop: Callable[[], bool] = lambda: False,
) -> PassResult:
    """One pass: summarize the days before the cutoff, then delete their detail in batches.

    ``days`` overrides the store's retention for this pass; a dry run
    counts what would go and writes nothing.
    """
    retention = kept.retention_days(database) if days is None else kept.check_days(days)
    if retention == 0:
        return PassResult(0, 0, None)
    first_kept = cutoff_day(retention, tz, now)
    cutoff, _ = summary.day_bounds(first_kept, tz)
    summarized = 0 if dry_run else summarize_before(database, first_kept, tz)
    records = kept.prune_records(
        database,
        cutoff,
        batch_rows=batch_rows,
        pause=pause,
        dry_run=dry_run,
        should_stop=should_stop,
    )
    if not dry_run and not should_stop():
        kept.mark_pruned(database, now or datetime.now(UTC))
    return PassResult(retention, summarized, records)


def due(database: Database, now: datetime | None = None) -> bool:
    """Whether a day has gone by since the last pass (or none ran yet)."""
    last = kept.last_pruned(database)
    return last is None or (now or datetime.now(UTC)) - last >= PRUNE_EVERY


class BackgroundPruner:
    """Runs a pass in a daemon thread when one is due, at most one at a time per process."""

    def __init__(self, database: Database, tz: tzinfo) -> None:
        self.database = database
        self.tz = tz
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def poke(self) -> bool:
        """Start a pass if one is due and none runs here; whether one started."""
        if self._thread is not None and self._thread.is_alive():
            return False
        try:
            if not due(self.database):
                return False
        except SQLAlchemyError as exc:
            log.warning("cannot tell when the store was last pruned: %s", exc)
            return False
        self._thread = threading.Thread(target=self._run, name="store-pruning", daemon=True)
        self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running pass to end; whether none runs any more."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask a running pass to stop after its current batch, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            result = prune(self.database, self.tz, should_stop=self._stop.is_set)
        except Exception:
            log.exception("pruning the store's record log failed")
            return
        if result.records is not None:
            log.info(
                "pruned %d record-log rows older than %s (%d kept, %d days summarized)",
                result.records.deleted,
                result.records.cutoff.isoformat(),
                result.records.kept,
                result.summarized_days,
            )
