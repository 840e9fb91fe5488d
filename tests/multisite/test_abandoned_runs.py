"""A run left "running" by a holder that died is closed as failed when its lease is taken over."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.store import Database, Run, Template
from app.sync import leases
from app.sync.leases import ABANDONED
from app.sync.recorder import RunRecorder


def test_taking_over_closes_the_dead_holders_run_and_only_that_one(any_database: Database) -> None:
    database = any_database
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        tid = template.id
    dead = f"{socket.gethostname()}:999999999#a"
    lease = leases.acquire(database, tid, "sales", holder=dead, ttl=timedelta(minutes=5))
    orphan = RunRecorder(database, tid, "sales", trigger="manual").run_id
    lease.renew(orphan)
    other_object = RunRecorder(database, tid, "refunds", trigger="manual").run_id
    finished = RunRecorder(database, tid, "sales", trigger="manual")
    finished.finish("succeeded")

    taken = leases.acquire(database, tid, "sales", holder="desk-c:2#b")
    mine = RunRecorder(database, tid, "sales", trigger="manual").run_id
    taken.renew(mine)
    assert leases.acquire(database, tid, "sales", holder="desk-c:2#b", run_id=mine)

    with database.session() as session:
        runs = {run.id: run for run in session.scalars(select(Run))}
    assert (runs[orphan].status, runs[orphan].message) == ("failed", ABANDONED)
    assert runs[orphan].finished_at is not None
    assert runs[other_object].status == "running"
    assert runs[finished.run_id].status == "succeeded"
    assert runs[mine].status == "running"


def test_a_refused_contender_closes_nothing(any_database: Database) -> None:
    database = any_database
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        tid = template.id
    lease = leases.acquire(database, tid, "sales", holder="desk-b:1#a")
    running = RunRecorder(database, tid, "sales", trigger="manual").run_id
    lease.renew(running)
    with pytest.raises(leases.LeaseHeld):
        leases.acquire(database, tid, "sales", holder="desk-c:2#b")
    with database.session() as session:
        assert session.get_one(Run, running).status == "running"
