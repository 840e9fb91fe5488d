"""Testing a database URL before a desktop is pointed at it: can we connect, what schema is there.

``check_database`` opens the store without upgrading it, reads its Alembic
revision and says in plain words what the client will find: the tables up to
date, an older schema it upgrades at its next start, an empty database it
fills, or a schema newer than this client. Nothing is written. Runs on a
worker thread (a server that does not answer takes a while).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from app.store import Database, DatabaseError, migrate, open_database
from app.store.database import default_url


@dataclass(frozen=True)
class DatabaseCheck:
    """The outcome of a connection test: whether it worked and what to tell the user."""

    ok: bool
    url: str
    revision: str | None
    head: str | None
    message: str


def shown_url(url: URL | str) -> str:
    """A database URL with its password hidden."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def schema_state(revision: str | None, head: str | None) -> str:
    """The schema revision in words, compared with what this client knows."""
    if revision is None:
        return f"empty (no Integration Hub tables yet; this client creates schema {head})"
    if revision == head:
        return f"{revision} (up to date)"
    known = _known_revisions()
    if revision in known:
        return f"{revision} (this client upgrades it to {head} when it starts)"
    return f"{revision} (newer than this client, which knows up to {head}: update the client)"


def current_schema(database: Database) -> str:
    """The open store's schema revision in words."""
    return schema_state(migrate.current_revision(database.engine), migrate.head_revision())


def check_database(url: str | None) -> DatabaseCheck:
    """Connect to ``url`` (None or empty: the local SQLite file) and read its schema revision."""
    raw = (url or "").strip() or default_url()
    shown = shown_url(raw)
    head = migrate.head_revision()
    try:
        database = open_database(raw, upgrade=False)
    except DatabaseError as exc:
        return DatabaseCheck(False, shown, None, head, f"Cannot use {shown}: {exc}")
    if database.url.get_backend_name() == "sqlite" and not _sqlite_exists(database.url):
        database.dispose()
        return DatabaseCheck(
            True,
            shown,
            None,
            head,
            f"The file of {shown} does not exist yet: the client creates it "
            f"(schema {head}) when it starts.",
        )
    try:
        revision = migrate.current_revision(database.engine)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = (str(orig) if orig is not None else str(exc)).strip().splitlines()
        return DatabaseCheck(
            False, shown, None, head, f"Cannot connect to {shown}: {reason[0] if reason else exc}"
        )
    finally:
        database.dispose()
    if revision is not None and revision != head and revision not in _known_revisions():
        return DatabaseCheck(
            False,
            shown,
            revision,
            head,
            f"Connected to {shown}, but its schema is {schema_state(revision, head)}.",
        )
    return DatabaseCheck(
        True, shown, revision, head, f"Connected to {shown}: schema {schema_state(revision, head)}."
    )


def _sqlite_exists(url: URL) -> bool:
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return True
    return Path(name).expanduser().is_file()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    return {rev.revision for rev in script.walk_revisions()}
