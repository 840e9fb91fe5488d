"""The runner's promises, with a job over a plain in-memory source and target.

The jobs of the real objects are tested end to end against both sandboxes;
here the rules the runner alone owns are pinned down: the watermark moves only
over committed records, failed records are retried next run, a cancel stops
between records, and a second run is refused while the first holds the lease.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.store import Database, PendingRetry, RecordLog, Run, Template
from app.sync.job import SyncJob
from app.sync.leases import LeaseHeld
from app.sync.recorder import read_watermark
from app.sync.records import (
    Action,
    CancelToken,
    LinkWrite,
    Outcome,
    RecordError,
    RunError,
    SourceRecord,
)
from app.sync.runner import Runner

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class ListJob(SyncJob):
    """Copies numbered source rows into a dict, refusing the ids in ``bad``."""

    object_name = "sales"
    direction = "to_sap"
    parallel = True

    def __init__(self, count: int, bad: set[str] | None = None) -> None:
        self.source = {
            f"s{n:03d}": SourceRecord(f"s{n:03d}", T0 + timedelta(seconds=n // 2), n)
            for n in range(count)
        }
        self.target: dict[str, int] = {}
        self.bad = bad or set()
        self.fatal_at: str | None = None
        self.reads: list[datetime | None] = []
        self.gate: threading.Event | None = None
        self.lock = threading.Lock()

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        self.reads.append(since)
        for record in self.source.values():
            if since is None or (record.updated_at and record.updated_at >= since):
                yield record

    def fetch(self, source_id: str) -> SourceRecord | None:
        return self.source.get(source_id)

    def count(self, since: datetime | None) -> int | None:
        return sum(1 for _ in self.read(since))

    def apply(self, record: SourceRecord, dry_run: bool = False) -> Outcome:
        if self.gate is not None:
            self.gate.wait(5)
        if record.source_id == self.fatal_at:
            raise RunError("Fail to get DB Credentials from SLD server")
        if record.source_id in self.bad:
            raise RecordError(f"Item code 'X{record.payload}' not found [INV1.ItemCode]")
        with self.lock:
            if record.source_id in self.target:
                return Outcome(Action.SKIPPED, target_key=record.source_id)
            self.target[record.source_id] = record.payload
        return Outcome(
            Action.CREATED,
            target_key=f"13:{record.payload}",
            link=LinkWrite(tagrain_id=record.source_id, sap_key=f"13:{record.payload}"),
        )


@pytest.fixture
def database(any_database: Database) -> Database:
    """The runner's rules hold on SQLite and on PostgreSQL."""
    return any_database


@pytest.fixture
def template_id(database: Database) -> int:
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        return template.id


def test_a_run_applies_everything_and_a_second_run_changes_nothing(
    database: Database, template_id: int
) -> None:
    job = ListJob(120)
    runner = Runner(database, workers=4)
    result = runner.run(job, template_id)
    assert (result.status, result.created, result.failed) == ("succeeded", 120, 0)
    assert len(job.target) == 120
    newest = max(r.updated_at for r in job.source.values() if r.updated_at)
    assert read_watermark(database, template_id, "sales", "to_sap") == newest

    second = runner.run(job, template_id)
    assert second.created == 0
    assert job.reads[-1] == newest, "the next run reads inclusively from the watermark"
    assert second.skipped == second.total > 0


def test_failed_records_are_logged_retried_and_do_not_block_the_rest(
    database: Database, template_id: int
) -> None:
    job = ListJob(30, bad={"s007", "s021"})
    runner = Runner(database, workers=3)
    result = runner.run(job, template_id, trigger="schedule")
    assert (result.status, result.created, result.failed) == ("partial", 28, 2)
    with database.session() as session:
        failed = session.scalars(select(RecordLog).where(RecordLog.status == "failed")).all()
        assert {r.source_id for r in failed} == {"s007", "s021"}
        assert (
            failed[0].message
            == f"Item code 'X{int(failed[0].source_id[1:])}' not found [INV1.ItemCode]"
        )
        assert {p.source_id for p in session.scalars(select(PendingRetry))} == {"s007", "s021"}

    job.bad = set()
    retry = runner.run(job, template_id)
    assert retry.created == 2
    with database.session() as session:
        assert session.scalars(select(PendingRetry)).all() == []
    assert len(job.target) == 30


def test_a_failure_at_the_watermark_is_applied_and_counted_once_per_run(
    database: Database, template_id: int
) -> None:
    job = ListJob(10, bad={"s009"})
    runner = Runner(database, workers=2)
    first = runner.run(job, template_id)
    assert first.failed == 1
    assert read_watermark(database, template_id, "sales", "to_sap") == job.source["s009"].updated_at

    second = runner.run(job, template_id)

    assert second.failed == 1, "retried once, not retried and then applied again as listed"
    with database.session() as session:
        logged = session.scalars(
            select(RecordLog.source_id).where(
                RecordLog.run_id == second.run_id, RecordLog.source_id == "s009"
            )
        ).all()
    assert logged == ["s009"]
    assert read_watermark(database, template_id, "sales", "to_sap") == job.source["s009"].updated_at

    job.source["s009"] = SourceRecord("s009", T0 + timedelta(minutes=5), 9)
    job.bad = set()
    third = runner.run(job, template_id)
    assert third.failed == 0 and job.target["s009"] == 9
    assert read_watermark(database, template_id, "sales", "to_sap") == T0 + timedelta(minutes=5)


