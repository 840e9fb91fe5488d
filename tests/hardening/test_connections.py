"""Connections that go wrong: a wrong password, a name that does not resolve, a renewed
certificate, a session that expires inside a ``$batch``.

Each ends the run (or the Test Connection) with one plain sentence that says
what is wrong and where to fix it, leaves the watermark where it was, posts
nothing, and does not hammer the server: a refused login is tried once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app import credentials, secrets
from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.connectors.sapb1.batch import BatchRequest
from app.connectors.sapb1.errors import SessionError
from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Template
from app.sync.connection_check import check_sap, check_tagrain
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.recorder import read_watermark
from app.sync.runner import RunResult
from tests.hardening.conftest import TINY

NAME = "Sandbox"


@pytest.fixture(scope="module")
def servers() -> Iterator[RunningSandboxes]:
    """Both sandboxes, the Service Layer over HTTPS with its self-signed certificate."""
    running = start_sandboxes(SandboxOptions(scale=TINY, https=True))
    yield running
    running.stop()


@pytest.fixture
def template(database: Database, servers: RunningSandboxes) -> int:
    """A real (non-sandbox) template: secrets from the keyring, the sandbox's CA file trusted."""
    ca_file = str(servers.service_layer.certificate_path)
    template_id = ensure_sandbox_template(database, servers.sap_url, servers.tagrain_url, ca_file)
    credentials.reset()  # nothing handed over: the keyring alone answers
    with database.session() as session:
        row = session.get_one(Template, template_id)
        row.is_sandbox = False
        row.sap_ca_file = str(servers.service_layer.certificate_path)
    secrets.set_secret(NAME, secrets.SecretKind.SAP_PASSWORD, demo.SAP_PASSWORD)
    secrets.set_secret(NAME, secrets.SecretKind.TAGRAIN_API_KEY, demo.TAGRAIN_API_KEY)
    return template_id


def _run(database: Database, template_id: int, name: str = "sales") -> RunResult:
    return Engine(database, OBJECTS).run(name, template_id, trigger="schedule")[-1]


def _logins(servers: RunningSandboxes) -> int:
    return sum(1 for r in servers.service_layer.requests if r.path.endswith("/Login"))


def test_a_wrong_password_in_the_client_and_on_schedule(
    database: Database, template: int, servers: RunningSandboxes
) -> None:
    secrets.set_secret(NAME, secrets.SecretKind.SAP_PASSWORD, "Passw0rd-typo")
    check = check_sap(database, template)
    assert not check.ok
    assert check.message == (
        "SAP Business One refused user 'manager' for company 'SBODEMOUS': "
        "Fail to get DB Credentials from SLD server"
    )
    logins = _logins(servers)
    result = _run(database, template)
    assert result.status == "failed" and result.total == 0, result
    assert result.message == (
        "SAP Business One refused the login: Fail to get DB Credentials from SLD server "
        "(check the company, user and password in Integration Hub → Connections)"
    )
    assert "Passw0rd-typo" not in result.message
    assert _logins(servers) - logins == 1, "a refused login is not tried again and again"
    assert read_watermark(database, template, "sales", "to_sap") is None
    assert servers.service_layer.count("Invoices") == 0
    secrets.set_secret(NAME, secrets.SecretKind.SAP_PASSWORD, demo.SAP_PASSWORD)
    assert check_sap(database, template).ok


def test_a_server_name_that_does_not_resolve(database: Database, template: int) -> None:
    with database.session() as session:
        session.get_one(Template, template).sap_url = "https://sap-b1.invalid:50000"
    check = check_sap(database, template)
    assert not check.ok and check.message == (
        "The server name of the Service Layer (https://sap-b1.invalid:50000) cannot be found. "
        "Check the URL."
    )
    result = _run(database, template)
    assert result.status == "failed" and result.total == 0, result
    assert result.message == (
        "SAP: ConnectionError talking to https://sap-b1.invalid:50000: "
        "the server name sap-b1.invalid cannot be found"
    )
    assert read_watermark(database, template, "sales", "to_sap") is None


def test_a_tagrain_name_that_does_not_resolve(database: Database, template: int) -> None:
    with database.session() as session:
        session.get_one(Template, template).tagrain_url = "https://pos.tagrain.invalid"
    result = _run(database, template, "expenses")
    assert result.status == "failed" and result.total == 0, result
    assert result.message == (
        "Tagrain: ConnectionError talking to Tagrain at GET /expenses: the server name cannot "
        "be found (check the Tagrain URL)"
    )


def test_a_renewed_tls_certificate(
    database: Database, template: int, servers: RunningSandboxes
) -> None:
    first = _run(database, template, "expenses")
    assert first.status in ("succeeded", "partial") and first.created > 0, first
    mark = read_watermark(database, template, "expenses", "to_sap")
    entries = servers.service_layer.count("JournalEntries")
    servers.service_layer.renew_certificate()
    expenses = servers.tagrain.count("expenses")
    for _ in range(200):
        if servers.tagrain.count("expenses") > expenses:
            break
        servers.tagrain.live_tick()
    assert servers.tagrain.count("expenses") > expenses, "the till rang up no expense"
    result = _run(database, template, "expenses")
    assert result.status == "failed", result
    host = servers.service_layer.url
    assert result.message == (
        f"SAP: the TLS certificate of {host} is not trusted (self-signed certificate); if the "
        "server's certificate was renewed, choose its new CA file in Integration Hub → Connections"
    )
    assert read_watermark(database, template, "expenses", "to_sap") == mark
    assert servers.service_layer.count("JournalEntries") == entries
    check = check_sap(database, template)
    assert not check.ok and "is not trusted" in check.message
    with database.session() as session:
        session.get_one(Template, template).sap_ca_file = str(
            servers.service_layer.certificate_path
        )
    assert check_sap(database, template).ok
    assert check_tagrain(database, template).ok


def test_a_session_that_expires_in_the_middle_of_a_batch(servers: RunningSandboxes) -> None:
    sl = servers.service_layer
    settings = ServiceLayerSettings(
        base_url=sl.url,
        company_db=demo.COMPANY_DB,
        user=demo.SAP_USER,
        password=demo.SAP_PASSWORD,
        ca_file=str(sl.certificate_path),
    )
    codes = ["HB-BATCH-1", "HB-BATCH-2", "HB-BATCH-3"]
    parts = [
        BatchRequest("POST", "BusinessPartners", {"CardCode": c, "CardName": c, "CardType": "C"})
        for c in codes
    ]
    with ServiceLayerClient(settings) as client:
        client.login()
        sl.expire_session_in_batch(after_parts=1)
        answers = client.batch(list(parts))
        assert [a.status for a in answers] == [201, 401], "applied, then stopped at the expiry"
        error = answers[1].error
        assert isinstance(error, SessionError) and error.code == 301
        assert error.message == "Invalid session or session already timeout."
        assert sl.entity("BusinessPartners", codes[0]) is not None
        assert sl.entity("BusinessPartners", codes[1]) is None, "nothing after the expiry ran"
        again = client.batch(list(parts[1:]))
        assert [a.status for a in again] == [201, 201], "logged in again, the rest went through"
    for code in codes:
        assert sl.count("BusinessPartners", f"CardCode eq '{code}'") == 1
