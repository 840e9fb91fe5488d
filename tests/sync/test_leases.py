"""One run per object and template, across processes; a dead holder's lease expires."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from app.store import Database, Template
from app.sync import leases
from app.sync.leases import LeaseHeld, LeaseLost

HOLDER_SCRIPT = """
import sys, time
from datetime import timedelta
from app.store import open_database
from app.sync import leases
db = open_database(sys.argv[1])
lease = leases.acquire(db, int(sys.argv[2]), "sales", holder="OTHER-PC:999",
                       ttl=timedelta(seconds=float(sys.argv[3])))
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def database(any_database: Database) -> Database:
    """Leases hold on SQLite and on PostgreSQL."""
    return any_database


def _template(database: Database) -> int:
    with database.session() as session:
        template = Template(name="Main")
        session.add(template)
        session.flush()
        return template.id


def test_second_request_is_told_who_holds_the_object(database: Database) -> None:
    template_id = _template(database)
    first = leases.acquire(database, template_id, "sales", holder="DESK-1:10")
    with pytest.raises(LeaseHeld) as caught:
        leases.acquire(database, template_id, "sales", holder="DESK-2:20")
    assert caught.value.holder == "DESK-1:10"
    assert "sales is already running on DESK-1:10 since" in str(caught.value)
    other = leases.acquire(database, template_id, "refunds", holder="DESK-2:20")
    first.release()
    again = leases.acquire(database, template_id, "sales", holder="DESK-2:20")
    assert again.holder == "DESK-2:20"
    other.release()
    again.release()


def test_an_expired_lease_is_taken_over_and_the_old_holder_learns_it(database: Database) -> None:
    template_id = _template(database)
    stale = leases.acquire(database, template_id, "sales", holder="A:1", ttl=timedelta(0))
    fresh = leases.acquire(database, template_id, "sales", holder="B:2")
    assert fresh.holder == "B:2"
    with pytest.raises(LeaseLost):
        stale.renew()


def test_lease_held_by_another_process_until_it_dies_and_expires(
    database: Database, store_url: str
) -> None:
    template_id = _template(database)
    ttl = 1.5
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER_SCRIPT,
            store_url,
            str(template_id),
            str(ttl),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LeaseHeld, match="OTHER-PC:999"):
            leases.acquire(database, template_id, "sales")
        holder.kill()
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while True:
            try:
                lease = leases.acquire(database, template_id, "sales")
                break
            except LeaseHeld:
                assert time.monotonic() < deadline, "the dead holder's lease never expired"
                time.sleep(0.1)
        assert lease.holder == leases.this_process()
        lease.release()
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_keeper_renews_while_the_run_goes_on(database: Database) -> None:
    template_id = _template(database)
    lease = leases.acquire(database, template_id, "sales", holder="A:1", ttl=timedelta(seconds=0.3))
    with leases.LeaseKeeper(lease):
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            with pytest.raises(LeaseHeld):
                leases.acquire(database, template_id, "sales", holder="B:2")
            time.sleep(0.05)
    lease.release()
    assert leases.current_holder(database, template_id, "sales") is None


def test_a_lease_of_a_dead_process_on_this_machine_is_taken_over_at_once(
    database: Database,
) -> None:
    import socket

    template_id = _template(database)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"{socket.gethostname()}:{finished.stdout.strip()}"
    leases.acquire(database, template_id, "sales", holder=dead, ttl=timedelta(hours=1))
    alive = f"{socket.gethostname()}:{os.getpid()}"
    taken = leases.acquire(database, template_id, "sales", holder=alive + "-x")
    assert taken.holder == alive + "-x"
    taken.release()
    leases.acquire(database, template_id, "sales", holder=alive, ttl=timedelta(hours=1))
    with pytest.raises(LeaseHeld):
        leases.acquire(database, template_id, "sales", holder="B:2")
