"""The store over a year: monitor queries on a large record log, and pruning while a run writes.

    uv run python bench/store_year.py --rows 10000000 [--days 120] [--json]

Builds a SQLite store (WAL, the application's schema) whose record log
holds ``--rows`` rows of sales spread over ``--days`` days up to now, in runs
of ``--per-run`` records: one record in 1,000 fails (most go through on a
later retry, one in 100 is still queued), one in 1,000 waits. The rows go in
by one ``INSERT … SELECT`` over a recursive counter, with the log's indexes
built after, and the file is flushed to disk (so the kernel's write-back of
the build does not stall the measurements). Then it times, each the median
of ``--repeat`` calls after a first that warms the cache:

- opening the Sync Monitor: the dashboard, the newest runs, and the newest
  run's records (``app.ui.data.runs``);
- the failure filter: the runs with failures and the failed records of the
  newest of them;
- the daily summary of yesterday (``app.sync.summary``),

against the 200 ms ceiling, and then runs a pruning pass (90 days kept)
while a writer in another process does what a run does: one record's log
row (and a failure's retry entry) per transaction. It reports the
writer's longest commit while pruning (and alone, before), and the pruning
rate.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.store import Database, PendingRetry, RecordLog, Run, Template, open_database
from app.sync.jobs import OBJECTS
from app.sync.pruning import prune
from app.sync.summary import daily_summary
from app.ui.data import runs as monitor

CEILING_MS = 200
RETENTION_DAYS = 90
LOG_INDEXES = (
    "CREATE INDEX ix_record_log_run_id ON record_log (run_id)",
    "CREATE INDEX ix_record_log_run_status ON record_log (run_id, status, action)",
    "CREATE INDEX ix_record_log_status_source ON record_log (status, object, source_id)",
)


def build(path: Path, rows: int, days: int, per_run: int) -> dict[str, Any]:
    """A store at ``path`` with ``rows`` record-log rows over ``days`` days; its figures."""
    started = time.perf_counter()
    database = open_database(f"sqlite:///{path}")
    with database.session() as session:
        template = Template(name="Chain", sap_company_db="SBODEMOUS")
        session.add(template)
        session.flush()
        template_id = template.id
    database.dispose()
    runs = max(1, rows // per_run)
    first = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days)
    step = days * 86400 / rows
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    for name in ("ix_record_log_run_id", "ix_record_log_run_status", "ix_record_log_status_source"):
        connection.execute(f"DROP INDEX {name}")
    stamp = "strftime('%Y-%m-%d %H:%M:%S', :first, '+' || CAST({0} AS INTEGER) || ' seconds')"
    with connection:
        connection.execute(
            "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < :runs) "
            'INSERT INTO runs (id, template_id, object, trigger, "full", dry_run, started_at, '
            "finished_at, status, total, created, updated, skipped, failed, waiting) "
            f"SELECT k + 1, :template, 'sales', 'schedule', 0, 0, "
            f"{stamp.format('k * :per_run * :step')} || '.000000', "
            f"{stamp.format('((k + 1) * :per_run - 1) * :step')} || '.000000', "
            "'succeeded', :per_run, :per_run, 0, 0, 0, 0 FROM n",
            {
                "runs": runs,
                "template": template_id,
                "per_run": per_run,
                "step": step,
                "first": first.isoformat(sep=" "),
            },
        )
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :rows) "
            "INSERT INTO record_log (id, run_id, object, source_id, target_key, action, status, "
            "message, at) SELECT i + 1, MIN(i / :per_run, :runs - 1) + 1, 'sales', "
            "'S' || CASE WHEN i % 1000 = 507 THEN i - 500 ELSE i END, "
            "CASE WHEN i % 1000 IN (7, 9) THEN NULL ELSE 'INV' || i END, "
            "CASE i % 1000 WHEN 7 THEN 'failed' WHEN 9 THEN 'waiting' ELSE 'created' END, "
            "CASE i % 1000 WHEN 7 THEN 'failed' WHEN 9 THEN 'waiting' ELSE 'ok' END, "
            "CASE i % 1000 WHEN 7 THEN 'Enter a valid posting period (-10)' "
            "WHEN 9 THEN 'waits for customer C1' END, "
            f"{stamp.format('i * :step')} || '.000000' FROM n",
            {
                "rows": rows,
                "runs": runs,
                "per_run": per_run,
                "step": step,
                "first": first.isoformat(sep=" "),
            },
        )
        connection.execute(
            "UPDATE runs SET failed = c.failed, waiting = c.waiting, created = runs.total - "
            "c.failed - c.waiting FROM (SELECT run_id, SUM(status = 'failed') AS failed, "
            "SUM(status = 'waiting') AS waiting FROM record_log GROUP BY run_id) AS c "
            "WHERE c.run_id = runs.id"
        )
        connection.execute(
            "INSERT INTO pending_retries (template_id, object, source_id, attempts, last_error, "
            "first_failed_at, last_failed_at) SELECT :template, 'sales', source_id, 1, message, "
            "at, at FROM record_log WHERE (status = 'failed' AND id % 100000 = 8) "
            "OR (status = 'waiting' AND id % 100000 = 10)",
            {"template": template_id},
        )
        connection.execute(
            "DELETE FROM record_log WHERE status = 'ok' AND id % 1000 = 508 "
            "AND (id - 501) % 100000 = 7"
        )
    loaded = time.perf_counter() - started
    for statement in LOG_INDEXES:
        connection.execute(statement)
    connection.commit()
    connection.close()
    with path.open("rb+") as built:
        os.fsync(built.fileno())
    return {
        "rows": rows,
        "runs": runs,
        "days": days,
        "build_seconds": time.perf_counter() - started,
        "insert_seconds": loaded,
        "file_mb": path.stat().st_size / 1e6,
        "template_id": template_id,
    }


def median_ms(call: Any, repeat: int) -> float:
    """The median of ``repeat`` calls after a first one that warms the cache, in milliseconds."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def time_queries(database: Database, template_id: int, repeat: int) -> dict[str, Any]:
    """The monitor's opening, its failure filter and yesterday's daily summary, in ms."""
    names = ["sales"]

    def open_monitor() -> None:
        monitor.dashboard(database, OBJECTS, template_id, None)
        runs = monitor.list_runs(database, template_id, names)
        monitor.list_records(database, template_id, runs[0].id)

    def failures() -> None:
        runs = monitor.list_runs(database, template_id, names, "failed")
        monitor.list_records(database, template_id, runs[0].id, "failed")

    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    figures = {
        "open_monitor_ms": median_ms(open_monitor, repeat),
        "failure_filter_ms": median_ms(failures, repeat),
        "daily_summary_ms": median_ms(lambda: daily_summary(database, yesterday, UTC), repeat),
    }
    summary = daily_summary(database, yesterday, UTC)
    figures["summary_day_records"] = sum(row.succeeded + row.failed for row in summary)
    return figures


