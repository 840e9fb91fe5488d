"""Who is doing what on the shared store: run leases per object and the scheduling owner.

Read by the Sync Monitor and the Synchronization Settings on a worker thread
every few seconds. A holder is stored as ``machine:pid`` or
``machine:pid#token`` (one run of a process); it is shown as the machine and
the process, and "this desktop" when it is this very process.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.scheduling.owner import SCOPE, current_owner
from app.scheduling.rows import run_objects
from app.store import Database, RunLease
from app.sync.engine import SyncObjectSpec
from app.sync.leases import RUN_SEPARATOR, LeaseHeld

KINDS = {"service": "The service", "client": "The desktop client"}


def local(value: datetime | None) -> str:
    """A stored time in this desktop's zone, to the second."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else ""


@dataclass(frozen=True)
class Holder:
    """A lease or scheduling holder split into machine, process id and run token."""

    machine: str
    pid: int | None
    token: str = ""

    @classmethod
    def parse(cls, holder: str) -> Holder:
        """``machine:pid#token`` (pid and token optional) as its parts."""
        process, _, token = holder.partition(RUN_SEPARATOR)
        machine, colon, pid = process.rpartition(":")
        if not colon or not pid.isdigit():
            return cls(process, None, token)
        return cls(machine, int(pid), token)

    @property
    def this_process(self) -> bool:
        """Whether the holder is the process showing it."""
        return self.machine == socket.gethostname() and self.pid == os.getpid()

    @property
    def this_machine(self) -> bool:
        """Whether the holder runs on this desktop."""
        return self.machine == socket.gethostname()

    def words(self) -> str:
        """ "otherbox (process 4242)", or "this desktop" for the process showing it."""
        if self.this_process:
            return "this desktop"
        process = f" (process {self.pid})" if self.pid is not None else ""
        return f"{self.machine}{process}"


@dataclass(frozen=True)
class LeaseView:
    """A live run of one object: who runs it, since when, until when it is held."""

    object: str
    job: str
    holder: Holder
    since: datetime
    expires_at: datetime
    run_id: int | None


@dataclass(frozen=True)
class OwnerView:
    """Who fires the schedules of this store, and whether it is still beating."""

    holder: Holder
    kind: str
    since: datetime
    heartbeat_at: datetime
    expires_at: datetime
    stale: bool
    mine: bool = False

    def sentence(self) -> str:
        """The owner in one sentence for the forms."""
        who = KINDS.get(self.kind, self.kind.capitalize())
        if self.stale:
            return (
                f"Nobody runs the schedules right now: {who.lower()} on {self.holder.words()} "
                f"stopped at {local(self.heartbeat_at)} (stale)."
            )
        mine = self.mine or self.holder.this_process
        where = "This desktop" if mine else f"{who} on {self.holder.words()}"
        return (
            f"{where} runs the schedules since {local(self.since)}; "
            f"last heartbeat {local(self.heartbeat_at)} (live)."
        )


@dataclass(frozen=True)
class Activity:
    """What the store says is happening now, for one template."""

    template_id: int | None
    leases: Mapping[str, LeaseView]
    owner: OwnerView | None
    read_at: datetime

    def owner_sentence(self) -> str:
        """Who schedules, or that nobody ever did."""
        if self.owner is None:
            return "Nobody has run the schedules of this database yet."
        return self.owner.sentence()

    def running_key(self) -> tuple[tuple[str, str, int | None], ...]:
        """What runs where: changes when a run starts or ends anywhere."""
        return tuple(
            sorted(
                (name, lease.holder.machine + ":" + str(lease.holder.pid), lease.run_id)
                for name, lease in self.leases.items()
            )
        )


def read_activity(
    database: Database,
    objects: Mapping[str, SyncObjectSpec],
    template_id: int | None,
    me: str = "",
) -> Activity:
    """The template's live leases by object, and the scheduling owner (one short read each).

    ``me`` is this client's scheduler holder, when it has one (the owner is then "this desktop").
    """
    now = datetime.now(UTC)
    leases: dict[str, LeaseView] = {}
    if template_id is not None:
        with database.session() as session:
            rows = session.scalars(
                select(RunLease).where(
                    RunLease.template_id == template_id, RunLease.expires_at >= now
                )
            ).all()
        by_job = {row.object: row for row in rows}
        for name, spec in objects.items():
            row = next((by_job[job] for job in run_objects(spec) if job in by_job), None)
            if row is not None:
                leases[name] = LeaseView(
                    name,
                    row.object,
                    Holder.parse(row.holder),
                    row.acquired_at,
                    row.expires_at,
                    row.run_id,
                )
    owner = current_owner(database, SCOPE)
    view = (
        None
        if owner is None
        else OwnerView(
            Holder.parse(owner.holder),
            owner.kind,
            owner.since,
            owner.heartbeat_at,
            owner.expires_at,
            owner.stale(now),
            bool(me) and owner.holder == me,
        )
    )
    return Activity(template_id, leases, view, now)


def writer_words(by: str) -> str:
    """Who changed shared data, for a status line: "another desktop (otherbox)" or the like."""
    if not by:
        return "another desktop"
    holder = Holder.parse(by)
    if holder.this_machine:
        process = f" (process {holder.pid})" if holder.pid is not None else ""
        return f"another program on this desktop{process}"
    return f"another desktop ({holder.machine})"


def refusal(held: LeaseHeld, label: str | None = None) -> str:
    """Why a Sync Now did not start: the object, the machine and process, and since when."""
    holder = Holder.parse(held.holder)
    where = (
        "in this desktop"
        if holder.this_process
        else f"on {holder.machine}" + (f" (process {holder.pid})" if holder.pid else "")
    )
    run = f" (run {held.run_id})" if held.run_id else ""
    return f"{label or held.object_name} is already running {where} since {local(held.since)}{run}"
