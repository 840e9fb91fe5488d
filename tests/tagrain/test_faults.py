"""Faults injected by the sandbox: 5xx, dropped connections, timeouts, rate limits, auth."""

from __future__ import annotations

import threading
import time

import pytest

from app.connectors.tagrain import (
    TagrainAuthError,
    TagrainClient,
    TagrainError,
    TagrainRateLimitedError,
    TagrainSettings,
    TagrainTransientError,
)
from app.sandbox import demo
from app.sandbox.faults import FaultPlan
from app.sandbox.tagrain.server import TagrainSandbox
from tests.tagrain.conftest import ClientFactory


def test_server_errors_are_retried_then_reported(
    make_client: ClientFactory, sandbox: TagrainSandbox, sleeps: list[float]
) -> None:
    sandbox.configure_faults(FaultPlan(error_rate=1.0))
    client = make_client(max_retries=2, backoff=0.1, max_backoff=0.15)
    with pytest.raises(TagrainTransientError) as caught:
        client.list_stores()
    assert caught.value.status in (500, 502, 503)
    assert len(sleeps) == 2 and all(0.05 <= s <= 0.15 for s in sleeps)


def test_listing_survives_intermittent_5xx_and_drops(
    make_client: ClientFactory, sandbox: TagrainSandbox, sleeps: list[float]
) -> None:
    sandbox.configure_faults(FaultPlan(error_rate=0.2, drop_rate=0.2, seed=3))
    client = make_client(max_retries=8)
    ids = [s.id for s in client.iter_sales(limit=10)]
    assert sorted(ids) == sandbox.ids("sales")
    assert sleeps


def test_writes_survive_drops_without_duplicates(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    before = sandbox.count("customers")
    sandbox.configure_faults(FaultPlan(drop_rate=0.5, seed=5))
    client = make_client(max_retries=10)
    created = [client.create_customer({"first_name": f"Drop{n}"}) for n in range(5)]
    again = [client.create_customer({"first_name": f"Drop{n}"}) for n in range(5)]
    assert created == again
    assert sandbox.count("customers") == before + 5


def test_dropped_connections_outlasting_retries(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    sandbox.configure_faults(FaultPlan(drop_rate=1.0))
    with pytest.raises(TagrainTransientError, match="ConnectionError"):
        make_client(max_retries=1).ping()


def test_timeouts_are_retried_and_bounded(
    make_client: ClientFactory, sandbox: TagrainSandbox, sleeps: list[float]
) -> None:
    sandbox.configure_faults(FaultPlan(slow_rate=1.0, slow_seconds=1.0))
    client = make_client(timeout=0.2, max_retries=1)
    started = time.monotonic()
    with pytest.raises(TagrainTransientError, match="Timeout"):
        client.ping()
    assert time.monotonic() - started < 0.9
    assert len(sleeps) == 1


def test_rate_limit_waits_for_retry_after(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    sandbox.configure_faults(FaultPlan(rate_limit_per_second=4, retry_after_seconds=1))
    waits: list[float] = []
    client = make_client(real_sleep=True, max_retries=5)
    client.transport.sleep = lambda s: (waits.append(s), time.sleep(s))[0]
    ids = [s.id for s in client.iter_sales(limit=20)]
    assert sorted(ids) == sandbox.ids("sales")
    assert waits and all(w == 1.0 for w in waits)


def test_rate_limit_beyond_patience_is_raised(
    make_client: ClientFactory, sandbox: TagrainSandbox, sleeps: list[float]
) -> None:
    sandbox.configure_faults(FaultPlan(rate_limit_per_second=1, retry_after_seconds=120))
    client = make_client(max_retry_after=30)
    client.ping()
    with pytest.raises(TagrainRateLimitedError) as caught:
        client.ping()
    assert caught.value.retry_after == 120 and caught.value.status == 429
    assert caught.value.code == "rate_limited" and sleeps == []


def test_a_429_storm_does_not_use_up_the_retries_meant_for_errors(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    sandbox.configure_faults(FaultPlan(rate_limit_per_second=1, retry_after_seconds=1))
    client = make_client(real_sleep=True, max_retries=0)
    ids = [s.id for s in client.iter_sales(limit=25)]
    assert sorted(ids) == sandbox.ids("sales"), "no error retry was allowed, yet nothing failed"


def test_rate_limit_waiting_has_its_own_budget(
    make_client: ClientFactory, sandbox: TagrainSandbox, sleeps: list[float]
) -> None:
    sandbox.configure_faults(FaultPlan(rate_limit_per_second=1, retry_after_seconds=2))
    client = make_client(max_retries=10, max_rate_limit_wait=3)
    client.ping()
    with pytest.raises(TagrainRateLimitedError):
        client.ping()
    assert sleeps == [2.0], "one wait fits the budget, a second would not"


def test_a_429_holds_the_other_workers_new_requests_too(
    make_client: ClientFactory, sandbox: TagrainSandbox, sleeps: list[float]
) -> None:
    sandbox.configure_faults(FaultPlan(rate_limit_per_second=1, retry_after_seconds=2))
    client = make_client(max_rate_limit_wait=2)
    client.ping()
    with pytest.raises(TagrainRateLimitedError):
        client.ping()
    assert sleeps == [2.0]
    sandbox.configure_faults(FaultPlan())
    other_worker: list[float] = []
    client.transport.sleep = other_worker.append
    worker = threading.Thread(target=client.ping)
    worker.start()
    worker.join(10)
    assert len(other_worker) == 1 and 1.0 < other_worker[0] <= 2.0, other_worker


def test_wrong_key_is_an_auth_error_that_never_shows_the_key(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    secret = "tg_live_do_not_print_me"
    with pytest.raises(TagrainAuthError) as caught:
        make_client(api_key=secret).ping()
    assert caught.value.status == 401 and caught.value.code == "unauthorized"
    assert secret not in str(caught.value)
    assert demo.TAGRAIN_API_KEY not in repr(make_client().settings)


def test_transport_errors_never_show_the_key(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    sandbox.configure_faults(FaultPlan(error_rate=1.0))
    with pytest.raises(TagrainTransientError) as caught:
        make_client(max_retries=0).ping()
    assert demo.TAGRAIN_API_KEY not in str(caught.value)
    sandbox.configure_faults(FaultPlan())
    url = sandbox.url
    client = make_client(max_retries=0)
    sandbox.stop()
    with pytest.raises(TagrainTransientError) as refused:
        client.ping()
    assert demo.TAGRAIN_API_KEY not in str(refused.value) and url not in str(refused.value)


def test_a_broken_url_is_a_plain_tagrain_error(sleeps: list[float]) -> None:
    settings = TagrainSettings("http://[::1:80", demo.TAGRAIN_API_KEY)
    with (
        TagrainClient(settings, sleep=sleeps.append) as client,
        pytest.raises(TagrainError) as caught,
    ):
        client.ping()
    assert not caught.value.retryable and sleeps == []
