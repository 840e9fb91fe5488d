"""Exactly once under crashes and faults: no duplicate, no gap, whatever happens mid-run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, RecordLog
from app.sync.context import SyncContext
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from tests.support.file_keyring import sandbox_keyring
from tests.sync.books import assert_every_sale_posted_once


def _records(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(RecordLog.id))) or 0


def test_runs_killed_at_random_points_leave_no_duplicate_and_no_gap(
    database: Database,
    database_file: Path,
    template_id: int,
    context: SyncContext,
    sandboxes: RunningSandboxes,
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)
    sandboxes.service_layer.configure_faults(FaultPlan(latency=0.01))
    rng = random.Random(20261127)
    child_keyring = sandbox_keyring(database_file.with_name("keyring.json"))
    total_sales = sandboxes.tagrain.count("sales")
    killed_mid_run = 0
    for _ in range(3):
        kill_after = _records(database) + rng.randint(3, total_sales // 3)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "--database",
                f"sqlite:///{database_file}",
                "sync",
                "sales",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **child_keyring},
        )
        deadline = time.monotonic() + 60
        while _records(database) < kill_after and process.poll() is None:
            assert time.monotonic() < deadline, "the sync subprocess made no progress"
            time.sleep(0.02)
        killed_mid_run += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert killed_mid_run >= 2, "the kills came too late to interrupt a run"
    sandboxes.service_layer.configure_faults(FaultPlan())
    final = engine.run("sales", template_id)[-1]
    assert final.status == "succeeded", final
    assert_every_sale_posted_once(context)


def test_faults_on_both_sides_converge_without_duplicates(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)
    sandboxes.service_layer.configure_faults(
        FaultPlan(error_rate=0.08, drop_rate=0.04, expire_session_every=25, seed=7)
    )
    sandboxes.tagrain.configure_faults(
        FaultPlan(error_rate=0.05, rate_limit_per_second=40, retry_after_seconds=1, seed=8)
    )
    for _ in range(2):
        engine.run("sales", template_id, trigger="schedule")
    sandboxes.service_layer.configure_faults(FaultPlan())
    sandboxes.tagrain.configure_faults(FaultPlan())
    final = engine.run("sales", template_id, trigger="schedule")[-1]
    assert final.failed == 0, final
    assert_every_sale_posted_once(context)
