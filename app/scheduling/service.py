"""The headless scheduler behind ``integration-hub service``: the same SyncScheduler, no GUI.

It says which database and keyring it uses and which schedules it owns,
warns about every secret a scheduled template lacks in the keyring of the
account it runs as (naming that account and the command that fixes it),
prints each run as it ends, and on SIGTERM or Ctrl+C lets runs in progress
finish their current record before it exits with 0.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

from sqlalchemy import select

from app import credentials, secrets
from app.scheduling.owner import DEFAULT_OWNER_TTL, SERVICE
from app.scheduling.scheduler import (
    DEFAULT_MISFIRE_GRACE,
    DEFAULT_POLL_SECONDS,
    SchedulerConfig,
    SchedulerEvent,
    SyncScheduler,
)
from app.scheduling.status import SchedulerStatus
from app.store import Database, Schedule, Template
from app.sync.engine import SyncObjectSpec


@dataclass(frozen=True)
class ServiceOptions:
    """What ``integration-hub service`` lets an administrator set."""

    poll_seconds: float = DEFAULT_POLL_SECONDS
    owner_ttl: timedelta = DEFAULT_OWNER_TTL
    misfire_grace: timedelta = DEFAULT_MISFIRE_GRACE


def describe_status(status: SchedulerStatus) -> list[str]:
    """The console lines for the owner and every schedule."""
    lines = []
    owner = status.owner
    if owner is not None and not owner.stale:
        since = owner.since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        who = "this service" if owner.mine else f"{owner.holder} ({owner.kind})"
        lines.append(f"scheduling owned by {who} since {since}")
    else:
        lines.append("scheduling is not owned by any live process")
    if not status.schedules:
        lines.append("no schedules yet (set them in Administration → Integration Hub)")
    for item in status.schedules:
        if item.error:
            state = f"not scheduled: {item.error}"
        elif not item.enabled:
            state = "disabled"
        elif item.next_run is None:
            state = f"{item.summary}; never runs"
        else:
            state = f"{item.summary}; next run {item.next_run.strftime('%Y-%m-%d %H:%M %Z')}"
        lines.append(f"  {item.template_name}/{item.object_name}: {state}")
    return lines


def secret_warnings(database: Database) -> list[str]:
    """One warning line per secret that a template with an enabled schedule lacks.

    A service reads the keyring of the account it runs as, not the desktop
    user's (behind whatever credentials this process was handed,
    ``app.credentials``); each line names that account, the keyring and the fix.
    """
    with database.session() as session:
        names = session.scalars(
            select(Template.name)
            .join(Schedule, Schedule.template_id == Template.id)
            .where(Schedule.enabled.is_(True))
            .distinct()
            .order_by(Template.name)
        ).all()
    lines = []
    provider = credentials.current()
    try:
        for name in names:
            if provider.sap_password(name) is None:
                kind = secrets.SecretKind.SAP_PASSWORD
                lines.append(f"warning: {secrets.missing_message(name, kind)}")
            if provider.tagrain_api_key(name) is None:
                kind = secrets.SecretKind.TAGRAIN_API_KEY
                lines.append(f"warning: {secrets.missing_message(name, kind)}")
    except secrets.SecretsUnavailable as exc:
        lines.append(f"warning: scheduled runs of {', '.join(names)} will fail: {exc}")
    return lines


def run_service(
    database: Database,
    objects: Mapping[str, SyncObjectSpec],
    stop: threading.Event,
    *,
    options: ServiceOptions | None = None,
    out: TextIO | None = None,
) -> int:
    """Schedule until ``stop`` is set; returns the exit code (0 after a clean stop)."""
    options = options or ServiceOptions()
    stream = out or sys.stdout
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            print(line, file=stream, flush=True)

    def on_event(event: SchedulerEvent) -> None:
        if event.kind != "reloaded":
            say(event.message)

    say(f"database: {database.url.render_as_string(hide_password=True)}")
    say(f"keyring: {secrets.backend_name()} (account {secrets.account_name()})")
    for line in secret_warnings(database):
        say(line)
    scheduler = SyncScheduler(
        database,
        objects,
        SchedulerConfig(
            kind=SERVICE,
            owner_ttl=options.owner_ttl,
            poll_seconds=options.poll_seconds,
            misfire_grace=options.misfire_grace,
        ),
        on_event=on_event,
    )
    scheduler.start()
    try:
        for line in describe_status(scheduler.status()):
            say(line)
        say("service running; stop with Ctrl+C or SIGTERM")
        while not stop.wait(0.5):
            pass
        say("stopping: runs in progress finish their current record")
    finally:
        scheduler.stop(wait=True)
    say("service stopped")
    return 0
