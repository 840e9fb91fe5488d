"""The desktop client as ``integration-hub gui`` starts it: embedded sandbox, sync core, checks.

Everything here runs on the start worker after the main window is painted
(``app.ui.client_start``): the sandbox of SAP Business One and Tagrain (unless
``--no-sandbox``), the template that points at it, the connection checkers,
the sync engine and the embedded scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.scheduling import SyncScheduler
    from app.scheduling.scheduler import EventCallback
    from app.store import Database
    from app.sync.connection_draft import ConnectionDraft
    from app.sync.engine import Engine
    from app.ui.connection_check import ConnectionReport
    from app.ui.context import Services

log = logging.getLogger(__name__)


def desktop_services(database: Database, sandbox: bool) -> tuple[Services, Callable[[], None]]:
    """Start the embedded sandbox (when asked) and make the client's services; and their stop."""
    from app import paths
    from app.local_settings import desktop_fires_schedules
    from app.sandbox.launcher import SandboxOptions, start_sandboxes
    from app.sandbox.template import ensure_sandbox_template
    from app.scheduling import SchedulerConfig, SyncScheduler
    from app.sync.connection_check import check_sap, check_tagrain
    from app.sync.engine import Engine
    from app.sync.jobs import OBJECTS
    from app.ui.code_check import LiveCodeCheck
    from app.ui.connection_check import ConnectionReport
    from app.ui.context import Services

    running = None
    if sandbox:
        running = start_sandboxes(SandboxOptions(folder=paths.data_dir() / "sandbox"))
        ensure_sandbox_template(database, running.sap_url, running.tagrain_url)
        log.info("embedded sandbox: SAP %s, Tagrain %s", running.sap_url, running.tagrain_url)

    def sap_checker(template_id: int, draft: ConnectionDraft | None) -> ConnectionReport:
        result = check_sap(database, template_id, draft)
        return ConnectionReport(result.ok, result.message, result.needs_setup)

    def tagrain_checker(template_id: int, draft: ConnectionDraft | None) -> ConnectionReport:
        result = check_tagrain(database, template_id, draft)
        return ConnectionReport(result.ok, result.message)

    def make_engine(gui_database: Database) -> Engine:
        return Engine(gui_database, OBJECTS)

    def make_scheduler(gui_database: Database, on_event: EventCallback) -> SyncScheduler:
        config = SchedulerConfig(fires=desktop_fires_schedules())
        return SyncScheduler(gui_database, OBJECTS, config, on_event=on_event)

    services = Services(
        sap_checker=sap_checker,
        tagrain_checker=tagrain_checker,
        engine_factory=make_engine,
        scheduler_factory=make_scheduler,
        code_check=LiveCodeCheck(database),
    )

    def stop() -> None:
        if running is not None:
            running.stop()

    return services, stop


def start_client(database_url: str | None, *, sandbox: bool = True) -> int:
    """Run the client: the window first, then the store and the services behind it."""
    from app.ui.main import run

    return run(database_url, prepare=lambda database: desktop_services(database, sandbox))
