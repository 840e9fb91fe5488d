"""Retry chosen failed records of one job (the monitor's "Retry failed" for a selection).

``Engine.run(..., retries_only=True)`` retries every record waiting for an
object; this retries only the given source ids. It takes the same run lease,
writes a run (trigger ``retry``) and each record's outcome through the
``RunRecorder``, so a record that now goes through leaves the retry queue and
one that fails again stays in it. Watermarks are not touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.store import Database
from app.sync import leases
from app.sync.context import SyncContext
from app.sync.engine import JobFactory, SyncObjectSpec
from app.sync.recorder import RunRecorder
from app.sync.records import (
    Action,
    CancelToken,
    Outcome,
    Progress,
    ProgressCallback,
    RecordError,
    SyncError,
    TransientError,
)
from app.sync.runner import RunResult

RETRY_TRIGGER = "retry"


def job_factory(objects: Mapping[str, SyncObjectSpec], job_name: str) -> JobFactory:
    """The job whose runs are recorded under ``job_name`` ("sales", "customers_up", ...)."""
    for spec in objects.values():
        for factory in spec.jobs:
            if getattr(factory, "object_name", None) == job_name:
                return factory
    raise LookupError(f"no sync job records its runs as {job_name!r}")


def retry_records(
    database: Database,
    objects: Mapping[str, SyncObjectSpec],
    template_id: int,
    job_name: str,
    source_ids: Iterable[str],
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> RunResult:
    """Fetch and apply these records again; LeaseHeld when the job is running elsewhere."""
    ids = list(dict.fromkeys(source_ids))
    cancel = cancel or CancelToken()
    factory = job_factory(objects, job_name)
    lease = leases.acquire(
        database, template_id, job_name, holder=leases.for_one_run(leases.this_process())
    )
    ctx = SyncContext(database, template_id)
    recorder = RunRecorder(database, template_id, job_name, trigger=RETRY_TRIGGER)
    status, message = "failed", None
    try:
        lease.renew(recorder.run_id)
        job = factory(ctx)
        try:
            with leases.LeaseKeeper(lease, recorder.run_id):
                state = Progress(total=len(ids), message=f"{job_name}: retrying {len(ids)}")
                for source_id in ids:
                    if cancel.cancelled:
                        break
                    recorder.record(source_id, _apply(job, source_id))
                    state.done += 1
                    state.failed = recorder.counts["failed"]
                    if progress:
                        progress(state)
        finally:
            job.close()
        if cancel.cancelled:
            status, message = "cancelled", "cancelled by the user"
        else:
            status = "partial" if recorder.counts["failed"] else "succeeded"
    except SyncError as exc:
        status, message = "failed", str(exc)
    finally:
        recorder.finish(status, message)
        lease.release()
        ctx.close()
    counts = recorder.counts
    return RunResult(
        recorder.run_id,
        job_name,
        status,
        recorder.total,
        counts["created"],
        counts["updated"],
        counts["skipped"],
        counts["failed"],
        message,
    )


def _apply(job: object, source_id: str) -> Outcome:
    from app.sync.job import SyncJob

    assert isinstance(job, SyncJob)
    try:
        record = job.fetch(source_id)
        if record is None:
            return Outcome(Action.SKIPPED, message="the record no longer exists")
        return job.apply(record)
    except (RecordError, TransientError) as exc:
        return Outcome(Action.FAILED, message=str(exc))
