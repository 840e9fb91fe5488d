"""``integration-hub service`` as a real process: it runs a due schedule and stops on SIGTERM."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.scheduling.owner import current_owner
from app.scheduling.service import ServiceOptions, run_service
from app.store import Database, Run
from app.sync.jobs import OBJECTS
from tests.scheduling.conftest import add_schedule, wait_for
from tests.support.file_keyring import sandbox_keyring


def service_runs(database: Database, template: int) -> list[Run]:
    with database.session() as session:
        return list(
            session.scalars(
                select(Run).where(
                    Run.template_id == template,
                    Run.trigger == "service",
                    Run.status != "running",
                )
            )
        )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_service_process_runs_a_due_schedule_and_stops_on_sigterm(
    database: Database, database_file: Path, template_id: int, isolated_home: Path, tmp_path: Path
) -> None:
    add_schedule(database, template_id, every=60, edited_ago=timedelta(minutes=90))
    output = tmp_path / "service.out"
    environment = {
        **os.environ,
        "INTEGRATION_HUB_HOME": str(isolated_home),
        **sandbox_keyring(tmp_path / "keyring.json"),
    }
    environment.pop("INTEGRATION_HUB_DATABASE_URL", None)
    command = [sys.executable, "-m", "app.cli", "--database", f"sqlite:///{database_file}"]
    with output.open("w") as out:
        process = subprocess.Popen(
            [*command, "service", "--poll", "0.2", "--grace", "7200"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        try:
            runs = wait_for(lambda: service_runs(database, template_id), what="the service's run")
            assert [r.status for r in runs] == ["succeeded"]
            assert runs[0].pid == process.pid
            owner = current_owner(database)
            assert owner is not None and owner.kind == "service"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    text = output.read_text()
    assert f"database: sqlite:///{database_file}" in text
    assert "keyring: tests.support.file_keyring.FileKeyring (account " in text
    assert "Sandbox/customer_groups: Daily 00:00–23:59 every 1 h; next run" in text
    assert "Sandbox/customer_groups: succeeded" in text
    assert "service stopped" in text
    assert "Traceback" not in text
    assert current_owner(database) is None


def test_run_service_in_process_stops_a_run_at_the_next_record(
    database: Database, template_id: int
) -> None:
    add_schedule(database, template_id, "sales", every=60, edited_ago=timedelta(minutes=90))
    stop = threading.Event()
    out = io.StringIO()
    options = ServiceOptions(poll_seconds=0.1, misfire_grace=timedelta(hours=2))
    worker = threading.Thread(
        target=lambda: run_service(database, OBJECTS, stop, options=options, out=out)
    )
    worker.start()

    def started() -> list[Run]:
        with database.session() as session:
            return list(session.scalars(select(Run).where(Run.object == "sales")))

    wait_for(started, what="the sales run to start")
    stop.set()
    worker.join(timeout=30)
    assert not worker.is_alive()
    runs = started()
    assert len(runs) == 1 and runs[0].status in ("cancelled", "succeeded", "partial")
    assert "service stopped" in out.getvalue()


def test_service_refuses_a_non_positive_interval(capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    assert main(["service", "--poll", "0"]) == 2
    assert "--poll, --owner-ttl and --grace must be positive" in capsys.readouterr().err