def test_a_fatal_error_stops_the_run_and_keeps_the_watermark_behind(
    database: Database, template_id: int
) -> None:
    job = ListJob(200)
    job.fatal_at = "s150"
    result = Runner(database, workers=1).run(job, template_id)
    assert result.status == "failed"
    assert result.message == "Fail to get DB Credentials from SLD server"
    mark = read_watermark(database, template_id, "sales", "to_sap")
    assert mark is not None and mark <= job.source["s150"].updated_at
    job.fatal_at = None
    again = Runner(database, workers=1).run(job, template_id)
    assert again.status == "succeeded"
    assert len(job.target) == 200


def test_a_retry_in_which_every_record_fails_again_is_failed_not_partial(
    database: Database, template_id: int
) -> None:
    job = ListJob(10, bad={"s002", "s005"})
    runner = Runner(database, workers=2)
    assert runner.run(job, template_id).status == "partial"

    again = runner.run(job, template_id, trigger="retry", retries_only=True)
    assert (again.status, again.total, again.failed) == ("failed", 2, 2)
    chosen = runner.run(job, template_id, trigger="retry", only_ids=["s002"])
    assert (chosen.status, chosen.failed) == ("failed", 1)

    job.bad = {"s005"}
    half = runner.run(job, template_id, trigger="retry", retries_only=True)
    assert (half.status, half.created, half.failed) == ("partial", 1, 1)
    with database.session() as session:
        statuses = session.scalars(select(Run.status).order_by(Run.id)).all()
    assert statuses == ["partial", "failed", "failed", "partial"]


def test_cancel_stops_between_records_and_leaves_a_consistent_watermark(
    database: Database, template_id: int
) -> None:
    job = ListJob(400)
    cancel = CancelToken()

    def on_progress(progress: object) -> None:
        if len(job.target) >= 50:
            cancel.cancel()

    result = Runner(database, workers=2).run(job, template_id, progress=on_progress, cancel=cancel)
    assert result.status == "cancelled"
    assert 50 <= len(job.target) < 400
    mark = read_watermark(database, template_id, "sales", "to_sap")
    assert mark is not None
    committed = {r.source_id for r in job.source.values() if r.updated_at and r.updated_at < mark}
    # the read is inclusive, so records at the watermark itself are read again next run
    assert committed <= set(job.target), "the watermark passed a record that was not applied"
    Runner(database, workers=2).run(job, template_id)
    assert len(job.target) == 400


def test_a_second_run_of_the_same_object_is_refused_while_the_first_runs(
    database: Database, template_id: int
) -> None:
    job = ListJob(5)
    job.gate = threading.Event()
    first = threading.Thread(target=Runner(database).run, args=(job, template_id))
    first.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while True:
            with database.session() as session:
                if session.scalars(select(Run).where(Run.status == "running")).first():
                    break
            assert datetime.now(UTC) < deadline
        with pytest.raises(LeaseHeld):
            Runner(database, holder="OTHER:1").run(ListJob(1), template_id)
    finally:
        job.gate.set()
        first.join(timeout=10)
    with database.session() as session:
        assert [r.status for r in session.scalars(select(Run))] == ["succeeded"]


def test_two_runs_in_one_process_are_kept_apart_too(database: Database, template_id: int) -> None:
    job = ListJob(5)
    job.gate = threading.Event()
    runner = Runner(database)
    first = threading.Thread(target=runner.run, args=(job, template_id))
    first.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while True:
            with database.session() as session:
                if session.scalars(select(Run).where(Run.status == "running")).first():
                    break
            assert datetime.now(UTC) < deadline
        with pytest.raises(LeaseHeld):
            runner.run(ListJob(1), template_id)
    finally:
        job.gate.set()
        first.join(timeout=10)


def test_records_done_reach_the_store_while_a_later_record_is_still_posting(
    database: Database, template_id: int
) -> None:
    """Records are written in small groups, but none waits long for the next record.

    The monitor reads the log while a run goes on: the records before a slow one
    must be there while it is still posting, not only when the run ends.
    """
    job = ListJob(6)
    slow = "s005"
    release = threading.Event()
    seen_while_posting: list[int] = []
    original = job.apply

    def apply(record: SourceRecord, dry_run: bool = False) -> Outcome:
        if record.source_id == slow:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with database.session() as session:
                    logged = len(session.scalars(select(RecordLog.source_id)).all())
                if logged >= 5:
                    seen_while_posting.append(logged)
                    break
                release.wait(0.05)
        return original(record, dry_run)

    job.apply = apply  # type: ignore[method-assign]
    result = Runner(database, workers=2).run(job, template_id)
    assert result.created == 6
    assert seen_while_posting == [5], "the five records before the slow one were not logged"
