"""Writes through the client: create, update, idempotency, validation, inventory."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.connectors.tagrain import (
    Address,
    CustomerDraft,
    InventoryLevel,
    ProductDraft,
    TagrainClient,
    TagrainNotFoundError,
    TagrainValidationError,
)
from app.connectors.tagrain.transport import idempotency_key
from app.sandbox.tagrain.server import TagrainSandbox


def test_create_and_update_a_customer(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    group = next(client.iter_customer_groups())
    created = client.create_customer(
        CustomerDraft(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            group_id=group.id,
            credit_limit=Decimal("1500.5"),
            address=Address(city="London", country="GB"),
            external_ref="C000999",
        )
    )
    assert created.code.startswith("TG") and created.credit_limit == Decimal("1500.50")
    assert created.address is not None and created.address.city == "London"
    assert created.created_at == created.updated_at and created.created_at.tzinfo is not None
    changed = client.update_customer(created.id, {"phone": "+44-20-1234", "email": None})
    assert changed.phone == "+44-20-1234" and changed.email is None
    assert changed.updated_at > created.updated_at
    assert client.get_customer(created.id) == changed
    same = client.update_customer(
        created.id, {"phone": "+44-20-1234"}, idempotency_key="explicit-1"
    )
    assert same.updated_at == changed.updated_at


def test_the_same_write_twice_creates_one_record(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    before = sandbox.count("customers")
    draft = CustomerDraft(first_name="Once", last_name="Only", code="ONCE-1")
    first = client.create_customer(draft)
    second = client.create_customer(draft)
    assert first == second
    assert sandbox.count("customers") == before + 1


def test_an_idempotency_key_reused_for_another_body_is_refused(client: TagrainClient) -> None:
    client.create_customer_group("Key Owners", idempotency_key="group-key")
    with pytest.raises(TagrainValidationError) as caught:
        client.create_customer_group("Someone Else", idempotency_key="group-key")
    assert caught.value.code == "idempotency_key_reused"


def test_failed_writes_are_not_remembered(client: TagrainClient) -> None:
    draft = {"first_name": "Later", "group_id": "cg_99999999"}
    with pytest.raises(TagrainValidationError) as caught:
        client.create_customer(draft)
    assert caught.value.field == "group_id" and "does not exist" in caught.value.message
    with pytest.raises(TagrainValidationError):
        client.create_customer(draft)


def test_idempotency_keys_are_derived_from_what_is_written() -> None:
    a = idempotency_key("POST", "/customers", {"a": "1", "b": "2"})
    assert a == idempotency_key("POST", "/customers", {"b": "2", "a": "1"})
    assert a != idempotency_key("POST", "/customers", {"a": "1", "b": "3"})
    assert a != idempotency_key("PATCH", "/customers", {"a": "1", "b": "2"})


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"first_name": "X", "email": "not-an-email"}, "email", "validation_failed"),
        ({"first_name": "X", "credit_limit": "12.345"}, "credit_limit", "validation_failed"),
        ({"first_name": "X", "favourite": "blue"}, "favourite", "validation_failed"),
        ({"first_name": "X", "id": "cu_1"}, "id", "validation_failed"),
        ({"email": "a@b.co"}, "last_name", "validation_failed"),
        ({"first_name": "X", "code": "TG000001"}, "code", "already_exists"),
        (
            {"first_name": "X", "address": {"country": "usa"}},
            "address.country",
            "validation_failed",
        ),
    ],
)
def test_validation_errors_name_the_field(
    client: TagrainClient, payload: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(TagrainValidationError) as caught:
        client.create_customer(payload)
    assert caught.value.field == field
    assert caught.value.code == code
    assert caught.value.status in (409, 422)
    assert caught.value.message in str(caught.value)


def test_floats_never_reach_the_wire(client: TagrainClient) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        client.create_customer({"first_name": "F", "credit_limit": 1.5})


def test_products_groups_and_manufacturers(client: TagrainClient) -> None:
    group = client.create_product_group("Seasonal")
    maker = client.create_manufacturer("Umbrella Corp")
    product = client.create_product(
        ProductDraft(
            sku="V-SCARF-RED",
            name="Scarf Red",
            type="variant",
            group_id=group.id,
            manufacturer_id=maker.id,
            price=Decimal("19.9"),
        )
    )
    assert product.price == Decimal("19.90") and product.tax_code == "TX"
    renamed = client.update_product(
        product.id, ProductDraft(name="Scarf Crimson", external_ref="V-SCARF-RED")
    )
    assert renamed.name == "Scarf Crimson" and renamed.external_ref == "V-SCARF-RED"
    with pytest.raises(TagrainValidationError) as immutable:
        client.update_product(product.id, {"type": "standard"})
    assert immutable.value.field == "type"
    with pytest.raises(TagrainValidationError) as duplicate:
        client.create_product(
            ProductDraft(sku="V-SCARF-RED", name="Again", type="variant", price=Decimal(1))
        )
    assert duplicate.value.status == 409 and duplicate.value.field == "sku"
    assert client.update_product_group(group.id, "Seasonal Goods").name == "Seasonal Goods"
    assert client.update_manufacturer(maker.id, {"name": "Umbrella"}).name == "Umbrella"
    with pytest.raises(TagrainValidationError) as taken:
        client.create_manufacturer("acme")
    assert taken.value.status == 409


def test_unknown_records_raise_not_found(client: TagrainClient) -> None:
    with pytest.raises(TagrainNotFoundError):
        client.get_sale("sa_99999999")
    with pytest.raises(TagrainNotFoundError):
        client.update_customer("cu_99999999", {"phone": "1"})
    with pytest.raises(TagrainNotFoundError):
        client.put_inventory("st_99999999", datetime.now(UTC), [("A00001", Decimal(1))])


def test_put_inventory_in_chunks_with_unknown_skus(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    store = client.list_stores()[1]
    skus = [p.sku for p in client.iter_products(limit=500)]
    levels: list[InventoryLevel] = [InventoryLevel(sku, Decimal("7.5")) for sku in skus]
    levels += [InventoryLevel(f"NOPE-{n}", Decimal(1)) for n in range(2100)]
    result = client.put_inventory(store.id, datetime(2026, 11, 27, 9, tzinfo=UTC), levels)
    assert result.accepted == len(skus)
    assert len(result.unknown_skus) == 2100 and result.unknown_skus[0] == "NOPE-0"
    level = sandbox.inventory_level(store.id, skus[0])
    assert level is not None and level["on_hand"] == "7.500"
    listed = {lv.sku: lv for lv in client.iter_inventory(store.id, limit=500)}
    assert listed[skus[-1]].on_hand == Decimal("7.500")


def test_inventory_limits_are_the_servers(client: TagrainClient) -> None:
    store = client.list_stores()[0]
    body = {
        "as_of": "2026-11-27T10:00:00+01:00",
        "items": [{"sku": f"X{n}", "on_hand": "1"} for n in range(1001)],
    }
    with pytest.raises(TagrainValidationError) as caught:
        client.transport.request("PUT", f"/stores/{store.id}/inventory", body=body)
    assert caught.value.field == "items"
    with pytest.raises(TagrainValidationError) as naive:
        client.transport.request(
            "PUT",
            f"/stores/{store.id}/inventory",
            body={"as_of": "2026-11-27T10:00:00", "items": []},
        )
    assert naive.value.field == "as_of"
