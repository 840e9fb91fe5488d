"""The sandboxed company the throughput benchmarks start from: customers and items synced.

Both sandboxes run in this process; the hub's store is a fresh SQLite file;
the Sandbox template posts with the number of Service Layer sessions asked for,
and its customers and products are synced, so a sales run finds what it needs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Template, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS


@dataclass
class SyncedCompany:
    """Running sandboxes, the hub's store and its engine, and how long seeding took."""

    running: RunningSandboxes
    database: Database
    template_id: int
    engine: Engine
    seed_seconds: float


@contextmanager
def synced_company(
    scale: SandboxScale, sessions: int, *, on_files: bool = False
) -> Iterator[SyncedCompany]:
    """Start the sandboxes, sync customers and products; stop everything afterwards.

    ``on_files``: the sandboxes keep their data in files (an in-memory company
    would grow the process with every document posted).
    """
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    options = SandboxOptions(scale=scale, folder=folder / "sandbox" if on_files else None)
    running = start_sandboxes(options)
    seeded = time.perf_counter() - started
    database = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    try:
        template_id = ensure_sandbox_template(database, running.sap_url, running.tagrain_url)
        with database.session() as session:
            session.get_one(Template, template_id).sap_sessions = sessions
        engine = Engine(database, OBJECTS)
        engine.run("customers", template_id)
        engine.run("products", template_id)
        yield SyncedCompany(running, database, template_id, engine, seeded)
    finally:
        database.dispose()
        running.stop()
