"""The sandboxed company the throughput benchmarks start from: customers and items synced.

Both sandboxes run in this process, or with ``servers_apart`` in a child
process (as real servers are elsewhere: their JSON encoding and document
posting then do not take the GIL of the hub they serve). The hub's store is
a fresh SQLite file; the Sandbox template posts with the number of Service
Layer sessions asked for, and its customers and products are synced, so a
sales run finds what it needs.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from app.sandbox.faults import FaultPlan
from app.sandbox.httpserver import SandboxRequest
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Template, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS


class ServiceLayerInChild:
    """What a benchmark asks of the Service Layer sandbox, answered by the child process."""

    def __init__(self, pipe: Connection, url: str) -> None:
        self._pipe = pipe
        self.url = url

    def ask(self, command: str, argument: object = None) -> Any:
        """Send a command to the child and return its answer."""
        self._pipe.send((command, argument))
        return self._pipe.recv()

    def configure_faults(self, plan: FaultPlan) -> None:
        """Swap the fault plan (latency) at run time."""
        self.ask("faults", plan)

    @property
    def requests(self) -> list[SandboxRequest]:
        """The requests the Service Layer sandbox logged (its last 5,000)."""
        return list(self.ask("requests"))


@dataclass
class SandboxesInChild:
    """Both sandboxes running in a child process; ``stop()`` ends it."""

    service_layer: ServiceLayerInChild
    tagrain_url: str
    process: BaseProcess

    @property
    def sap_url(self) -> str:
        """The Service Layer root, as ``RunningSandboxes.sap_url``."""
        return self.service_layer.url

    def stop(self) -> None:
        """Stop both servers and wait for the child to end."""
        self.service_layer.ask("stop")
        self.process.join(timeout=30)


def serve(options: SandboxOptions, pipe: Connection) -> None:
    """The child process: start the sandboxes, send their URLs, answer commands until stop."""
    running = start_sandboxes(options)
    pipe.send((running.sap_url, running.tagrain_url))
    while True:
        command, argument = pipe.recv()
        if command == "faults":
            running.service_layer.configure_faults(argument)
            pipe.send(None)
        elif command == "requests":
            pipe.send(list(running.service_layer.requests))
        elif command == "stop":
            running.stop()
            pipe.send(None)
            return


def start_apart(options: SandboxOptions) -> SandboxesInChild:
    """Start both sandboxes in a child process."""
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(target=serve, args=(options, theirs))
    child.start()
    sap_url, tagrain_url = ours.recv()
    return SandboxesInChild(ServiceLayerInChild(ours, sap_url), tagrain_url, child)


@dataclass
class SyncedCompany:
    """Running sandboxes, the hub's store and its engine, and how long seeding took."""

    running: RunningSandboxes | SandboxesInChild
    database: Database
    template_id: int
    engine: Engine
    seed_seconds: float


@contextmanager
def synced_company(
    scale: SandboxScale, sessions: int, *, on_files: bool = False, servers_apart: bool = False
) -> Iterator[SyncedCompany]:
    """Start the sandboxes, sync customers and products; stop everything afterwards.

    ``on_files``: the sandboxes keep their data in files (an in-memory company
    would grow the process with every document posted). ``servers_apart``:
    they run in a child process.
    """
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    options = SandboxOptions(scale=scale, folder=folder / "sandbox" if on_files else None)
    running = start_apart(options) if servers_apart else start_sandboxes(options)
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
