"""The client under SL's failures: expired sessions, refused logins, 5xx, drops, timeouts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest

from app.connectors.sapb1 import (
    AuthenticationError,
    BusinessRuleError,
    ServiceLayerClient,
    SessionError,
    TransientError,
)
from app.sandbox.faults import FaultPlan
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import SEEDED_ITEMS, invoice_body, settings_for


def _posts(sandbox: ServiceLayerSandbox, path: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == "POST" and r.path.endswith(path))


def test_forced_expiry_relogs_in_and_replays(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    sandbox.configure_faults(FaultPlan(expire_session_every=3))
    codes = [client.get("Items", f"A{n:05d}")["ItemCode"] for n in range(1, 11)]
    assert codes == [f"A{n:05d}" for n in range(1, 11)]
    assert client.transport.logins >= 4
    assert sandbox.sessions.logins == client.transport.logins


def test_idle_timeout_relogs_in(
    make_sandbox: Callable[..., ServiceLayerSandbox], version: str
) -> None:
    sandbox = make_sandbox(session_timeout=0.3)
    with ServiceLayerClient(settings_for(sandbox, version)) as client:
        assert client.count("Items") == SEEDED_ITEMS
        before = client.transport.logins
        deadline = time.monotonic() + 5
        while sandbox.sessions.live():
            assert time.monotonic() < deadline, "session never idled out"
            time.sleep(0.05)
        assert client.count("Items") == SEEDED_ITEMS
        assert client.transport.logins == before + 1


def test_session_that_stays_invalid_raises(
    make_sandbox: Callable[..., ServiceLayerSandbox], version: str
) -> None:
    sandbox = make_sandbox(session_timeout=0, company_setup=False)
    with ServiceLayerClient(settings_for(sandbox, version)) as client:
        with pytest.raises(SessionError) as caught:
            client.count("Items")
        assert (caught.value.status, caught.value.code) == (401, 301)
        assert client.transport.logins == 2


def test_refused_login_is_reported_once(
    sandbox: ServiceLayerSandbox, version: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(sandbox, version, password="s3cret-wrong")
    caplog.set_level(logging.INFO)
    with ServiceLayerClient(settings) as client:
        for _ in range(3):
            with pytest.raises(AuthenticationError) as caught:
                client.count("Items")
            assert caught.value.code == -304
            assert caught.value.message == "Fail to get DB Credentials from SLD server"
            assert "s3cret-wrong" not in str(caught.value) + repr(caught.value)
    assert _posts(sandbox, "/Login") == 1
    assert "s3cret-wrong" not in caplog.text
    assert "s3cret-wrong" not in repr(settings)


def test_transient_5xx_are_retried(sandbox: ServiceLayerSandbox, version: str) -> None:
    with ServiceLayerClient(settings_for(sandbox, version, max_retries=8)) as client:
        client.login()
        sandbox.configure_faults(FaultPlan(error_rate=0.4, error_statuses=(502, 503, 500)))
        for n in range(1, 21):
            assert client.get("Items", f"A{n:05d}")["ItemCode"] == f"A{n:05d}"
    answered = sum(1 for r in sandbox.requests if r.path.endswith("')"))
    assert answered == 20  # injected failures never reach the entity: each GET served once


def test_retries_are_bounded(sandbox: ServiceLayerSandbox, client: ServiceLayerClient) -> None:
    client.login()
    sandbox.configure_faults(FaultPlan(error_rate=1.0, error_statuses=(503,)))
    with pytest.raises(TransientError) as caught:
        client.get("Items", "A00001")
    assert caught.value.status == 503


def test_400_is_never_retried(sandbox: ServiceLayerSandbox, client: ServiceLayerClient) -> None:
    with pytest.raises(BusinessRuleError):
        client.create("Invoices", invoice_body(card="NOPE"))
    assert _posts(sandbox, "/Invoices") == 1


def test_dropped_connections_are_retried(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    client.login()
    sandbox.configure_faults(FaultPlan(drop_rate=0.4, seed=5))
    for n in range(1, 11):
        assert client.get("Items", f"A{n:05d}")["ItemCode"] == f"A{n:05d}"


def test_slow_answers_time_out(
    make_sandbox: Callable[..., ServiceLayerSandbox], version: str
) -> None:
    sandbox = make_sandbox()
    settings = settings_for(sandbox, version, timeout=(1.0, 0.3), max_retries=1)
    with ServiceLayerClient(settings) as client:
        client.login()
        sandbox.configure_faults(FaultPlan(slow_rate=1.0, slow_seconds=0.6))
        with pytest.raises(TransientError) as reading:
            client.get("Items", "A00001")
        assert not reading.value.possibly_processed
        with pytest.raises(TransientError) as writing:
            client.create("Invoices", invoice_body(U_TG_ID="tg-slow"))
        assert writing.value.possibly_processed
        deadline = time.monotonic() + 5
        while sandbox.count("Invoices", "U_TG_ID eq 'tg-slow'") == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert _posts(sandbox, "/Invoices") == 1  # a timed-out write is not blindly re-sent


def test_no_expect_header_and_session_cookie_sent(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    body = {"CardCode": "NEW", "CardName": "New", "FreeText": "New " * 400}  # a large body
    client.create("BusinessPartners", body)
    for request in sandbox.requests:
        assert "expect" not in request.headers
    post = next(r for r in sandbox.requests if r.path.endswith("/BusinessPartners"))
    assert post.cookies["B1SESSION"] and post.cookies["ROUTEID"] == ".node1"


def test_threads_share_a_bounded_pool(
    make_sandbox: Callable[..., ServiceLayerSandbox], version: str
) -> None:
    sandbox = make_sandbox(faults=FaultPlan(latency=0.02))
    errors: list[BaseException] = []
    with ServiceLayerClient(settings_for(sandbox, version, max_sessions=3)) as client:

        def work(n: int) -> None:
            try:
                for k in range(5):
                    client.create("Invoices", invoice_body(U_TG_ID=f"t{n}-{k}"))
            except BaseException as exc:  # collected and re-raised in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        assert sandbox.count("Invoices") == 30
        assert client.transport.logins <= 3
    numbers = sorted(d["DocNum"] for d in sandbox.entities("Invoices"))
    assert numbers == list(range(1, 31))


def test_threads_survive_session_expiry(sandbox: ServiceLayerSandbox, version: str) -> None:
    sandbox.configure_faults(
        FaultPlan(expire_session_every=4, error_rate=0.1, error_statuses=(502,))
    )
    results: list[str] = []
    errors: list[BaseException] = []
    with ServiceLayerClient(
        settings_for(sandbox, version, max_sessions=4, max_retries=6)
    ) as client:

        def work(n: int) -> None:
            try:
                for k in range(1, 11):
                    results.append(client.get("Items", f"A{k + n * 10:05d}")["ItemCode"])
            except BaseException as exc:  # collected and re-raised in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert not errors
    assert sorted(results) == [f"A{n:05d}" for n in range(1, 41)]


def test_post_is_not_blindly_retried_after_502(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    client.login()
    sandbox.configure_faults(FaultPlan(error_rate=1.0, error_statuses=(502,)))
    with pytest.raises(TransientError) as caught:
        client.create("Invoices", invoice_body())
    assert caught.value.status == 502 and caught.value.possibly_processed
    sandbox.configure_faults(FaultPlan())
    assert client.count("Invoices") == 0


def test_post_is_retried_after_503(sandbox: ServiceLayerSandbox, version: str) -> None:
    with ServiceLayerClient(settings_for(sandbox, version, max_retries=8)) as client:
        client.login()
        sandbox.configure_faults(FaultPlan(error_rate=0.5, error_statuses=(503,)))
        for n in range(5):
            client.create("Invoices", invoice_body(U_TG_ID=f"r{n}"))
        sandbox.configure_faults(FaultPlan())
        assert client.count("Invoices") == 5


def test_unreachable_server_is_retried_then_transient(version: str) -> None:
    import socket

    from app.connectors.sapb1 import ServiceLayerSettings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = ServiceLayerSettings(
        f"http://127.0.0.1:{port}",
        "DB",
        "u",
        "p",
        version=version,
        timeout=(0.5, 1.0),
        backoff=0.01,
        max_backoff=0.02,
    )
    with ServiceLayerClient(settings) as client:
        with pytest.raises(TransientError) as caught:
            client.create("Invoices", invoice_body())
        assert not caught.value.possibly_processed and caught.value.status == 0
