"""On PostgreSQL, lease and owner claims skip a row another transaction has locked: no waiting."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select, update

from app.scheduling.owner import CLIENT, SERVICE, OwnerClaim, current_owner
from app.store import Database, RunLease, SchedulerOwner, Template, open_database
from app.sync import leases
from app.sync.leases import LeaseHeld

T = TypeVar("T")


@pytest.fixture
def shared(postgres_url: str) -> Iterator[Database]:
    database = open_database(postgres_url)
    yield database
    database.dispose()


def template(database: Database) -> int:
    with database.session() as session:
        row = Template(name="Main")
        session.add(row)
        session.flush()
        return row.id


def within(seconds: float, call: Callable[[], T]) -> T:
    """Run ``call`` on a thread and fail if it has not returned within ``seconds``."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result  # type: ignore[return-value]


def test_an_expired_lease_locked_by_another_transaction_is_refused_at_once(
    shared: Database,
) -> None:
    tid = template(shared)
    old = leases.acquire(shared, tid, "sales", holder="desk-b:1#a", ttl=timedelta(seconds=30))
    with shared.session() as session:
        session.execute(
            update(RunLease).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    with shared.sessions.begin() as stuck:
        stuck.scalars(select(RunLease).with_for_update()).one()
        started = time.monotonic()
        with pytest.raises(LeaseHeld, match="desk-b:1#a"):
            within(5, lambda: leases.acquire(shared, tid, "sales", holder="desk-c:2#b"))
        assert time.monotonic() - started < 2
    lease = within(5, lambda: leases.acquire(shared, tid, "sales", holder="desk-c:2#b"))
    assert lease.holder == "desk-c:2#b"
    with pytest.raises(leases.LeaseLost):
        old.renew()


def test_leases_on_postgresql_still_refuse_a_live_holder_and_take_a_dead_local_one(
    shared: Database,
) -> None:
    tid = template(shared)
    leases.acquire(shared, tid, "sales", holder="desk-b:1#a")
    with pytest.raises(LeaseHeld):
        leases.acquire(shared, tid, "sales", holder="desk-c:2#b")
    dead = f"{socket.gethostname()}:999999999#c"
    leases.acquire(shared, tid, "refunds", holder=dead)
    assert leases.acquire(shared, tid, "refunds", holder="desk-c:2#b").holder == "desk-c:2#b"


def test_racing_contenders_on_postgresql_get_one_lease(shared: Database) -> None:
    tid = template(shared)
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def contend(n: int) -> None:
        barrier.wait()
        with contextlib.suppress(LeaseHeld):
            winners.append(leases.acquire(shared, tid, "sales", holder=f"desk-{n}:1#x").holder)

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(winners) == 1


def test_a_standby_beat_does_not_wait_for_a_locked_owner_row(shared: Database) -> None:
    owner = OwnerClaim(shared, CLIENT, holder="desk-a:1", ttl=timedelta(seconds=1))
    assert owner.beat()
    time.sleep(1.1)
    standby = OwnerClaim(shared, CLIENT, holder="desk-b:2")
    with shared.sessions.begin() as stuck:
        stuck.scalars(select(SchedulerOwner).with_for_update()).one()
        assert within(5, standby.beat) is False
    assert within(5, standby.beat) is True
    found = current_owner(shared)
    assert found is not None and found.holder == "desk-b:2"


def test_owner_rules_hold_on_postgresql(shared: Database) -> None:
    client = OwnerClaim(shared, CLIENT, holder="desk-a:1")
    assert client.beat()
    assert OwnerClaim(shared, CLIENT, holder="desk-b:2").beat() is False
    service = OwnerClaim(shared, SERVICE, holder="server:3")
    assert service.beat()
    assert client.beat() is False
    assert service.beat()
    found = current_owner(shared)
    assert found is not None and (found.holder, found.kind) == ("server:3", SERVICE)
    ghost = OwnerClaim(shared, SERVICE, holder=f"{socket.gethostname()}:999999999")
    shared.engine.dispose()
    with shared.session() as session:
        session.execute(update(SchedulerOwner).values(holder=ghost.holder))
    assert OwnerClaim(shared, CLIENT, holder="desk-b:2").beat() is True
