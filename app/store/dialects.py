"""Everything the store does differently per database, in one place.

The rest of the code uses portable SQLAlchemy Core and ORM only. What cannot
be portable lives here, one function per need, keyed on the dialect name
(``engine.dialect.name``): ``"sqlite"`` (the default local file),
``"postgresql"`` (a shared server) and ``"mssql"`` (SQL Server, which most SAP
Business One sites already run; untested here, written from its
documentation so that a site needs only the driver, ``pyodbc``).

- ``engine_arguments`` / ``prepare_engine``: SQLite's timeout and pragmas
  (WAL, foreign keys, busy timeout); a liveness check of pooled
  connections for servers.
- ``sqlite_folder``: the folder a SQLite file needs.
- ``lock_for_migration``: a lock held while Alembic upgrades the schema, so
  that two desktops starting a new version at once do not both create the
  same tables.
- ``skips_locked_rows`` / ``for_update_skip_locked``: ``SELECT ... FOR
  UPDATE SKIP LOCKED`` on PostgreSQL, the ``UPDLOCK, ROWLOCK, READPAST``
  table hints on SQL Server (SQLAlchemy's mssql dialect silently drops
  ``with_for_update``), nothing on SQLite, where the callers keep their
  single conditional statements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, event, text
from sqlalchemy.engine import URL, Dialect

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
MSSQL = "mssql"

SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK_KEY = 0x4855_4221
"""PostgreSQL advisory lock id of schema upgrades (any constant shared by all clients)."""
MIGRATION_LOCK_NAME = "integration-hub-schema-upgrade"
MIGRATION_LOCK_TIMEOUT_MS = 120_000
MSSQL_SKIP_LOCKED_HINT = "WITH (UPDLOCK, ROWLOCK, READPAST)"

S = TypeVar("S", bound=Select[Any])


def _name(dialect: Dialect | str) -> str:
    return dialect if isinstance(dialect, str) else dialect.name


def engine_arguments(url: URL) -> dict[str, Any]:
    """Keyword arguments of ``create_engine`` for this database."""
    if url.get_backend_name() == SQLITE:
        return {
            "connect_args": {
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "check_same_thread": False,
            }
        }
    return {"pool_pre_ping": True}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def prepare_engine(engine: Engine) -> None:
    """Per-connection setup: SQLite gets WAL, foreign keys and a busy timeout."""
    if engine.dialect.name == SQLITE:
        event.listen(engine, "connect", _sqlite_pragmas)


def sqlite_folder(url: URL) -> Path | None:
    """The folder a SQLite file URL needs (None for memory databases and servers)."""
    if url.get_backend_name() != SQLITE:
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().parent


def lock_for_migration(connection: Connection) -> None:
    """Hold the schema-upgrade lock until the connection's transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQL Server: an
    application lock owned by the transaction. SQLite: nothing; the client
    and the service of one machine share the file, and its own write lock
    serialises their statements.
    """
    name = connection.dialect.name
    if name == POSTGRESQL:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif name == MSSQL:
        connection.execute(
            text(
                "EXEC sp_getapplock @Resource = :name, @LockMode = 'Exclusive', "
                "@LockOwner = 'Transaction', @LockTimeout = :timeout"
            ),
            {"name": MIGRATION_LOCK_NAME, "timeout": MIGRATION_LOCK_TIMEOUT_MS},
        )


def skips_locked_rows(dialect: Dialect | str) -> bool:
    """Whether a locking read can skip rows another transaction has locked."""
    return _name(dialect) in (POSTGRESQL, MSSQL)


def for_update_skip_locked(statement: S, entity: Any) -> S:
    """The SELECT locking the rows it returns and skipping rows locked by others.

    Renders ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and the ``UPDLOCK,
    ROWLOCK, READPAST`` hints on ``entity`` on SQL Server. Only call it where
    ``skips_locked_rows`` is true: SQLite would take it as a plain SELECT.
    """
    locked = statement.with_for_update(skip_locked=True)
    return locked.with_hint(entity, MSSQL_SKIP_LOCKED_HINT, dialect_name=MSSQL)
