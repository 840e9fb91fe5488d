"""The scheduler-owner heartbeat: which process fires the schedules.

APScheduler 3 keeps its jobs per process, so every process that could fire
(the desktop client, ``integration-hub service``, a second desktop on a
shared database) builds its own triggers, and this one row decides which of
them fires. The owner renews ``expires_at`` every few seconds; the others
stand by and take over once the row is stale: expired, or held by a process
of this machine that no longer runs (``leases.holder_is_dead``). A service
takes ownership from a client at once, so a service started beside an open
desktop client becomes the one that schedules. Claims are single
conditional statements, so two processes cannot both win.

Where locked rows can be skipped (PostgreSQL; SQL Server through READPAST),
a takeover reads the row with ``SELECT ... FOR UPDATE SKIP LOCKED`` and
decides under its lock: every process beats every few seconds, and a
standby should never queue behind the owner's renewal (or behind a
transaction stuck on a dropped connection); a row locked by someone else
simply means "not ours this beat".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.store import Database, SchedulerOwner, dialects
from app.sync.leases import holder_is_dead, this_process

SCOPE = "scheduler"
SERVICE = "service"
CLIENT = "client"
DEFAULT_OWNER_TTL = timedelta(seconds=60)


@dataclass(frozen=True)
class Owner:
    """A snapshot of the owner row."""

    holder: str
    kind: str
    since: datetime
    heartbeat_at: datetime
    expires_at: datetime

    def stale(self, now: datetime | None = None) -> bool:
        """Whether another process may take over."""
        now = now or datetime.now(UTC)
        return self.expires_at < now or holder_is_dead(self.holder)


def current_owner(database: Database, scope: str = SCOPE) -> Owner | None:
    """The owner row as it is now, stale or not (None if nobody ever owned)."""
    with database.session() as session:
        row = session.get(SchedulerOwner, scope)
        if row is None:
            return None
        return Owner(row.holder, row.kind, row.since, row.heartbeat_at, row.expires_at)


class OwnerClaim:
    """This process's claim on scheduling; ``beat()`` claims or renews it."""

    def __init__(
        self,
        database: Database,
        kind: str = CLIENT,
        *,
        holder: str | None = None,
        ttl: timedelta = DEFAULT_OWNER_TTL,
        scope: str = SCOPE,
    ) -> None:
        if kind not in (SERVICE, CLIENT):
            raise ValueError(f"unknown scheduler kind {kind!r}")
        self.database = database
        self.kind = kind
        self.holder = holder or this_process()
        self.ttl = ttl
        self.scope = scope
        self.valid_until: datetime | None = None

    def owned(self, now: datetime | None = None) -> bool:
        """Whether our last successful heartbeat still covers ``now`` (no database call)."""
        now = now or datetime.now(UTC)
        return self.valid_until is not None and now < self.valid_until

    def beat(self) -> bool:
        """Renew our ownership or take it if it is free, stale or a client's; True if ours."""
        now = datetime.now(UTC)
        owned = self._renew(now) or self._take(now)
        self.valid_until = now + self.ttl if owned else None
        return owned

    def release(self) -> None:
        """Give ownership up so that a standby takes over at its next heartbeat."""
        self.valid_until = None
        with self.database.session() as session:
            session.execute(
                delete(SchedulerOwner).where(
                    SchedulerOwner.scope == self.scope, SchedulerOwner.holder == self.holder
                )
            )

    def _renew(self, now: datetime) -> bool:
        with self.database.session() as session:
            result = session.execute(
                update(SchedulerOwner)
                .where(SchedulerOwner.scope == self.scope, SchedulerOwner.holder == self.holder)
                .values(kind=self.kind, heartbeat_at=now, expires_at=now + self.ttl)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def _take(self, now: datetime) -> bool:
        if dialects.skips_locked_rows(self.database.engine.dialect):
            return self._take_under_row_lock(now)
        takeable = SchedulerOwner.expires_at < now
        if self.kind == SERVICE:
            takeable = takeable | (SchedulerOwner.kind == CLIENT)
        if self._update_where(now, takeable):
            return True
        if self._insert_once(now):
            return True
        with self.database.session() as session:
            current = session.scalars(
                select(SchedulerOwner).where(SchedulerOwner.scope == self.scope)
            ).first()
            holder = None if current is None else current.holder
        if holder is None:
            return self._insert_once(now)
        return holder_is_dead(holder) and self._update_where(now, SchedulerOwner.holder == holder)

    def _take_under_row_lock(self, now: datetime) -> bool:
        """Take ownership deciding under the row's lock; a row locked by another is not takeable."""
        query = select(SchedulerOwner).where(SchedulerOwner.scope == self.scope)
        with self.database.session() as session:
            row = session.scalars(dialects.for_update_skip_locked(query, SchedulerOwner)).first()
            if row is not None:
                takeable = (
                    row.expires_at < now
                    or (self.kind == SERVICE and row.kind == CLIENT)
                    or holder_is_dead(row.holder)
                )
                if takeable:
                    row.holder, row.kind, row.since = self.holder, self.kind, now
                    row.heartbeat_at, row.expires_at = now, now + self.ttl
                return takeable
        with self.database.session() as session:
            if session.scalars(query).first() is not None:
                return False
        return self._insert_once(now)

    def _update_where(self, now: datetime, condition: object) -> bool:
        with self.database.session() as session:
            result = session.execute(
                update(SchedulerOwner)
                .where(SchedulerOwner.scope == self.scope, condition)  # type: ignore[arg-type]
                .values(
                    holder=self.holder,
                    kind=self.kind,
                    since=now,
                    heartbeat_at=now,
                    expires_at=now + self.ttl,
                )
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def _insert_once(self, now: datetime) -> bool:
        try:
            with self.database.session() as session:
                session.add(self._row(now))
            return True
        except IntegrityError:
            return False

    def _row(self, now: datetime) -> SchedulerOwner:
        return SchedulerOwner(
            scope=self.scope,
            holder=self.holder,
            kind=self.kind,
            since=now,
            heartbeat_at=now,
            expires_at=now + self.ttl,
        )
