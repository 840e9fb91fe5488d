"""HTTPS: the sandbox's self-signed certificate, verified by CA bundle or refused."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerError
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import SEEDED_ITEMS, settings_for


@pytest.fixture
def tls_sandbox(make_sandbox: Callable[..., ServiceLayerSandbox]) -> ServiceLayerSandbox:
    """A sandbox on HTTPS."""
    return make_sandbox(tls=True)


def test_https_with_the_certificate_as_ca_bundle(tls_sandbox: ServiceLayerSandbox) -> None:
    assert tls_sandbox.url.startswith("https://") and tls_sandbox.certificate_path
    settings = settings_for(tls_sandbox, "v2", ca_file=str(tls_sandbox.certificate_path))
    with ServiceLayerClient(settings) as client:
        assert client.count("Items") == SEEDED_ITEMS


def test_self_signed_certificate_is_refused_by_default(tls_sandbox: ServiceLayerSandbox) -> None:
    with (
        ServiceLayerClient(settings_for(tls_sandbox, "v2")) as client,
        pytest.raises(ServiceLayerError) as caught,
    ):
        client.count("Items")
    assert "TLS" in str(caught.value)


def test_accepting_any_certificate_is_explicit_and_logged(
    tls_sandbox: ServiceLayerSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with ServiceLayerClient(settings_for(tls_sandbox, "v1", verify=False)) as client:
        assert client.count("Items") == SEEDED_ITEMS
    assert "verification is OFF" in caplog.text


def test_certificate_is_reused_with_a_database(
    make_sandbox: Callable[..., ServiceLayerSandbox], tmp_path: object
) -> None:
    from pathlib import Path

    database = Path(str(tmp_path)) / "sl.sqlite3"
    first = make_sandbox(tls=True, database=database)
    pem = first.certificate_path.read_bytes()  # type: ignore[union-attr]
    first.stop()
    second = make_sandbox(tls=True, database=database)
    assert second.certificate_path.read_bytes() == pem  # type: ignore[union-attr]


def test_faults_over_https(tls_sandbox: ServiceLayerSandbox) -> None:
    from app.sandbox.faults import FaultPlan

    settings = settings_for(
        tls_sandbox, "v2", ca_file=str(tls_sandbox.certificate_path), max_retries=8
    )
    with ServiceLayerClient(settings) as client:
        client.login()
        tls_sandbox.configure_faults(
            FaultPlan(drop_rate=0.3, error_rate=0.2, error_statuses=(502,), expire_session_every=4)
        )
        codes = [client.get("Items", f"A{n:05d}")["ItemCode"] for n in range(1, 21)]
    assert codes == [f"A{n:05d}" for n in range(1, 21)]
