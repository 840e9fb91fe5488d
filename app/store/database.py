"""Opening the store: URL resolution, engine, sessions and schema upgrade.

The default is a SQLite file in the user's data folder, in WAL mode with
foreign keys on and a busy timeout (see ``app.store.dialects``), so that the desktop client and the
headless service can share it. Any SQLAlchemy URL (PostgreSQL, SQL Server)
can be given instead with ``--database``, ``INTEGRATION_HUB_DATABASE_URL`` or
this machine's settings file (``integration-hub settings set database-url``),
in that order of precedence.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.local_settings import LocalSettingsError, load_local_settings
from app.store import dialects, network_paths

DATABASE_URL_ENV = paths.DATABASE_URL_ENV


class DatabaseError(Exception):
    """The store cannot be opened or upgraded; the message is meant for the user."""


def default_url() -> str:
    """The SQLite file in the user data folder."""
    return f"sqlite:///{paths.data_dir() / 'integration-hub.sqlite3'}"


def configured_url() -> str | None:
    """The URL saved in this machine's settings file (None: the local SQLite file)."""
    try:
        return load_local_settings().database_url
    except LocalSettingsError as exc:
        raise DatabaseError(str(exc)) from None


def resolve_url(explicit: str | None = None) -> URL:
    """The database URL: ``--database``, the environment, the settings file, or the default.

    Raises DatabaseError with one readable line for a malformed URL, a
    database driver that is not installed or an unreadable settings file.
    """
    raw = explicit or os.environ.get(DATABASE_URL_ENV) or configured_url() or default_url()
    try:
        url = make_url(raw)
        url.get_dialect()
    except NoSuchModuleError:
        raise DatabaseError(
            f"unsupported database URL {_safe(raw)!r}: no SQLAlchemy dialect "
            f"{raw.split(':', 1)[0]!r} is installed"
        ) from None
    except ArgumentError:
        raise DatabaseError(
            f"invalid database URL {_safe(raw)!r}: expected e.g. sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user@host/dbname"
        ) from None
    return url


def _safe(raw: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return raw


def create_store_engine(url: URL) -> Engine:
    """An engine for the URL, set up for its database (``app.store.dialects``).

    A SQLite file gets its folder created; one on a network share is refused
    (``app.store.network_paths``).
    """
    folder = dialects.sqlite_folder(url)
    if folder is not None:
        reason = network_paths.network_share_reason(url.database or "")
        if reason is not None:
            raise DatabaseError(network_paths.refusal(url.database or "", reason))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"cannot create the database folder {folder}: {exc.strerror}"
            ) from None
    try:
        engine = create_engine(url, **dialects.engine_arguments(url))
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"the database driver {exc.name!r} for {url.drivername} is not installed"
        ) from None
    dialects.prepare_engine(engine)
    return engine


class Database:
    """The opened store: an engine plus a session factory, upgraded to the latest schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> URL:
        """The engine's URL (render with ``hide_password=True`` before showing it)."""
        return self.engine.url

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and by default upgrade) the store; failures become one clear DatabaseError."""
    from app.store import migrate

    resolved = resolve_url(url)
    engine = create_store_engine(resolved)
    try:
        if upgrade:
            migrate.upgrade(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        shown = resolved.render_as_string(hide_password=True)
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig is not None else str(exc)
        raise DatabaseError(f"cannot open the database {shown}: {reason.splitlines()[0]}") from None
    return Database(engine)
