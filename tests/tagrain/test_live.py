"""Live mode: new activity keeps appearing while it runs, none after it stops; deterministic."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from app.sandbox.tagrain.server import TagrainSandbox
from tests.tagrain.conftest import SMALL, ClientFactory


def poll(condition: Callable[[], bool], deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met before the deadline")


def test_live_mode_rings_up_new_sales_until_stopped(make_client: ClientFactory) -> None:
    sandbox = TagrainSandbox(**SMALL, live_interval=0.05).start()
    try:
        client = make_client(sandbox)
        watermark = max(s.updated_at for s in client.iter_sales(limit=500))
        seen: list[str] = []

        def fresh_sales() -> bool:
            seen.extend(
                s.id for s in client.iter_sales(updated_since=watermark) if s.updated_at > watermark
            )
            return len(set(seen)) >= 3

        poll(fresh_sales)
        sandbox.stop_live()
        assert not sandbox.live.running
        ticks, count = sandbox.live.ticks, sandbox.count("sales")
        end = time.monotonic() + 0.25
        while time.monotonic() < end:
            assert sandbox.count("sales") == count and sandbox.live.ticks == ticks
            time.sleep(0.05)
        new = [client.get_sale(i) for i in set(seen)]
        assert all(isinstance(s.sold_at, datetime) and s.lines for s in new)
    finally:
        sandbox.close()
    assert not sandbox.live.running


def test_stop_ends_live_mode_too() -> None:
    sandbox = TagrainSandbox(**SMALL, live_interval=0.02).start()
    poll(lambda: sandbox.live.ticks >= 2)
    sandbox.stop()
    assert not sandbox.live.running
    sandbox.close()


def test_live_activity_is_deterministic_given_the_seed() -> None:
    def story(seed: int) -> list[tuple[str, ...]]:
        sandbox = TagrainSandbox(**SMALL, seed=seed)
        try:
            for _ in range(15):
                sandbox.live_tick()
            events = []
            for collection in ("sales", "refunds", "expenses"):
                for body in sandbox.db.bodies(collection):
                    events.append(
                        (
                            collection,
                            body["id"],
                            body.get("status", ""),
                            body.get("total", body.get("amount", "")),
                        )
                    )
            return events
        finally:
            sandbox.close()

    assert story(4) == story(4)
    assert story(4) != story(5)


def test_helpers_refund_and_settle_sales(
    sandbox: TagrainSandbox, make_client: ClientFactory
) -> None:
    client = make_client()
    sales = list(client.iter_sales(limit=500))
    on_account = next(s for s in sales if s.status == "on_account")
    settled = sandbox.settle_sale(on_account.id)
    assert settled["status"] == "completed" and settled["tenders"][0]["amount"] == settled["total"]
    refund = sandbox.refund_sale(on_account.id)
    fetched = client.get_refund(refund["id"])
    assert fetched.sale_id == on_account.id and fetched.tenders
    assert client.get_sale(on_account.id).updated_at > on_account.updated_at
