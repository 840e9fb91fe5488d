"""``integration-hub store retention|prune`` through a real process, as an administrator runs it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.store import RecordLog, Run, open_database
from app.store import retention as kept
from tests.test_cli import run_cli
from tests.test_store_retention import fill


def _shift_to_now(database_file: Path) -> None:
    """Move the filled store's old day to 100 days ago and its recent day to yesterday."""
    database = open_database(f"sqlite:///{database_file}")
    fill(database)
    today = datetime.now(UTC).date()
    old = (today - timedelta(days=100)) - date(2026, 8, 1)
    recent = (today - timedelta(days=1)) - date(2026, 12, 1)
    with database.session() as session:
        for run in session.scalars(select(Run)):
            offset = recent if run.started_at.date() == date(2026, 12, 1) else old
            run.started_at += offset
            for row in run.records:
                row.at += offset
    database.dispose()


def test_an_administrator_sets_the_retention_and_prunes(
    isolated_home: Path, database_file: Path
) -> None:
    url = f"sqlite:///{database_file}"
    _shift_to_now(database_file)

    shown = run_cli("--database", url, "store", "retention", home=isolated_home)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["record detail kept: 90 days", "last pruned: never"]

    preview = run_cli("--database", url, "store", "prune", "--dry-run", home=isolated_home)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("would delete 4 record-log rows older than ")
    assert "kept 2 older rows of records still waiting for a retry" in preview.stdout

    pruned = run_cli("--database", url, "store", "prune", home=isolated_home)
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.startswith("deleted 4 record-log rows older than ")
    assert "kept the daily summaries of 1 days" in pruned.stdout
    database = open_database(url)
    with database.session() as session:
        assert len(session.scalars(select(RecordLog.id)).all()) == 5
    assert kept.last_pruned(database) is not None
    database.dispose()

    failed = run_cli("--database", url, "runs", "--failed", home=isolated_home)
    assert failed.returncode == 0, failed.stderr
    lines = failed.stdout.splitlines()
    assert len(lines) == 2
    assert "Main  sales  S4: waiting: waits for C9" in lines[0]
    assert "Main  sales  S3: no price yet" in lines[1]

    changed = run_cli("--database", url, "store", "retention", "0", home=isolated_home)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines()[0] == "record detail kept: everything (never pruned)"
    nothing = run_cli("--database", url, "store", "prune", home=isolated_home)
    assert nothing.stdout == "the store keeps everything (retention 0): nothing pruned\n"


def test_a_wrong_retention_is_one_line_and_exit_2(isolated_home: Path) -> None:
    for args in (["store", "retention", "-5"], ["store", "prune", "--days", "lots"]):
        result = run_cli(*args, home=isolated_home)
        assert result.returncode == 2, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("integration-hub: error: ")
    database = open_database()
    assert kept.retention_days(database) == 90
    database.dispose()
