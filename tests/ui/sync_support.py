"""What the Sync Now, settings and monitor tests share: services with the sync core, waits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.scheduling import SchedulerConfig, SyncScheduler
from app.scheduling.scheduler import EventCallback
from app.store import Database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from app.ui.sync_center import SyncCenter


def engine(database: Database) -> Engine:
    """The real engine on the test's store."""
    return Engine(database, OBJECTS)


def sync_services(*, scheduler: bool = False, holder: str = "TEST-PC:1") -> Services:
    """Services with the engine (and, if asked, an embedded scheduler that polls often)."""

    def make_scheduler(database: Database, on_event: EventCallback) -> SyncScheduler:
        config = SchedulerConfig(holder=holder, poll_seconds=0.2, owner_ttl=timedelta(seconds=3))
        return SyncScheduler(database, OBJECTS, config, on_event=on_event)

    return Services(engine_factory=engine, scheduler_factory=make_scheduler if scheduler else None)


def center_of(window: MainWindow) -> SyncCenter:
    """The window's sync center (the tests inject the engine, so there is one)."""
    assert window.context.sync is not None
    return window.context.sync


def wait_idle(qtbot: QtBot, window: MainWindow, timeout: int = 60_000) -> None:
    """Until the Sync Now or Retry in progress has ended, its outcome was posted and the
    open Sync Monitor has read it (it reads the dashboard, runs and records on workers)."""
    center = center_of(window)
    qtbot.waitUntil(lambda: center.runner.running is None, timeout=timeout)
    frame = window.form_window("sync_monitor")
    monitor = frame.widget() if frame is not None else None
    if isinstance(monitor, SyncMonitorForm):
        qtbot.waitUntil(
            lambda: not (monitor.dashboard_loading or monitor.records_loading), timeout=10_000
        )


def wait_records(qtbot: QtBot, monitor: SyncMonitorForm) -> None:
    """Until the records of the chosen run are read."""
    qtbot.waitUntil(lambda: not monitor.records_loading, timeout=10_000)


LATENCY = 0.3
"""Seconds a slow SAP takes to answer each request."""


@pytest.fixture
def slow_sandboxes() -> Iterator[RunningSandboxes]:
    """SAP answers every request 0.3 s late, as a busy server across a WAN does."""
    from tests.sync.conftest import SMALL

    running = start_sandboxes(SandboxOptions(scale=SMALL, sap_faults=FaultPlan(latency=LATENCY)))
    yield running
    running.stop()


@pytest.fixture
def slow_template_id(database: Database, slow_sandboxes: RunningSandboxes) -> int:
    """The Sandbox template pointing at the slow sandboxes."""
    return ensure_sandbox_template(database, slow_sandboxes.sap_url, slow_sandboxes.tagrain_url)
