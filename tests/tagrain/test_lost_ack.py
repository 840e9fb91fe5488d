"""Lost acknowledgements: Tagrain applies a write, then the connection drops before the answer."""

from __future__ import annotations

import http.client
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from app.connectors.tagrain import TagrainClient
from app.connectors.tagrain.records import InventoryLevel
from app.sandbox import demo
from app.sandbox.faults import FaultPlan
from app.sandbox.tagrain.server import TagrainSandbox
from tests.tagrain.conftest import ClientFactory


def _lost(sandbox: TagrainSandbox, method: str, path: str) -> int:
    return sum(1 for m, p, _ in sandbox.lost_acks if m == method and p.endswith(path))


def _remote_disconnected(exc: BaseException) -> bool:
    """Whether a requests error was caused by the server closing without an answer."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, http.client.RemoteDisconnected):
            return True
        nested = [a for a in seen.args if isinstance(a, BaseException)]
        seen = nested[0] if nested else (seen.__cause__ or seen.__context__)
    return False


def _raw(
    sandbox: TagrainSandbox, method: str, path: str, body: object, key: str
) -> requests.Response:
    headers = {"Authorization": f"Bearer {demo.TAGRAIN_API_KEY}", "Idempotency-Key": key}
    return requests.request(method, sandbox.api_url + path, json=body, headers=headers, timeout=5)


def test_lost_ack_applies_the_write_and_a_retry_replays_it(sandbox: TagrainSandbox) -> None:
    before = sandbox.count("customers")
    sandbox.lose_next_acks(1, method="POST", path="/customers$")
    body = {"first_name": "Lost", "last_name": "Answer", "code": "LOST-1"}
    with pytest.raises(requests.ConnectionError) as caught:
        _raw(sandbox, "POST", "/customers", body, "key-lost-1")
    assert _remote_disconnected(caught.value), caught.value
    assert sandbox.count("customers") == before + 1
    assert sandbox.lost_acks == [("POST", "/api/v1/customers", 201)]
    listed = requests.get(
        sandbox.api_url + "/customers",
        params={"limit": "500"},
        headers={"Authorization": f"Bearer {demo.TAGRAIN_API_KEY}"},
        timeout=5,
    ).json()["data"]
    created = [c for c in listed if c["code"] == "LOST-1"]
    assert len(created) == 1 and created[0]["first_name"] == "Lost"
    again = _raw(sandbox, "POST", "/customers", body, "key-lost-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == created[0]["id"]
    assert sandbox.count("customers") == before + 1


def test_lost_ack_rate_strikes_writes_only(sandbox: TagrainSandbox, client: TagrainClient) -> None:
    sandbox.configure_faults(FaultPlan.parse("lost_ack_rate=1.0"))
    assert client.list_stores()  # reads answer as usual
    before = sandbox.count("customer-groups")
    with pytest.raises(requests.ConnectionError):
        _raw(sandbox, "POST", "/customer-groups", {"name": "Lost group"}, "key-lost-group")
    assert sandbox.count("customer-groups") == before + 1
    assert sandbox.faults.lost_acks[-1][0] == "POST"


def test_client_create_with_lost_acks_retries_under_its_key_and_creates_once(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    client = make_client()
    before = sandbox.count("products")
    sandbox.lose_next_acks(2, method="POST", path="/products$")
    created = client.create_product(
        {"sku": "LOST-SKU", "name": "Lost ack", "type": "standard", "price": "9.99"}
    )
    assert created.sku == "LOST-SKU"
    assert sandbox.count("products") == before + 1
    assert _lost(sandbox, "POST", "/products") == 2  # the first replay's answer was lost too


def test_client_patch_and_inventory_put_with_lost_acks_apply_once(
    make_client: ClientFactory, sandbox: TagrainSandbox
) -> None:
    client = make_client()
    customer = next(iter(client.iter_customers(limit=5)))
    sandbox.lose_next_acks(1, method="PATCH")
    updated = client.update_customer(customer.id, {"phone": "+1 555 0100"})
    assert updated.phone == "+1 555 0100"
    assert sandbox.record("customers", customer.id)["phone"] == "+1 555 0100"  # type: ignore[index]
    store = client.list_stores()[0]
    sku = next(iter(client.iter_products(limit=5))).sku
    sandbox.lose_next_acks(1, method="PUT", path="/inventory$")
    result = client.put_inventory(
        store.id, datetime(2026, 11, 27, 9, tzinfo=UTC), [InventoryLevel(sku, Decimal("4"))]
    )
    assert result.accepted == 1
    level = sandbox.inventory_level(store.id, sku)
    assert level is not None and level["on_hand"] == "4.000"
    assert [m for m, _, _ in sandbox.lost_acks] == ["PATCH", "PUT"]
