"""Runs one job: lease, retries first, then changes since the watermark, then the log.

Every run of every object goes through here — scheduled, Sync Now, a retry of
chosen records, a preview — with its records from one of three sources:
changes since the watermark (after the pending retries), only the pending
retries, or chosen ids. Each record is applied inside a ``record_work`` on a
worker thread; what it bound (its links and those of the dependencies it
created) is written by the runner's thread with the record's log row, in one
transaction. A preview runs the same way with a context whose clients write
nothing: its run and log rows are kept, but no link, retry or watermark.

A cancel stops reading at once: records already posting are finished and
recorded, those queued for a worker but not started are dropped unposted (the
watermark stays before the first of them, so the next run reads them again).

Records are applied by a pool of workers when the job allows it (several
Service Layer sessions post at once), but results are taken in read order,
so the watermark only ever moves over a prefix of records that are all
committed (created, linked, skipped, or failed and queued for retry). A crash
at any point therefore re-reads from the last committed point, and the jobs'
idempotency turns the re-read into "linked" or "skipped", never a duplicate.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from app.store import Database
from app.sync import leases
from app.sync.binder import RecordWork, record_work
from app.sync.company_setup import require_for_job
from app.sync.job import SyncJob
from app.sync.recorder import RunRecorder, read_watermark, write_watermark
from app.sync.records import (
    Action,
    CancelToken,
    Outcome,
    Progress,
    ProgressCallback,
    RecordError,
    RunError,
    SourceRecord,
    SyncError,
    TransientError,
    WaitingError,
)

log = logging.getLogger(__name__)

WATERMARK_EVERY = 50
IN_FLIGHT_PER_WORKER = 4
"""Records handed to the workers ahead of the oldest unsettled one, per worker: a slow
record (a look-up, a retry) does not leave the other workers without work."""
Applied = tuple[Outcome, RecordWork]
"""A record's outcome and what it bound, as a worker hands them to the runner's thread."""


@dataclass(frozen=True)
class RunResult:
    """How a run ended, for the CLI, the GUI and the tests."""

    run_id: int
    object_name: str
    status: str  # succeeded, partial, failed, cancelled
    total: int
    created: int
    updated: int
    skipped: int
    failed: int
    message: str | None = None
    waiting: int = 0
    preview: bool = False


class Runner:
    """Runs jobs against one store with run leases, logs and watermarks."""

    def __init__(self, database: Database, *, workers: int = 1, holder: str | None = None) -> None:
        self.database = database
        self.workers = max(1, workers)
        self.holder = holder or leases.this_process()

    def run(
        self,
        job: SyncJob,
        template_id: int,
        *,
        trigger: str = "manual",
        full: bool = False,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        retries_only: bool = False,
        only_ids: Sequence[str] | None = None,
    ) -> RunResult:
        """Run the job once; LeaseHeld when another run has the object.

        ``retries_only`` applies only the records waiting for a retry ("Retry failed");
        ``only_ids`` only these records (a retry of a selection). Neither moves the
        watermark. ``dry_run`` needs a job whose context previews.
        """
        cancel = cancel or CancelToken()
        if dry_run and job.binder is not None and not job.preview:
            job.close()
            raise ValueError("a dry run needs a job whose context previews (writes nothing)")
        dry_run = dry_run or job.preview
        try:
            lease = leases.acquire(
                self.database, template_id, job.object_name, holder=leases.for_one_run(self.holder)
            )
        except DBAPIError as exc:
            job.close()
            raise RunError(store_problem(exc)) from exc
        try:
            recorder = RunRecorder(
                self.database,
                template_id,
                job.object_name,
                job.binder,
                trigger=trigger,
                full=full,
                dry_run=dry_run,
            )
            lease.renew(recorder.run_id)
        except DBAPIError as exc:
            _quietly(lease.release, "release the run lease")
            job.close()
            raise RunError(store_problem(exc)) from exc
        status, message = "failed", None
        try:
            with leases.LeaseKeeper(lease, recorder.run_id) as keeper:
                status, message = self._run(
                    job,
                    template_id,
                    recorder,
                    full,
                    dry_run,
                    progress,
                    cancel,
                    keeper,
                    retries_only,
                    only_ids,
                )
        except SyncError as exc:
            status, message = "failed", str(exc)
            log.error("%s run %s stopped: %s", job.object_name, recorder.run_id, exc)
        except DBAPIError as exc:
            status, message = "failed", store_problem(exc)
            log.exception("%s run %s stopped: %s", job.object_name, recorder.run_id, message)
        except Exception as exc:
            status, message = "failed", f"{type(exc).__name__}: {exc}"
            log.exception("%s run %s failed", job.object_name, recorder.run_id)
        finally:
            # A store that cannot take the run's end must not also keep the lease or the
            # connections: each step is tried whatever happened to the one before.
            _quietly(lambda: recorder.finish(status, message), "record the end of the run")
            if job.binder is not None:
                job.binder.run_ended(preview=dry_run)
            _quietly(lease.release, "release the run lease")
            job.close()
        counts = recorder.counts
        return RunResult(
            recorder.run_id,
            job.object_name,
            status,
            recorder.total,
            counts["created"],
            counts["updated"],
            counts["skipped"],
            counts["failed"],
            message,
            waiting=counts["waiting"],
            preview=dry_run,
        )

    def _run(
        self,
        job: SyncJob,
        template_id: int,
        recorder: RunRecorder,
        full: bool,
        dry_run: bool,
        progress: ProgressCallback | None,
        cancel: CancelToken,
        keeper: leases.LeaseKeeper,
        retries_only: bool = False,
        only_ids: Sequence[str] | None = None,
    ) -> tuple[str, str | None]:
        state = Progress()
        recorder.binder.check_company()
        _preflight(job)
        if cancel.cancelled:
            return "cancelled", "cancelled by the user"
        chosen = only_ids is not None
        retries = (
            list(dict.fromkeys(only_ids)) if only_ids is not None else recorder.pending_retries()
        )
        since = (
            None
            if full
            else read_watermark(self.database, template_id, job.object_name, job.direction)
        )
        counted = None if chosen or retries_only else job.count(since)
        if chosen or retries_only:
            state.total = len(retries)
        else:
            state.total = None if counted is None else counted + len(retries)
        retrying = f"{len(retries)} record{'' if len(retries) == 1 else 's'}"
        state.message = f"{job.object_name}: retrying {retrying}"
        if progress:
            progress(state)

        retried: dict[str, datetime | None] = {}

        def retry_source() -> Iterator[SourceRecord]:
            for source_id in retries:
                try:
                    record = job.fetch(source_id)
                except (RecordError, TransientError) as exc:
                    recorder.record(source_id, Outcome(Action.FAILED, message=str(exc)))
                    continue
                if record is None:
                    recorder.record(
                        source_id,
                        Outcome(Action.SKIPPED, message="the record no longer exists"),
                    )
                    continue
                retried[source_id] = record.updated_at
                yield record

        self._apply_all(job, retry_source(), recorder, progress, cancel, keeper, state)
        if cancel.cancelled:
            return "cancelled", "cancelled by the user"
        if retries_only or chosen:
            return retry_status(recorder.counts, recorder.total), None
        state.message = f"{job.object_name}: reading changes"
        newest = self._apply_all(
            job,
            job.read(since),
            recorder,
            progress,
            cancel,
            keeper,
            state,
            template_id=None if dry_run else template_id,
            retried=retried,
        )
        recorder.flush()
        if newest is not None and not dry_run:
            write_watermark(self.database, template_id, job.object_name, job.direction, newest)
        if cancel.cancelled:
            return "cancelled", "cancelled by the user"
        if keeper.lost.is_set():
            return "failed", "the run lease was lost"
        return ("partial" if recorder.counts["failed"] else "succeeded"), None

    def _apply_all(
        self,
        job: SyncJob,
        records: Iterator[SourceRecord],
        recorder: RunRecorder,
        progress: ProgressCallback | None,
        cancel: CancelToken,
        keeper: leases.LeaseKeeper,
        state: Progress,
        template_id: int | None = None,
        retried: Mapping[str, datetime | None] | None = None,
    ) -> datetime | None:
        """Apply records in order; returns the newest updated_at of the committed prefix.

        ``retried``: records this run already applied as retries (with the
        version applied). Listed again unchanged, they are not applied and
        logged a second time (a failed one would count twice), but the
        watermark still moves over them.
        """
        workers = self.workers if job.parallel else 1
        newest: datetime | None = None
        since_mark = 0
        gap = False
        pending: deque[tuple[SourceRecord, Future[Applied | None] | None]] = deque()
        done_here = retried or {}

        def already_applied(record: SourceRecord) -> bool:
            if record.source_id not in done_here:
                return False
            applied_version = done_here[record.source_id]
            return record.updated_at is None or (
                applied_version is not None and record.updated_at <= applied_version
            )

        def settle(record: SourceRecord, future: Future[Applied | None] | None) -> None:
            nonlocal newest, since_mark, gap
            result = None if future is None or future.cancelled() else _result(future, recorder)
            if future is not None and result is None:
                # Dropped by a cancel before a worker started it: not posted, not logged.
                gap = True
                return
            state.done += 1
            if result is not None:
                outcome, work = result
                recorder.record(record.source_id, outcome, work)
                if outcome.failed:
                    state.failed += 1
                    log.warning(
                        "%s %s failed: %s", job.object_name, record.source_id, outcome.message
                    )
            if gap:
                # Posted after a dropped record: recorded, but the watermark stays before
                # the dropped one, so the next run reads it (and links this one) again.
                if progress:
                    progress(state)
                return
            if record.updated_at is not None and (newest is None or record.updated_at > newest):
                newest = record.updated_at
            since_mark += 1
            if template_id is not None and newest is not None and since_mark >= WATERMARK_EVERY:
                recorder.flush()
                write_watermark(self.database, template_id, job.object_name, job.direction, newest)
                since_mark = 0
            if progress:
                progress(state)

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool:
            try:
                for record in records:
                    if cancel.cancelled or keeper.lost.is_set():
                        break
                    # The same record listed twice (a page repeating an id, a record changed
                    # while paging) is applied after its first copy settled, never alongside
                    # it: two workers would both find nothing in SAP and both post.
                    while any(p[0].source_id == record.source_id for p in pending):
                        settle(*pending.popleft())
                    if already_applied(record):
                        pending.append((record, None))
                    else:
                        pending.append((record, pool.submit(_apply_one, job, record, cancel)))
                    while pending and (
                        len(pending) >= workers * IN_FLIGHT_PER_WORKER or _settled(pending[0][1])
                    ):
                        settle(*pending.popleft())
                    if cancel.cancelled:
                        break  # before reading on (the next record may need another page)
            finally:
                # Also when reading failed midway: what was applied is recorded. After a
                # cancel, records a worker has not started yet are dropped, not posted.
                if cancel.cancelled or keeper.lost.is_set():
                    for _record, future in pending:
                        if future is not None:
                            future.cancel()
                while pending:
                    settle(*pending.popleft())
        return newest


def _preflight(job: SyncJob) -> None:
    """The add-on's fields and the template's codes, asked of SAP at the same time.

    Missing fields are reported before wrong codes: they are the first thing to fix.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="preflight-fields") as side:
        fields = side.submit(require_for_job, job)
        try:
            job.preflight()
        except BaseException:
            fields.result()
            raise
        fields.result()


