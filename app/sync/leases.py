"""Run leases: one run per object and template at a time, across processes and machines.

A lease is a row in the store with a holder ("machine:pid") and an expiry. Taking it is one
atomic statement (an INSERT, or an UPDATE that only matches an expired row or
our own), so two processes racing for it cannot both win, on SQLite as on
PostgreSQL or SQL Server. A running job renews its lease; a crashed process's
lease is taken over once it expires, never while it is alive; on the same
machine a holder whose process is gone is known dead at once.

On databases with row locks that can be skipped (PostgreSQL; SQL Server
through READPAST) the lease row is read with ``SELECT ... FOR UPDATE SKIP
LOCKED`` and decided on under its lock instead. Correctness is the same;
what it adds is that a contender never waits: a conditional UPDATE on a row
another transaction has locked (a keeper renewing, another contender taking
over, or a transaction stuck on a dropped connection that the server has
not noticed yet) blocks until that transaction ends, while a skipped row
means "somebody is at it" and gives LeaseHeld at once, so Sync Now answers
and a scheduled fire records its skip instead of hanging.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.store import Database, Run, RunLease, dialects

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(minutes=2)
RUN_SEPARATOR = "#"
ABANDONED = (
    "the process running it stopped before it finished "
    "(its lease expired or its process was gone, and another run took the object over)"
)


def this_process() -> str:
    """The holder name of this process: machine and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is still running."""
    if sys.platform == "win32":
        import ctypes

        synchronize, still_active = 0x00100000 | 0x1000, 259
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(synchronize, False, pid)
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder_is_dead(holder: str) -> bool:
    """Whether a lease holder is a process of this machine that no longer runs.

    Only a process on this machine can be checked; a holder on another machine
    keeps its lease until it expires.
    """
    process = holder.partition(RUN_SEPARATOR)[0]
    host, _, pid = process.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid))


def for_one_run(process: str) -> str:
    """A holder name unique to one run of this process (``machine:pid#token``).

    Two runs in the same process (a scheduled run and Sync Now) are two holders,
    so the lease keeps them apart as it keeps two machines apart.
    """
    return f"{process}{RUN_SEPARATOR}{uuid.uuid4().hex[:8]}"


class LeaseHeld(Exception):
    """Another run holds the object; says who and since when."""

    def __init__(self, object_name: str, holder: str, since: datetime, run_id: int | None) -> None:
        self.object_name = object_name
        self.holder = holder
        self.since = since
        self.run_id = run_id
        local = since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        run = f" (run {run_id})" if run_id else ""
        super().__init__(f"{object_name} is already running on {holder} since {local}{run}")


class LeaseLost(Exception):
    """Our lease expired and someone else took it: the run must stop."""


@dataclass
class Lease:
    """A lease this process holds; renew it while working, release it when done."""

    database: Database
    template_id: int
    object_name: str
    holder: str
    ttl: timedelta
    acquired_at: datetime

    def renew(self, run_id: int | None = None) -> None:
        """Push the expiry forward; LeaseLost if another holder has it now."""
        now = datetime.now(UTC)
        values: dict[str, object] = {"expires_at": now + self.ttl}
        if run_id is not None:
            values["run_id"] = run_id
        with self.database.session() as session:
            result = session.execute(
                update(RunLease)
                .where(
                    RunLease.template_id == self.template_id,
                    RunLease.object == self.object_name,
                    RunLease.holder == self.holder,
                )
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost(f"the lease on {self.object_name} was taken over")

    def release(self) -> None:
        """Give the lease up (only if it is still ours)."""
        with self.database.session() as session:
            session.execute(
                delete(RunLease).where(
                    RunLease.template_id == self.template_id,
                    RunLease.object == self.object_name,
                    RunLease.holder == self.holder,
                )
            )


def acquire(
    database: Database,
    template_id: int,
    object_name: str,
    *,
    holder: str | None = None,
    ttl: timedelta = DEFAULT_TTL,
    run_id: int | None = None,
) -> Lease:
    """Take the lease or raise LeaseHeld naming the current holder.

    Whoever holds the lease is the only one running the object, so a run of
    it still marked "running" belongs to a holder that died (or lost the
    lease): it is closed as failed, saying so, instead of showing as running
    forever in every monitor.
    """
    lease = _acquire(
        database, template_id, object_name, holder=holder or this_process(), ttl=ttl, run_id=run_id
    )
    try:
        close_abandoned_runs(database, template_id, object_name, keep=run_id)
    except SQLAlchemyError as exc:
        log.warning("could not close the abandoned runs of %s: %s", object_name, exc)
    return lease


def close_abandoned_runs(
    database: Database, template_id: int, object_name: str, *, keep: int | None = None
) -> int:
    """Mark runs of the object still "running" as failed (call holding its lease); how many."""
    now = datetime.now(UTC)
    condition = [Run.template_id == template_id, Run.object == object_name]
    if keep is not None:
        condition.append(Run.id != keep)
    with database.session() as session:
        result = session.execute(
            update(Run)
            .where(*condition, Run.status == "running")
            .values(status="failed", finished_at=now, message=ABANDONED)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _acquire(
    database: Database,
    template_id: int,
    object_name: str,
    *,
    holder: str,
    ttl: timedelta,
    run_id: int | None,
) -> Lease:
    if dialects.skips_locked_rows(database.engine.dialect):
        return _acquire_under_row_lock(database, template_id, object_name, holder, ttl, run_id)
    now = datetime.now(UTC)
    with database.session() as session:
        taken = session.execute(
            update(RunLease)
            .where(
                RunLease.template_id == template_id,
                RunLease.object == object_name,
                (RunLease.expires_at < now) | (RunLease.holder == holder),
            )
            .values(holder=holder, acquired_at=now, expires_at=now + ttl, run_id=run_id)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return Lease(database, template_id, object_name, holder, ttl, now)
    lease = _insert_lease(database, template_id, object_name, holder, ttl, run_id, now)
    if lease is not None:
        return lease
    with database.session() as session:
        current = session.scalars(
            select(RunLease).where(
                RunLease.template_id == template_id, RunLease.object == object_name
            )
        ).first()
    if current is None:  # released between our two statements: try once more
        return _acquire(database, template_id, object_name, holder=holder, ttl=ttl, run_id=run_id)
    if holder_is_dead(current.holder):
        with database.session() as session:
            taken = session.execute(
                update(RunLease)
                .where(
                    RunLease.template_id == template_id,
                    RunLease.object == object_name,
                    RunLease.holder == current.holder,
                )
                .values(holder=holder, acquired_at=now, expires_at=now + ttl, run_id=run_id)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return Lease(database, template_id, object_name, holder, ttl, now)
        return _acquire(database, template_id, object_name, holder=holder, ttl=ttl, run_id=run_id)
    raise LeaseHeld(object_name, current.holder, current.acquired_at, current.run_id)


def _insert_lease(
    database: Database,
    template_id: int,
    object_name: str,
    holder: str,
    ttl: timedelta,
    run_id: int | None,
    now: datetime,
) -> Lease | None:
    """Insert the object's lease row; None when another process inserted it first."""
    try:
        with database.session() as session:
            session.add(
                RunLease(
                    template_id=template_id,
                    object=object_name,
                    holder=holder,
                    run_id=run_id,
                    acquired_at=now,
                    expires_at=now + ttl,
                )
            )
    except IntegrityError:
        return None
    return Lease(database, template_id, object_name, holder, ttl, now)


def _acquire_under_row_lock(
    database: Database,
    template_id: int,
    object_name: str,
    holder: str,
    ttl: timedelta,
    run_id: int | None,
) -> Lease:
    """``acquire`` where locked rows can be skipped: decide under the row's lock, never wait."""
    key = (RunLease.template_id == template_id, RunLease.object == object_name)
    for _ in range(3):
        now = datetime.now(UTC)
        with database.session() as session:
            row = session.scalars(
                dialects.for_update_skip_locked(select(RunLease).where(*key), RunLease)
            ).first()
            if row is not None:
                if row.holder == holder or row.expires_at < now or holder_is_dead(row.holder):
                    row.holder, row.run_id = holder, run_id
                    row.acquired_at, row.expires_at = now, now + ttl
                    return Lease(database, template_id, object_name, holder, ttl, now)
                raise LeaseHeld(object_name, row.holder, row.acquired_at, row.run_id)
        with database.session() as session:
            current = session.scalars(select(RunLease).where(*key)).first()
        if current is not None:
            raise LeaseHeld(object_name, current.holder, current.acquired_at, current.run_id)
        lease = _insert_lease(database, template_id, object_name, holder, ttl, run_id, now)
        if lease is not None:
            return lease
    with database.session() as session:
        current = session.scalars(select(RunLease).where(*key)).first()
    if current is None:
        raise LeaseHeld(object_name, "another process", now, None)
    raise LeaseHeld(object_name, current.holder, current.acquired_at, current.run_id)


def current_holder(database: Database, template_id: int, object_name: str) -> RunLease | None:
    """The live lease on an object, if any (for the monitor)."""
    now = datetime.now(UTC)
    with database.session() as session:
        return session.scalars(
            select(RunLease).where(
                RunLease.template_id == template_id,
                RunLease.object == object_name,
                RunLease.expires_at >= now,
            )
        ).first()


class LeaseKeeper:
    """Renews a lease from a background thread while a run goes on."""

    def __init__(self, lease: Lease, run_id: int | None = None) -> None:
        self._lease = lease
        self._run_id = run_id
        self._stop = threading.Event()
        self.lost = threading.Event()
        interval = max(lease.ttl.total_seconds() / 3, 0.05)
        self._thread = threading.Thread(
            target=self._loop, args=(interval,), name="lease-keeper", daemon=True
        )

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self._lease.renew(self._run_id)
            except LeaseLost:
                self.lost.set()
                return

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
