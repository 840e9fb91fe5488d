"""Issue #10's "done when": two clients and a service on one PostgreSQL store, as real processes.

Each process runs ``tests/multisite/driver.py`` against the same PostgreSQL
database and the same sandboxes over real HTTP. The clients press Sync Now
on the same objects over and over while the service fires their schedules
and runs them itself; all of them write their own marks and schedule edits
meanwhile. Afterwards the runs table must show no two runs of one object at
once, and every mark and the last schedule edit of each process must be
there. A process killed with SIGKILL while it holds a lease (as another
machine, so nobody can see that it died) loses the lease when it expires,
not before.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app.sandbox.launcher import RunningSandboxes
from app.sandbox.template import ensure_sandbox_template
from app.scheduling.owner import SERVICE, current_owner
from app.store import Database, Run, RunLease, Schedule, SyncMark, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.leases import ABANDONED, LeaseHeld

DRIVER = Path(__file__).with_name("driver.py")
ROOT = Path(__file__).resolve().parents[2]
CONTENDED = ["customer_groups", "manufacturers"]
CONTENTION_SECONDS = 12.0
SCHEDULE_EDITS = 12


@pytest.fixture
def shared(postgres_url: str) -> Iterator[Database]:
    """The shared store, upgraded once (as ``settings set database-url`` does)."""
    database = open_database(postgres_url)
    yield database
    database.dispose()


@pytest.fixture
def shared_template(shared: Database, sandboxes: RunningSandboxes) -> int:
    template = ensure_sandbox_template(shared, sandboxes.sap_url, sandboxes.tagrain_url)
    with shared.session() as session:
        session.execute(delete(SyncMark).where(SyncMark.template_id == template))
    return template


def add_schedule(database: Database, template: int, object_name: str, enabled: bool) -> int:
    """An hourly schedule edited just now (so nothing is overdue: runs come from fire_now)."""
    with database.session() as session:
        row = Schedule(
            template_id=template,
            object=object_name,
            enabled=enabled,
            frequency="daily",
            weekdays="",
            window_start=datetime.min.time(),
            window_end=datetime.max.time().replace(second=0, microsecond=0),
            interval_minutes=60,
            updated_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
        return row.id


def spawn(config: dict[str, object], home: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, INTEGRATION_HUB_HOME=str(home), PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, str(DRIVER), json.dumps(config)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float) -> dict[str, object]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"driver did not finish in {timeout} s:\n{err[-3000:]}")
    assert process.returncode == 0, err[-3000:]
    summary: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return summary


def overlaps(runs: list[Run]) -> list[tuple[int, int]]:
    """Pairs of run ids of one template and object whose intervals intersect."""
    by_object: dict[tuple[int, str], list[Run]] = defaultdict(list)
    for run in runs:
        by_object[(run.template_id, run.object)].append(run)
    found = []
    for group in by_object.values():
        group.sort(key=lambda r: r.started_at)
        for before, after in itertools.pairwise(group):
            assert before.finished_at is not None
            if after.started_at < before.finished_at:
                found.append((before.id, after.id))
    return found


def test_two_clients_and_a_service_never_run_one_object_twice_at_once(
    shared: Database, shared_template: int, postgres_url: str, tmp_path: Path
) -> None:
    schedule_ids = [add_schedule(shared, shared_template, name, True) for name in CONTENDED]
    edited = {"client-a": "refunds", "client-b": "expenses", "service": "inventory"}
    for object_name in edited.values():
        add_schedule(shared, shared_template, object_name, False)
    processes = {}
    for name, object_name in edited.items():
        config = {
            "url": postgres_url,
            "kind": "service" if name == "service" else "client",
            "template_id": shared_template,
            "objects": CONTENDED,
            "marks": [f"MS-{name}-{n:03d}" for n in range(30)],
            "schedule_object": object_name,
            "schedule_edits": SCHEDULE_EDITS,
            "schedule_ids": schedule_ids if name == "service" else [],
        }
        processes[name] = spawn(config, tmp_path / name)
    for name, process in processes.items():
        assert process.stdout is not None
        if process.stdout.readline().strip() != "READY":
            finish(process, 30)
            pytest.fail(f"{name} did not get ready")
    until = time.time() + CONTENTION_SECONDS
    for process in processes.values():
        assert process.stdin is not None
        process.stdin.write(f"{until}\n")
        process.stdin.flush()
    owners = []
    while time.time() < until - 1:
        owner = current_owner(shared)
        if (owner is not None and owner.kind == SERVICE) or owners:
            owners.append(None if owner is None else owner.kind)
        time.sleep(0.2)
    summaries = {name: finish(p, CONTENTION_SECONDS + 40) for name, p in processes.items()}

    with shared.session() as session:
        runs = list(session.scalars(select(Run).where(Run.template_id == shared_template)))
        marks = set(
            session.scalars(select(SyncMark.sap_key).where(SyncMark.template_id == shared_template))
        )
        intervals = {
            row.object: row.interval_minutes
            for row in session.scalars(
                select(Schedule).where(Schedule.template_id == shared_template)
            )
        }
    real = [run for run in runs if run.status != "skipped"]
    assert [run.id for run in real if run.status == "running"] == []
    assert overlaps(real) == []
    by_trigger: dict[str, int] = defaultdict(int)
    for run in real:
        by_trigger[run.trigger] += 1
    assert by_trigger["manual"] >= 4, (by_trigger, summaries)
    assert by_trigger["service"] >= 2, (by_trigger, summaries)
    assert by_trigger["cli"] >= 2, (by_trigger, summaries)
    statuses = {(run.trigger, run.status) for run in real}
    stopped_by_shutdown = {("service", "cancelled"), ("schedule", "cancelled")}
    assert {s for s in statuses if s[1] != "succeeded"} <= stopped_by_shutdown, statuses
    refused = sum(int(str(s["refused"])) for s in summaries.values())
    skipped = sum(1 for run in runs if run.status == "skipped")
    assert refused + skipped > 0, "the processes never met: the test proved nothing"
    assert len(owners) > 10 and set(owners) == {SERVICE}, owners

    for name in edited:
        assert {f"MS-{name}-{n:03d}" for n in range(30)} <= marks, name
    assert {intervals[obj] for obj in edited.values()} == {60 + SCHEDULE_EDITS}
    with shared.session() as session:
        assert list(session.scalars(select(RunLease))) == []
    print(
        f"runs by trigger {dict(by_trigger)}, refused {refused}, skipped {skipped}, "
        f"summaries {summaries}"
    )


def test_a_killed_process_keeps_its_lease_until_it_expires_then_loses_it(
    shared: Database, shared_template: int, postgres_url: str, tmp_path: Path
) -> None:
    ttl = 2.0
    victim = spawn(
        {
            "url": postgres_url,
            "kind": "holder",
            "template_id": shared_template,
            "object": "manufacturers",
            "ttl": ttl,
            "hostname": "desk-b",
        },
        tmp_path / "victim",
    )
    try:
        assert victim.stdout is not None
        line = victim.stdout.readline()
        assert line.startswith("HELD desk-b:"), line
        victim_run = int(line.split()[-1])
        engine = Engine(shared, OBJECTS)
        alive_until = time.monotonic() + 2.5 * ttl
        refusals = 0
        while time.monotonic() < alive_until:
            with pytest.raises(LeaseHeld, match="desk-b"):
                engine.run("manufacturers", shared_template)
            refusals += 1
            time.sleep(0.2)
        assert refusals >= 3
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        with shared.session() as session:
            lease = session.scalars(select(RunLease)).one()
            expires_at = lease.expires_at
            assert lease.holder.startswith("desk-b:")
        deadline = expires_at + timedelta(seconds=ttl + 5)
        refused_after_kill = 0
        while True:
            now = datetime.now(UTC)
            assert now < deadline, "the dead process's lease was never taken over"
            try:
                results = engine.run("manufacturers", shared_template)
            except LeaseHeld:
                assert datetime.now(UTC) < expires_at + timedelta(seconds=3), "taken over late"
                refused_after_kill += 1
                time.sleep(0.05)
                continue
            break
        assert refused_after_kill > 0
        assert [r.status for r in results] == ["succeeded"]
        with shared.session() as session:
            taken_at = session.get_one(Run, results[0].run_id).started_at
            abandoned = session.get_one(Run, victim_run)
        assert taken_at >= expires_at, "taken over before the lease expired"
        assert (abandoned.status, abandoned.message) == ("failed", ABANDONED)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()


def test_the_overlap_check_finds_two_runs_at_once() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def run(run_id: int, begin: int, end: int, object_name: str = "sales") -> Run:
        return Run(
            id=run_id,
            template_id=1,
            object=object_name,
            started_at=start + timedelta(seconds=begin),
            finished_at=start + timedelta(seconds=end),
        )

    assert overlaps([run(1, 0, 5), run(2, 5, 9), run(3, 0, 9, "refunds")]) == []
    assert overlaps([run(2, 4, 9), run(1, 0, 5)]) == [(1, 2)]