def retry_status(counts: Mapping[str, int], total: int) -> str:
    """How a retry ended: failed when every record it tried failed again, else as any run."""
    failed = counts["failed"]
    if failed and failed == total:
        return "failed"
    return "partial" if failed else "succeeded"


def store_problem(exc: DBAPIError) -> str:
    """A failure of the local store in words (disk full, locked past the busy timeout)."""
    reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
    return (
        f"the local store failed: {reason} (the run stopped; the next run goes on from "
        "the last record it committed)"
    )


def _quietly(step: Callable[[], object], what: str) -> None:
    """Do a clean-up step; a store failure is logged, not raised over the run's own error."""
    try:
        step()
    except DBAPIError:
        log.exception("could not %s", what)


def _result(future: Future[Applied | None], recorder: RunRecorder) -> Applied | None:
    """Wait for a record's result; records held by the recorder are written when due meanwhile."""
    while True:
        try:
            return future.result(timeout=recorder.due_in())
        except FutureTimeout:
            recorder.flush()


def _settled(future: Future[Applied | None] | None) -> bool:
    """Whether a pending entry can be settled now (None: nothing was applied)."""
    return future is None or future.done()


def _apply_one(job: SyncJob, record: SourceRecord, cancel: CancelToken) -> Applied | None:
    """Apply one record: its outcome (a record-level error is FAILED, a wait WAITING) and work.

    None, and nothing posted, when the user cancelled before a worker got to it.
    """
    if cancel.cancelled:
        return None
    with record_work(job.binder) as work:
        try:
            outcome = job.apply(record)
        except WaitingError as exc:
            outcome = Outcome(Action.WAITING, message=str(exc))
        except (RecordError, TransientError) as exc:
            outcome = Outcome(Action.FAILED, message=str(exc))
    return outcome, work