def writer(url: str, ready: Any, stop: Any, out: Any) -> None:
    """Log records as a run does, one transaction each; send back (time, commit seconds) pairs.

    Each transaction writes a record's log row (a failure also its retry
    entry) and commits; the time is from its start to the end of the commit,
    so it includes any wait for the write lock. The run belongs to another
    template of the same store, so that the monitor timed after pruning shows
    the same runs as before it.
    """
    database = open_database(url)
    with database.session() as session:
        other = Template(name="Other chain", sap_company_db="SBODEMOUS")
        session.add(other)
        session.flush()
        run = Run(template_id=other.id, object="sales", trigger="bench")
        session.add(run)
        session.flush()
        template_id, run_id = other.id, run.id
    waits: list[tuple[float, float]] = []
    ready.set()
    n = 0
    while not stop.is_set():
        n += 1
        failed = n % 100 == 0
        started = time.perf_counter()
        with database.session() as session:
            session.add(
                RecordLog(
                    run_id=run_id,
                    object="sales",
                    source_id=f"W{n}",
                    target_key=None if failed else f"INV-W{n}",
                    action="failed" if failed else "created",
                    status="failed" if failed else "ok",
                    message="Enter a valid posting period (-10)" if failed else None,
                )
            )
            if failed:
                session.add(
                    PendingRetry(
                        template_id=template_id,
                        object="sales",
                        source_id=f"W{n}",
                        last_error="Enter a valid posting period (-10)",
                    )
                )
        waits.append((time.time(), time.perf_counter() - started))
        time.sleep(0.002)
    with database.session() as session:
        finished = session.get_one(Run, run_id)
        finished.status, finished.total = "partial", n
    database.dispose()
    out.put(waits)


