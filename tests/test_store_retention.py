"""Record detail is kept for the store's retention period; pruning keeps what must stay.

The store is filled as runs leave it: runs, their log rows, links and
retries, some older than the retention. Pruning must delete the old detail
and keep links, retries, runs with their counts, the newest failure (or
wait) of each record still queued, and the daily summaries of pruned days;
it commits batch by batch, so another connection writes in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic, sleep

import pytest
from sqlalchemy import create_engine, func, select, text

from app.store import Database, Link, PendingRetry, RecordLog, Run, Template, open_database
from app.store import retention as kept
from app.sync import pruning
from app.sync.summary import daily_summary

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
OLD_DAY = date(2026, 8, 1)
"""Four months back: older than the 90 days kept by default."""
RECENT_DAY = date(2026, 12, 1)


@dataclass
class Filled:
    """What the store holds before pruning."""

    template_id: int
    old_ok: list[int]
    recent_ok: list[int]
    old_failures_of_queued: list[int]
    newest_failure_of_queued: int
    newest_wait_of_queued: int
    resolved_failure: int


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _run(session: object, template_id: int, started: datetime, failed: int = 0) -> Run:
    run = Run(
        template_id=template_id,
        object="sales",
        trigger="schedule",
        started_at=started,
        finished_at=started + timedelta(minutes=5),
        status="partial" if failed else "succeeded",
        total=3,
        created=3 - failed,
        failed=failed,
    )
    session.add(run)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return run


def _log(
    session: object, run: Run, source_id: str, status: str, at: datetime, message: str = ""
) -> int:
    action = {"ok": "created", "failed": "failed", "waiting": "waiting"}[status]
    row = RecordLog(
        run_id=run.id,
        object="sales",
        source_id=source_id,
        target_key=f"INV-{source_id}" if status == "ok" else None,
        action=action,
        status=status,
        message=message or None,
        at=at,
    )
    session.add(row)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return row.id


def fill(database: Database) -> Filled:
    """An old day (a sale retried into SAP, one still failing, one waiting) and a recent day."""
    with database.session() as session:
        template = Template(name="Main", sap_company_db="SBODEMOUS")
        session.add(template)
        session.flush()
        tid = template.id
        first = _run(session, tid, _at(OLD_DAY, 9), failed=2)
        old_ok = [_log(session, first, "S1", "ok", _at(OLD_DAY, 9, 1))]
        resolved = _log(session, first, "S2", "failed", _at(OLD_DAY, 9, 2), "period locked")
        stuck_first = _log(session, first, "S3", "failed", _at(OLD_DAY, 9, 3), "no price")
        second = _run(session, tid, _at(OLD_DAY, 10), failed=1)
        old_ok.append(_log(session, second, "S2", "ok", _at(OLD_DAY, 10, 1)))
        stuck_newest = _log(session, second, "S3", "failed", _at(OLD_DAY, 10, 2), "no price yet")
        waits = _log(session, second, "S4", "waiting", _at(OLD_DAY, 10, 3), "waits for C9")
        recent = _run(session, tid, _at(RECENT_DAY, 9))
        recent_ok = [_log(session, recent, f"R{n}", "ok", _at(RECENT_DAY, 9, n)) for n in range(3)]
        session.add_all(
            [
                PendingRetry(
                    template_id=tid,
                    object="sales",
                    source_id="S3",
                    attempts=2,
                    last_error="no price yet",
                    first_failed_at=_at(OLD_DAY, 9, 3),
                    last_failed_at=_at(OLD_DAY, 10, 2),
                ),
                PendingRetry(
                    template_id=tid,
                    object="sales",
                    source_id="S4",
                    last_error="waits for C9",
                    first_failed_at=_at(OLD_DAY, 10, 3),
                    last_failed_at=_at(OLD_DAY, 10, 3),
                ),
                Link(
                    template_id=tid,
                    object="sales",
                    tagrain_id="S1",
                    sap_key="INV-S1",
                    sap_company_db="SBODEMOUS",
                    synced_at=_at(OLD_DAY, 9, 1),
                ),
            ]
        )
    return Filled(tid, old_ok, recent_ok, [stuck_first], stuck_newest, waits, resolved)


def _ids(database: Database) -> set[int]:
    with database.session() as session:
        return set(session.scalars(select(RecordLog.id)))


def test_the_store_keeps_90_days_unless_an_administrator_changes_it(
    any_database: Database,
) -> None:
    assert kept.retention_days(any_database) == kept.DEFAULT_RETENTION_DAYS == 90
    kept.set_retention_days(any_database, 30, by="admin@desk1")
    assert kept.retention_days(any_database) == 30
    kept.set_retention_days(any_database, 0)
    assert kept.retention_days(any_database) == 0
    for wrong in (-1, kept.MAX_RETENTION_DAYS + 1):
        with pytest.raises(kept.RetentionError, match="0 \\(keep everything\\) to 3650 days"):
            kept.set_retention_days(any_database, wrong)
    assert kept.retention_days(any_database) == 0


def test_pruning_deletes_old_detail_and_keeps_what_must_stay(any_database: Database) -> None:
    filled = fill(any_database)
    summary_before = daily_summary(any_database, OLD_DAY, UTC)
    assert [(r.runs, r.succeeded, r.retried, r.failed, r.waiting) for r in summary_before] == [
        (2, 2, 1, 1, 2)
    ]

    result = pruning.prune(any_database, UTC, now=NOW, pause=0)

    assert result.retention_days == 90
    assert result.summarized_days == 1
    assert result.records is not None
    assert result.records.cutoff == datetime(2026, 9, 7, tzinfo=UTC)
    remaining = _ids(any_database)
    assert remaining == {
        *filled.recent_ok,
        filled.newest_failure_of_queued,
        filled.newest_wait_of_queued,
    }
    assert result.records.deleted == 4  # two successes, the resolved and the older failure
    assert result.records.kept == 2
    with any_database.session() as session:
        assert session.scalar(select(func.count(Link.id))) == 1
        assert sorted(session.scalars(select(PendingRetry.source_id))) == ["S3", "S4"]
        runs = session.scalars(select(Run).order_by(Run.id)).all()
        assert [(r.total, r.created, r.failed) for r in runs] == [(3, 1, 2), (3, 2, 1), (3, 3, 0)]
    assert daily_summary(any_database, OLD_DAY, UTC) == summary_before
    assert kept.last_pruned(any_database) == NOW


def test_a_dry_run_counts_and_deletes_nothing(any_database: Database) -> None:
    fill(any_database)
    before = _ids(any_database)
    result = pruning.prune(any_database, UTC, now=NOW, dry_run=True)
    assert result.records is not None
    assert (result.records.deleted, result.records.kept) == (4, 2)
    assert _ids(any_database) == before
    assert kept.last_pruned(any_database) is None


def test_a_retention_of_zero_keeps_everything(any_database: Database) -> None:
    fill(any_database)
    before = _ids(any_database)
    kept.set_retention_days(any_database, 0)
    assert pruning.prune(any_database, UTC, now=NOW).records is None
    assert _ids(any_database) == before


def test_a_shorter_retention_prunes_recent_days_too(any_database: Database) -> None:
    filled = fill(any_database)
    kept.set_retention_days(any_database, 2)
    pruning.prune(any_database, UTC, now=NOW, pause=0)
    assert _ids(any_database) == {filled.newest_failure_of_queued, filled.newest_wait_of_queued}
    recent = daily_summary(any_database, RECENT_DAY, UTC)
    assert [(r.runs, r.succeeded) for r in recent] == [(1, 3)]


@pytest.fixture
def second_connection(any_database: Database) -> Iterator[object]:
    """Another connection to the same database, as another process would have.

    On SQLite it waits for no lock at all (busy timeout 0): a write while
    the pruner held its transaction would fail at once with "database is locked".
    """
    url = any_database.url
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 0})
    else:
        engine = create_engine(url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def test_pruning_commits_each_batch_so_another_writer_gets_in(
    any_database: Database, second_connection: object
) -> None:
    connection = second_connection
    with any_database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        run = _run(session, template.id, _at(OLD_DAY, 9))
        for n in range(50):
            _log(session, run, f"S{n}", "ok", _at(OLD_DAY, 9))
    seen: list[tuple[int, int]] = []

    def between_batches() -> bool:
        remaining = connection.execute(  # type: ignore[attr-defined]
            text("SELECT COUNT(*) FROM record_log WHERE run_id = :run"), {"run": run.id}
        ).scalar_one()
        connection.execute(  # type: ignore[attr-defined]
            text(
                "INSERT INTO record_log (run_id, object, source_id, action, status, at) "
                "VALUES (:run, 'sales', :source, 'created', 'ok', :at)"
            ),
            {"run": run.id, "source": f"NEW{len(seen)}", "at": datetime(2026, 12, 6, 12)},
        )
        connection.commit()  # type: ignore[attr-defined]
        seen.append((len(seen), remaining))
        return False

    result = kept.prune_records(
        any_database,
        datetime(2026, 9, 7, tzinfo=UTC),
        batch_rows=10,
        pause=0,
        should_stop=between_batches,
    )

    assert result.deleted == 50
    assert result.batches == 5
    remaining = [count for _, count in seen]
    assert remaining == [50, 40 + 1, 30 + 2, 20 + 3, 10 + 4]
    with any_database.session() as session:
        sources = session.scalars(select(RecordLog.source_id).where(RecordLog.run_id == run.id))
        assert sorted(sources) == sorted(f"NEW{n}" for n in range(len(seen)))


def test_a_pass_is_due_once_a_day(any_database: Database) -> None:
    assert pruning.due(any_database, NOW)
    pruning.prune(any_database, UTC, now=NOW)
    assert not pruning.due(any_database, NOW + timedelta(hours=23))
    assert pruning.due(any_database, NOW + timedelta(hours=24))


def test_the_background_pruner_prunes_when_due_and_only_then(database: Database) -> None:
    filled = fill(database)
    kept.set_retention_days(database, 2)
    pruner = pruning.BackgroundPruner(database, UTC)
    assert pruner.poke()
    assert pruner.wait(60)
    assert _ids(database) == {filled.newest_failure_of_queued, filled.newest_wait_of_queued}
    assert kept.last_pruned(database) is not None
    assert not pruner.poke()


def test_the_scheduling_owner_prunes_the_store(database: Database) -> None:
    from app.scheduling.scheduler import SchedulerConfig, SyncScheduler
    from app.sync.jobs import OBJECTS

    filled = fill(database)
    kept.set_retention_days(database, 2)
    scheduler = SyncScheduler(database, OBJECTS, SchedulerConfig(tz=UTC, poll_seconds=0.1))
    scheduler.start()
    try:
        assert scheduler.role.value == "owner"
        deadline = monotonic() + 60
        while kept.last_pruned(database) is None and monotonic() < deadline:
            sleep(0.05)
    finally:
        scheduler.stop()
    assert kept.last_pruned(database) is not None
    assert _ids(database) == {filled.newest_failure_of_queued, filled.newest_wait_of_queued}


def test_opening_a_store_twice_keeps_the_setting(database_file: object) -> None:
    url = f"sqlite:///{database_file}"
    first = open_database(url)
    kept.set_retention_days(first, 45)
    first.dispose()
    second = open_database(url)
    assert kept.retention_days(second) == 45
    second.dispose()
