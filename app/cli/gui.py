"""``integration-hub gui`` (the default command): the desktop client with its scheduler."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from app.cli.base import add_command

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Register ``gui``."""
    gui = add_command(subparsers, "gui", run, help="open the desktop client (the default)")
    gui.add_argument(
        "--no-sandbox",
        action="store_true",
        help="do not start the embedded SAP and Tagrain sandboxes",
    )


def run(args: argparse.Namespace) -> int:
    """Open the client (with the embedded sandboxes unless ``--no-sandbox``)."""
    from app import paths
    from app.local_settings import desktop_fires_schedules
    from app.sandbox.launcher import SandboxOptions, start_sandboxes
    from app.sandbox.template import ensure_sandbox_template
    from app.scheduling import SchedulerConfig, SyncScheduler
    from app.scheduling.scheduler import EventCallback
    from app.store import Database, open_database
    from app.sync.connection_check import check_sap, check_tagrain
    from app.sync.connection_draft import ConnectionDraft
    from app.sync.engine import Engine
    from app.sync.jobs import OBJECTS
    from app.ui.code_check import LiveCodeCheck
    from app.ui.connection_check import ConnectionReport
    from app.ui.context import Services
    from app.ui.main import run as run_client

    running = None
    database = open_database(args.database)
    try:
        if not getattr(args, "no_sandbox", False):
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
        return run_client(args.database, services=services)
    finally:
        database.dispose()
        if running is not None:
            running.stop()
