"""The local store in trouble: a full disk, and another process holding the write lock.

Disk full is real SQLite behaviour, not a mock: the store's connections get
``PRAGMA max_page_count`` at the file's current size, so SQLite itself answers
``database or disk is full`` as soon as the run needs a new page, exactly as on
a full disk. Freeing the space is dropping the cap.

The lock is another process holding ``BEGIN IMMEDIATE`` on the store file. The
app's busy timeout is 30 s (``SQLITE_BUSY_TIMEOUT_MS``); the corpus scales the
scenario down to keep CI fast: a 3 s hold the run must wait out, and a hold
longer than a busy timeout lowered to 1.5 s for that test, which must stop the
run with a plain message and leave nothing behind.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from app.sandbox.launcher import RunningSandboxes, SandboxOptions, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, RecordLog, SyncMark, open_database
from app.sync.context import SyncContext
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.recorder import read_watermark
from app.sync.records import RunError
from app.sync.runner import RunResult
from tests.hardening.conftest import TINY
from tests.sync.books import assert_every_sale_posted_once

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
if sys.argv[2] == "until-told":
    sys.stdin.readline()
else:
    time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""
"""Another process: takes the store's write lock, holds it, commits (prints when)."""


@dataclass
class Site:
    """One store file with the Sandbox template, master data already loaded."""

    sandboxes: RunningSandboxes
    file: Path
    database: Database
    template_id: int

    def run(self, database: Database | None = None) -> RunResult:
        """A scheduled run of sales."""
        engine = Engine(database or self.database, OBJECTS)
        return engine.run("sales", self.template_id, trigger="schedule")[-1]

    def books_agree(self) -> None:
        """Every sale in SAP exactly once."""
        ctx = SyncContext(self.database, self.template_id)
        try:
            assert_every_sale_posted_once(ctx)
        finally:
            ctx.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """Fresh sandboxes and store; customers and products synced, no sale yet."""
    sandboxes = start_sandboxes(SandboxOptions(scale=TINY))
    file = tmp_path / "store.sqlite3"
    database = open_database(f"sqlite:///{file}")
    try:
        template_id = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
        with database.session() as session:
            for mark in session.scalars(select(SyncMark)):
                session.delete(mark)
        engine = Engine(database, OBJECTS)
        for name in ("customers", "products"):
            engine.run(name, template_id, trigger="schedule")
        yield Site(sandboxes, file, database, template_id)
    finally:
        database.dispose()
        sandboxes.stop()


def _lower_busy_timeout(monkeypatch: pytest.MonkeyPatch, milliseconds: int) -> None:
    """Lower the store's SQLite busy timeout for engines opened from now on."""
    for name in ("app.store.dialects", "app.store.database"):
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "SQLITE_BUSY_TIMEOUT_MS"):
            monkeypatch.setattr(module, "SQLITE_BUSY_TIMEOUT_MS", milliseconds)
            return
    pytest.fail("the store no longer has SQLITE_BUSY_TIMEOUT_MS")


def _hold_lock(file: Path, how: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(file), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_disk_full_for_the_local_store(site: Site) -> None:
    # More sales than the store's last pages have room for, so that the run must grow
    # the file (a small run can fit in the free room of pages the store already has).
    while site.sandboxes.tagrain.count("sales") < 150:
        site.sandboxes.tagrain.live_tick()
    with site.database.engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(site.database.engine, "connect", cap)
    site.database.engine.dispose()
    result = site.run()
    assert result.status == "failed", result
    assert result.message == (
        "the local store failed: database or disk is full (the run stopped; the next run "
        "goes on from the last record it committed)"
    )
    assert read_watermark(site.database, site.template_id, "sales", "to_sap") is None
    invoices = site.sandboxes.service_layer.entities("Invoices")
    assert len({i["U_TG_ID"] for i in invoices}) == len(invoices), "nothing posted twice"

    event.remove(site.database.engine, "connect", cap)
    site.database.engine.dispose()
    again = site.run()
    assert again.status == "succeeded", "space freed: the run goes on at once (lease released)"
    site.books_agree()
    if invoices:
        with site.database.session() as session:
            linked = set(
                session.scalars(
                    select(RecordLog.source_id).where(
                        RecordLog.run_id == again.run_id, RecordLog.action == "linked"
                    )
                )
            )
        posted_before = {i["U_TG_ID"] for i in invoices}
        with site.database.session() as session:
            recorded = set(
                session.scalars(
                    select(RecordLog.source_id).where(RecordLog.run_id == result.run_id)
                )
            )
        assert posted_before - recorded <= linked, "posted but unrecorded: linked, not reposted"


def test_store_locked_by_another_process_for_a_while(site: Site) -> None:
    holder = _hold_lock(site.file, "3")
    locked_at = time.monotonic()
    result = site.run()
    waited = time.monotonic() - locked_at
    assert holder.wait(timeout=30) == 0
    assert holder.stdout is not None and holder.stdout.read().strip() == "released"
    assert result.status == "succeeded", result
    assert waited >= 2.5, "the run did not wait for the lock"
    site.books_agree()


def test_store_locked_longer_than_the_busy_timeout(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lower_busy_timeout(monkeypatch, 1500)
    impatient = open_database(f"sqlite:///{site.file}")
    holder = _hold_lock(site.file, "until-told")
    try:
        started = time.monotonic()
        with pytest.raises(RunError) as stopped:
            site.run(impatient)
        assert time.monotonic() - started < 15
    finally:
        assert holder.stdin is not None
        holder.stdin.write("release\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
        impatient.dispose()
    assert str(stopped.value) == (
        "the local store failed: database is locked (the run stopped; the next run goes on "
        "from the last record it committed)"
    )
    assert site.sandboxes.service_layer.count("Invoices") == 0, "nothing posted unrecorded"
    result = site.run()
    assert result.status == "succeeded", "no lease or run was left behind"
    site.books_agree()
