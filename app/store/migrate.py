"""Alembic, driven from code: the application upgrades its store on start.

The migration scripts live in ``app/store/migrations`` and ship inside the
package, so an installed build (or the PyInstaller bundle) can upgrade a
user's database without an ``alembic.ini`` on disk.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from app.store import dialects

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at our scripts; with an engine, bound to its connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision``; a database already there is left alone.

    The upgrade holds the database's schema-upgrade lock
    (``dialects.lock_for_migration``) and looks at the revision again once it
    has it, so desktops that start a new version at the same moment upgrade
    the shared database once, one after the other.
    """
    current = current_revision(engine)
    if current == head_revision():
        return
    _refuse_newer(current)
    with engine.begin() as connection:
        dialects.lock_for_migration(connection)
        if revision == "head" and _revision_of(connection) == head_revision():
            return
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _refuse_newer(revision: str | None) -> None:
    """DatabaseError when a newer version of the program has upgraded the store already."""
    script = ScriptDirectory.from_config(alembic_config())
    if revision is None or revision in {s.revision for s in script.walk_revisions()}:
        return
    from app.store.database import DatabaseError

    raise DatabaseError(
        f"the database is at schema revision {revision}, which a newer version of "
        f"Integration Hub made; this version knows up to {head_revision()}: "
        "update Integration Hub on this machine"
    )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return _revision_of(connection)


def _revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
