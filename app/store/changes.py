"""Change stamps: one revision number per kind of shared data, bumped with every edit.

Several desktops (and the service) share one store. Whoever writes marks,
schedules or templates calls ``bump(session, scope, by)`` inside the same
transaction as the edit: one atomic ``UPDATE ... SET revision = revision + 1``
(an INSERT the first time), so two writers never lose a bump, on SQLite as on
PostgreSQL or SQL Server. An open client polls ``read_stamps`` every few
seconds and reloads what it shows when a number moved.

A client must not reload after its own edits (its forms already show them),
so every committed bump is remembered per engine in this process;
``only_ours`` tells whether a range of revisions came entirely from here.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.store.database import Database
from app.store.models import ChangeStamp

MARKS = "marks"
SCHEDULES = "schedules"
TEMPLATES = "templates"
"""Template fields, connections and mappings."""
SCOPES = (MARKS, SCHEDULES, TEMPLATES)
OWN_MEMORY = 1000
"""How many of its own bumps per scope a process remembers."""

_PENDING = "change_stamps.pending"
_lock = threading.Lock()
_own: weakref.WeakKeyDictionary[Engine, dict[str, deque[int]]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Stamp:
    """A scope's revision, when it last moved and who moved it ("machine:pid")."""

    scope: str
    revision: int
    changed_at: datetime | None
    changed_by: str | None


def bump(session: Session, scope: str, by: str) -> int:
    """Count one change of ``scope`` in the session's transaction; returns the new revision."""
    now = datetime.now(UTC)
    statement = (
        update(ChangeStamp)
        .where(ChangeStamp.scope == scope)
        .values(revision=ChangeStamp.revision + 1, changed_at=now, changed_by=by)
    )
    if session.execute(statement).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(ChangeStamp(scope=scope, revision=1, changed_at=now, changed_by=by))
        except IntegrityError:
            session.execute(statement)
    revision = int(
        session.scalar(select(ChangeStamp.revision).where(ChangeStamp.scope == scope)) or 0
    )
    session.info.setdefault(_PENDING, []).append((scope, revision))
    return revision


def read_stamps(database: Database) -> dict[str, Stamp]:
    """Every scope's stamp as the store has it now."""
    with database.session() as session:
        rows = session.scalars(select(ChangeStamp)).all()
        return {
            row.scope: Stamp(row.scope, row.revision, row.changed_at, row.changed_by)
            for row in rows
        }


def read_revisions(database: Database) -> dict[str, int]:
    """Every scope's revision number."""
    return {scope: stamp.revision for scope, stamp in read_stamps(database).items()}


def only_ours(database: Database, scope: str, after: int, upto: int) -> bool:
    """Whether every revision of ``scope`` in (after, upto] was committed by this process."""
    with _lock:
        mine = set(_own.get(database.engine, {}).get(scope, ()))
    return all(revision in mine for revision in range(after + 1, upto + 1))


def _engine_of(session: Session) -> Engine | None:
    bind: Any = session.bind
    if isinstance(bind, Engine):
        return bind
    return getattr(bind, "engine", None)


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_PENDING, None)
    engine = _engine_of(session)
    if not pending or engine is None:
        return
    with _lock:
        scopes = _own.setdefault(engine, {})
        for scope, revision in pending:
            scopes.setdefault(scope, deque(maxlen=OWN_MEMORY)).append(revision)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    session.info.pop(_PENDING, None)
