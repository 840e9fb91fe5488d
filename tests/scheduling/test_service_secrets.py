"""A scheduled template's missing secret: the service names the account and keyring it read."""

from __future__ import annotations

import getpass
import io
import threading
from datetime import timedelta

from sqlalchemy import select

from app import credentials, secrets
from app.credentials import Credentials, StaticCredentials
from app.sandbox.launcher import RunningSandboxes
from app.scheduling.service import ServiceOptions, run_service
from app.secrets import SecretKind
from app.store import Database, Run, Template
from app.sync.jobs import OBJECTS
from tests.scheduling.conftest import add_schedule, wait_for


def test_service_warns_per_missing_secret_and_the_failed_run_says_whose_keyring(
    database: Database, sandboxes: RunningSandboxes
) -> None:
    with database.session() as session:
        template = Template(
            name="Main",
            sap_url=sandboxes.sap_url,
            sap_company_db="SBODEMOUS",
            sap_user="manager",
            tagrain_url=sandboxes.tagrain_url,
        )
        session.add(template)
        session.flush()
        template_id = template.id
    secrets.set_secret("Main", SecretKind.TAGRAIN_API_KEY, "tg_key_present")
    add_schedule(database, template_id, every=60, edited_ago=timedelta(minutes=90))

    stop = threading.Event()
    out = io.StringIO()
    options = ServiceOptions(poll_seconds=0.1, misfire_grace=timedelta(hours=2))
    worker = threading.Thread(
        target=lambda: run_service(database, OBJECTS, stop, options=options, out=out)
    )
    worker.start()
    try:

        def failed_run() -> list[Run]:
            with database.session() as session:
                return list(
                    session.scalars(
                        select(Run).where(Run.template_id == template_id, Run.status == "failed")
                    )
                )

        runs = wait_for(failed_run, what="the scheduled run to fail for the missing secret")
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()

    account = getpass.getuser()
    warnings = [line for line in out.getvalue().splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, out.getvalue()
    warning = warnings[0]
    assert "No sap password is stored for template 'Main'" in warning
    assert f"of account {account}" in warning
    assert "tests.support.memory_keyring.MemoryKeyring" in warning
    assert "secrets set --template Main --kind sap-password" in warning
    message = runs[0].message or ""
    assert f"of account {account}" in message
    assert "MemoryKeyring" in message
    assert "secrets set --template Main --kind sap-password" in message


def test_no_warning_when_the_secrets_are_there_handed_over_or_the_schedule_is_off(
    database: Database,
) -> None:
    from app.scheduling.service import secret_warnings
    from app.store import Schedule

    handed = StaticCredentials({"Sandbox": Credentials("sandbox-pw", "tg_sandbox_key")})
    credentials.register(handed)
    with database.session() as session:
        session.add(Template(name="Main"))
        session.add(Template(name="Idle"))
        session.add(Template(name="Sandbox", is_sandbox=True))
    ids = {}
    with database.session() as session:
        for t in session.scalars(select(Template)):
            ids[t.name] = t.id
    for name in ids:
        add_schedule(database, ids[name])
    with database.session() as session:
        idle = session.scalars(select(Schedule).where(Schedule.template_id == ids["Idle"])).one()
        idle.enabled = False
    assert [line.split(" is stored")[0] for line in secret_warnings(database)] == [
        "warning: No sap password",
        "warning: No tagrain api key",
    ]
    secrets.set_secret("Main", SecretKind.SAP_PASSWORD, "pw")
    secrets.set_secret("Main", SecretKind.TAGRAIN_API_KEY, "key")
    assert secret_warnings(database) == []
