"""One desktop client or service process of the multi-process tests, run as a real subprocess.

``python tests/multisite/driver.py '<json>'`` with the keys below. Until the
deadline it competes for the same objects as its peers:

- ``kind`` "client": Sync Now (``Engine.run`` with trigger "manual") of each
  object in turn, with an embedded scheduler standing by like the GUI's;
- ``kind`` "service": the service's scheduler (it owns scheduling) firing the
  objects' schedules again and again, plus direct runs as ``integration-hub
  sync`` on the server would start;
- both write their own marks and their own schedule edits in between;
- ``kind`` "client" and "service" print ``READY`` once set up and then read
  the wall-clock end of the contention from stdin, so that all of them
  compete at the same time however slowly each one started;
- ``kind`` "holder": takes one object's run lease with a short TTL, starts a
  run, keeps the lease renewed, prints ``HELD <holder> run <id>`` and waits
  to be killed.

``hostname`` makes the process look like another machine (its lease holder
name then cannot be checked for liveness by the others). The last stdout line
is a JSON summary.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(config: dict[str, Any]) -> dict[str, Any]:
    if config.get("hostname"):
        fake = str(config["hostname"])
        socket.gethostname = lambda: fake  # type: ignore[assignment]

    from app.sandbox.template import hand_over_credentials
    from app.store import open_database

    hand_over_credentials()  # the parent started the sandboxes; this process syncs with them
    database = open_database(config["url"])
    try:
        if config["kind"] == "holder":
            return hold(database, config)
        return compete(database, config)
    finally:
        database.dispose()


def hold(database: Any, config: dict[str, Any]) -> dict[str, Any]:
    from app.sync import leases
    from app.sync.recorder import RunRecorder

    ttl = timedelta(seconds=float(config["ttl"]))
    lease = leases.acquire(
        database,
        int(config["template_id"]),
        str(config["object"]),
        holder=leases.for_one_run(leases.this_process()),
        ttl=ttl,
    )
    run_id = RunRecorder(database, lease.template_id, lease.object_name, trigger="manual").run_id
    lease.renew(run_id)
    with leases.LeaseKeeper(lease, run_id):
        print(f"HELD {lease.holder} run {run_id}", flush=True)
        threading.Event().wait(600)
    return {}


def compete(database: Any, config: dict[str, Any]) -> dict[str, Any]:
    from app.scheduling import SchedulerConfig, SyncScheduler
    from app.scheduling.drafts import load_drafts, save_drafts
    from app.scheduling.owner import CLIENT, SERVICE
    from app.sync import marking
    from app.sync.engine import Engine
    from app.sync.jobs import OBJECTS
    from app.sync.leases import LeaseHeld

    template_id = int(config["template_id"])
    objects: list[str] = list(config["objects"])
    service = config["kind"] == "service"
    scheduler = SyncScheduler(
        database,
        OBJECTS,
        SchedulerConfig(
            kind=SERVICE if service else CLIENT,
            poll_seconds=0.2,
            # Long enough that a loaded 2-core CI machine (three processes syncing on
            # one PostgreSQL) never lets the service's heartbeat lapse by accident.
            owner_ttl=timedelta(seconds=6),
            misfire_grace=timedelta(minutes=1),
        ),
    )
    scheduler.start()
    engine = Engine(database, OBJECTS)
    print("READY", flush=True)
    until = float(sys.stdin.readline())
    marks: list[str] = list(config["marks"])
    edits = int(config["schedule_edits"])
    edit_object = str(config["schedule_object"])
    schedule_ids: list[int] = list(config.get("schedule_ids", []))
    counts = {"runs": 0, "refused": 0, "fired": 0, "marks": 0, "edits": 0}
    step = 0
    try:
        while time.time() < until or counts["edits"] < edits:
            if time.time() < until:
                for name in objects:
                    if service:
                        for schedule_id in schedule_ids:
                            counts["fired"] += scheduler.fire_now(schedule_id)
                    try:
                        engine.run(name, template_id, trigger="cli" if service else "manual")
                        counts["runs"] += 1
                    except LeaseHeld:
                        counts["refused"] += 1
            if step < len(marks):
                marking.save_marks(database, "item", template_id, marks[step : step + 3], ())
                step += 3
                counts["marks"] = min(step, len(marks))
            if counts["edits"] < edits:
                counts["edits"] += 1
                draft = next(
                    d
                    for d in load_drafts(database, OBJECTS, template_id)
                    if d.object == edit_object
                )
                save_drafts(
                    database,
                    template_id,
                    [draft.with_changes(interval_minutes=60 + counts["edits"])],
                )
        while step < len(marks):
            marking.save_marks(database, "item", template_id, marks[step : step + 3], ())
            step += 3
        counts["marks"] = len(marks)
    finally:
        scheduler.stop()
    return counts


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    summary = main(json.loads(sys.argv[1]))
    print(json.dumps(summary), flush=True)