def prune_during_run(path: Path) -> dict[str, Any]:
    """A pruning pass while another process logs records; the writer's waits and the rate."""
    url = f"sqlite:///{path}"
    context = multiprocessing.get_context("spawn")
    ready, stop, out = context.Event(), context.Event(), context.Queue()
    process = context.Process(target=writer, args=(url, ready, stop, out))
    process.start()
    ready.wait(60)
    time.sleep(1.0)
    database = open_database(url)
    asked: list[float] = []

    def between_batches() -> bool:
        asked.append(time.time())
        return False

    began = time.time()
    result = prune(database, UTC, should_stop=between_batches)
    ended = time.time()
    time.sleep(0.5)
    stop.set()
    waits: list[tuple[float, float]] = out.get(timeout=60)
    process.join(30)
    database.dispose()
    during = [w for at, w in waits if began <= at <= ended + 0.1]
    alone = [w for at, w in waits if at < began]
    deleting = asked[0] if asked else ended
    longest = sorted(((w, at) for at, w in waits if began <= at <= ended + 0.1), reverse=True)[:3]
    records = result.records
    assert records is not None
    return {
        "pruned": records.deleted,
        "kept_rows": records.kept,
        "batches": records.batches,
        "prune_seconds": ended - began,
        "delete_seconds": records.seconds,
        "prune_rate": records.deleted / records.seconds if records.seconds else 0.0,
        "summarized_days": result.summarized_days,
        "writer_commits_during": len(during),
        "writer_max_ms_during": max(during, default=0.0) * 1000,
        "writer_p99_ms_during": _p99(during) * 1000,
        "writer_max_ms_alone": max(alone, default=0.0) * 1000,
        "summarize_seconds": deleting - began,
        "writer_longest": [
            {
                "ms": w * 1000,
                "after_s": at - began,
                "while": "summarizing" if at < deleting else "deleting",
            }
            for w, at in longest
        ],
    }


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=120, help="the log spans this many days")
    parser.add_argument("--per-run", type=int, default=1000, help="records per run")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls of each query")
    parser.add_argument("--folder", type=Path, help="where the store goes (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="store-year-"))
    try:
        return measure(folder / "store.sqlite3", args)
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


def measure(path: Path, args: argparse.Namespace) -> int:
    """Build the store at ``path``, time the queries, prune during a run; print the figures."""
    path.unlink(missing_ok=True)
    figures = build(path, args.rows, args.days, args.per_run)
    print(
        f"built {figures['rows']:,} log rows in {figures['runs']:,} runs over {args.days} days: "
        f"{figures['build_seconds']:.0f} s, {figures['file_mb']:.0f} MB",
        flush=True,
    )
    database = open_database(f"sqlite:///{path}")
    figures.update(time_queries(database, figures["template_id"], args.repeat))
    database.dispose()
    for key in ("open_monitor_ms", "failure_filter_ms", "daily_summary_ms"):
        print(f"{key}: {figures[key]:.0f} ms (ceiling {CEILING_MS} ms)", flush=True)
    figures.update(prune_during_run(path))
    print(
        f"pruned {figures['pruned']:,} rows in {figures['delete_seconds']:.1f} s "
        f"({figures['prune_rate']:,.0f} rows/s, {figures['batches']} batches, "
        f"{figures['summarized_days']} days summarized first); writer's longest commit "
        f"{figures['writer_max_ms_during']:.0f} ms during pruning "
        f"({figures['writer_commits_during']} commits), {figures['writer_max_ms_alone']:.0f} ms "
        "alone; longest: "
        + ", ".join(
            f"{w['ms']:.0f} ms {w['after_s']:.1f} s in, {w['while']}"
            for w in figures["writer_longest"]
        ),
        flush=True,
    )
    database = open_database(f"sqlite:///{path}")
    after = time_queries(database, figures["template_id"], args.repeat)
    database.dispose()
    figures.update({f"after_{key}": value for key, value in after.items()})
    figures["ceiling_ms"] = CEILING_MS
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
