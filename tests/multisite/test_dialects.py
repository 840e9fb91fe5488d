"""The dialect module: engine setup, the schema-upgrade lock, and skip-locked reads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import mssql, postgresql, sqlite

from app.store import DatabaseError, RunLease, Template, dialects, migrate, open_database
from app.store.database import create_store_engine, resolve_url


def test_sqlite_connections_get_wal_foreign_keys_and_a_busy_timeout(tmp_path) -> None:
    engine = create_store_engine(resolve_url(f"sqlite:///{tmp_path / 'a' / 'store.db'}"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_skip_locked_renders_per_database() -> None:
    query = dialects.for_update_skip_locked(
        select(RunLease).where(RunLease.template_id == 1), RunLease
    )
    on_postgresql = str(query.compile(dialect=postgresql.dialect()))
    on_mssql = str(query.compile(dialect=mssql.dialect()))
    assert on_postgresql.rstrip().endswith("FOR UPDATE SKIP LOCKED")
    assert "FROM run_leases WITH (UPDLOCK, ROWLOCK, READPAST)" in on_mssql
    assert "FOR UPDATE" not in on_mssql
    assert dialects.skips_locked_rows("postgresql") and dialects.skips_locked_rows("mssql")
    assert not dialects.skips_locked_rows(sqlite.dialect())


def test_a_locked_row_is_skipped_not_waited_for(postgres_url: str) -> None:
    database = open_database(postgres_url)
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        now = datetime.now(UTC)
        session.add(
            RunLease(
                template_id=template.id,
                object="sales",
                holder="a:1",
                acquired_at=now,
                expires_at=now + timedelta(minutes=1),
            )
        )
    query = dialects.for_update_skip_locked(select(RunLease), RunLease)
    with database.session() as holder:
        assert [row.holder for row in holder.scalars(query)] == ["a:1"]
        with database.session() as other:
            started = datetime.now(UTC)
            assert list(other.scalars(query)) == []
            assert datetime.now(UTC) - started < timedelta(seconds=2)
            assert [row.holder for row in other.scalars(select(RunLease))] == ["a:1"]
    with database.session() as later:
        assert [row.holder for row in later.scalars(query)] == ["a:1"]
    database.dispose()


def test_desktops_starting_at_once_upgrade_a_new_database_once(postgres_url: str) -> None:
    starters = 4
    barrier = threading.Barrier(starters)
    errors: list[BaseException] = []

    def start() -> None:
        engine = create_store_engine(resolve_url(postgres_url))
        try:
            barrier.wait()
            migrate.upgrade(engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    engine = create_store_engine(resolve_url(postgres_url))
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_an_older_version_says_a_newer_one_upgraded_the_shared_store(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database = open_database(url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    with pytest.raises(DatabaseError, match="schema revision 9999, which a newer version"):
        open_database(url)
