"""Lost acknowledgements: SL applies a write, then the connection drops before the answer."""

from __future__ import annotations

import http.client
from collections.abc import Callable

import pytest
import requests

from app.connectors.sapb1 import (
    BatchRequest,
    ChangeSet,
    NotFoundError,
    ServiceLayerClient,
    TransientError,
)
from app.sandbox.faults import FaultPlan
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import RawSession, invoice_body, settings_for


def _sent(sandbox: ServiceLayerSandbox, method: str, suffix: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == method and r.path.endswith(suffix))


def _remote_disconnected(exc: BaseException) -> bool:
    """Whether a requests error was caused by the server closing without an answer."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, http.client.RemoteDisconnected):
            return True
        nested = [a for a in seen.args if isinstance(a, BaseException)]
        seen = nested[0] if nested else (seen.__cause__ or seen.__context__)
    return False


def test_lost_ack_applies_the_write_and_drops_the_connection(
    sandbox: ServiceLayerSandbox,
) -> None:
    raw = RawSession(sandbox)  # Login is never a lost write
    sandbox.lose_next_acks(1, method="POST", path=r"/Invoices$")
    with pytest.raises(requests.ConnectionError) as caught:
        raw.post("Invoices", invoice_body(U_TG_ID="tg-lost", NumAtCard="R-LOST"))
    assert _remote_disconnected(caught.value), caught.value
    answer = raw.get("Invoices", params={"$filter": "U_TG_ID eq 'tg-lost'"})
    assert answer.status_code == 200
    assert [d["NumAtCard"] for d in answer.json()["value"]] == ["R-LOST"]
    assert sandbox.lost_acks == [("POST", "/b1s/v2/Invoices", 201)]
    assert _sent(sandbox, "POST", "/Invoices") == 1
    assert raw.post("Invoices", invoice_body(U_TG_ID="tg-next")).status_code == 201


def test_aimed_losses_skip_reads_logins_failures_and_other_paths(
    sandbox: ServiceLayerSandbox,
) -> None:
    sandbox.lose_next_acks(1, path=r"/Invoices$")
    raw = RawSession(sandbox)
    assert raw.get("Invoices").status_code == 200
    assert raw.post("BusinessPartners", {"CardCode": "LA1", "CardName": "x"}).status_code == 201
    assert raw.post("Invoices", invoice_body(card="NOPE")).status_code == 400
    assert sandbox.faults.aimed_lost_acks == 1
    with pytest.raises(requests.ConnectionError):
        raw.post("Invoices", invoice_body(U_TG_ID="tg-aimed"))
    assert sandbox.count("Invoices", "U_TG_ID eq 'tg-aimed'") == 1
    assert sandbox.faults.aimed_lost_acks == 0


def test_lost_ack_rate_strikes_writes_only(sandbox: ServiceLayerSandbox) -> None:
    sandbox.configure_faults(FaultPlan.parse("lost_ack_rate=1.0"))
    raw = RawSession(sandbox)
    assert raw.get("Items('A00001')").status_code == 200
    for n, (method, path, body) in enumerate(
        [
            ("POST", "Invoices", invoice_body(U_TG_ID="tg-rate")),
            ("PATCH", "BusinessPartners('C000001')", {"Notes": "lost"}),
            ("POST", "BusinessPartners", {"CardCode": "LR1", "CardName": "x"}),
            ("DELETE", "BusinessPartners('LR1')", None),
        ]
    ):
        with pytest.raises(requests.ConnectionError):
            raw.request(method, path, json=body)
        assert len(sandbox.lost_acks) == n + 1
    assert sandbox.count("Invoices", "U_TG_ID eq 'tg-rate'") == 1
    assert sandbox.entity("BusinessPartners", "C000001")["Notes"] == "lost"  # type: ignore[index]
    assert sandbox.entity("BusinessPartners", "LR1") is None


def test_client_post_with_lost_ack_is_possibly_processed_and_not_resent(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    client.login()
    sandbox.lose_next_acks(1, method="POST", path=r"/Invoices$")
    with pytest.raises(TransientError) as caught:
        client.create("Invoices", invoice_body(U_TG_ID="tg-client"))
    assert caught.value.possibly_processed
    assert _sent(sandbox, "POST", "/Invoices") == 1
    assert client.count("Invoices") == 1


def test_client_patch_with_lost_ack_is_retried_harmlessly(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    client.login()
    sandbox.lose_next_acks(1, method="PATCH")
    client.update("BusinessPartners", "C000001", {"Notes": "patched once"})
    assert sandbox.entity("BusinessPartners", "C000001")["Notes"] == "patched once"  # type: ignore[index]
    assert _sent(sandbox, "PATCH", "('C000001')") == 2  # PATCH is re-sent: idempotent
    assert len(sandbox.lost_acks) == 1


def test_client_delete_with_lost_ack_reports_success(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    client.create("BusinessPartners", {"CardCode": "LD1", "CardName": "to delete"})
    sandbox.lose_next_acks(1, method="DELETE")
    try:
        client.delete("BusinessPartners", "LD1")
    finally:
        assert sandbox.entity("BusinessPartners", "LD1") is None  # applied either way
        assert len(sandbox.lost_acks) == 1


def test_client_delete_of_a_missing_record_without_a_lost_answer_is_still_not_found(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    with pytest.raises(NotFoundError):
        client.delete("BusinessPartners", "NO-SUCH-BP")
    assert sandbox.lost_acks == []


def test_client_batch_with_lost_ack_applies_the_changeset_once(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    client.login()
    sandbox.lose_next_acks(1, path=r"/\$batch$")
    with pytest.raises(TransientError) as caught:
        client.batch(
            [
                ChangeSet(
                    [
                        BatchRequest(
                            "POST", "BusinessPartners", {"CardCode": "LB1", "CardName": "b"}
                        ),
                        BatchRequest("POST", "Invoices", invoice_body(card="LB1", U_TG_ID="tg-b")),
                    ]
                )
            ]
        )
    assert caught.value.possibly_processed
    assert _sent(sandbox, "POST", "/$batch") == 1
    assert sandbox.count("Invoices", "U_TG_ID eq 'tg-b'") == 1
    assert sandbox.entity("BusinessPartners", "LB1") is not None


def test_wait_after_apply_times_out_a_write_already_applied(
    make_sandbox: Callable[..., ServiceLayerSandbox], version: str
) -> None:
    sandbox = make_sandbox()
    settings = settings_for(sandbox, version, timeout=(1.0, 0.3), max_retries=1)
    with ServiceLayerClient(settings) as client:
        client.login()
        sandbox.configure_faults(
            FaultPlan.parse("slow_rate=1.0,slow_seconds=0.6,wait_after_apply=true")
        )
        with pytest.raises(TransientError) as caught:
            client.create("Invoices", invoice_body(U_TG_ID="tg-slow-applied"))
        assert caught.value.possibly_processed
        # No waiting: the route ran before the hang, so the client's timeout finds it applied.
        assert sandbox.count("Invoices", "U_TG_ID eq 'tg-slow-applied'") == 1
        assert _sent(sandbox, "POST", "/Invoices") == 1


def test_fault_spec_parses_the_new_settings() -> None:
    plan = FaultPlan.parse("lost_ack_rate=0.25,wait_after_apply=true,latency=0.1")
    assert (plan.lost_ack_rate, plan.wait_after_apply, plan.latency) == (0.25, True, 0.1)
    assert FaultPlan.parse("wait_after_apply=off").wait_after_apply is False
    with pytest.raises(ValueError, match="true or false"):
        FaultPlan.parse("wait_after_apply=maybe")
