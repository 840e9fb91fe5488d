"""The sandbox's wire answers against docs/tagrain-openapi.yaml, and the client's records too."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from app.connectors import tagrain as connector
from app.connectors.tagrain.drafts import CustomerDraft, ProductDraft, to_payload
from app.sandbox import demo
from app.sandbox.faults import FaultPlan
from app.sandbox.tagrain.api import COLLECTIONS
from app.sandbox.tagrain.server import TagrainSandbox
from tests.tagrain.openapi import Contract

SCHEMAS = {
    "stores": "Store",
    "customer-groups": "CustomerGroup",
    "product-groups": "ProductGroup",
    "manufacturers": "Manufacturer",
    "customers": "Customer",
    "products": "Product",
    "sales": "Sale",
    "refunds": "Refund",
    "expenses": "Expense",
}
RECORDS = {
    "Store": connector.Store,
    "CustomerGroup": connector.CustomerGroup,
    "ProductGroup": connector.ProductGroup,
    "Manufacturer": connector.Manufacturer,
    "Customer": connector.Customer,
    "Product": connector.Product,
    "Sale": connector.Sale,
    "Refund": connector.Refund,
    "Expense": connector.Expense,
    "SaleLine": connector.SaleLine,
    "RefundLine": connector.RefundLine,
    "Tender": connector.Tender,
    "Register": connector.Register,
    "Address": connector.Address,
    "InventoryLevel": connector.InventoryLevel,
    "InventoryResult": connector.InventoryResult,
}


class Wire:
    """Raw HTTP to the sandbox, validating every answer against the contract."""

    def __init__(self, sandbox: TagrainSandbox, contract: Contract) -> None:
        self.sandbox = sandbox
        self.contract = contract
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {demo.TAGRAIN_API_KEY}"

    def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        response = self.session.request(method, self.sandbox.api_url + path, timeout=5, **kw)
        assert response.status_code == expect, response.text
        payload = response.json()
        self.contract.validate_response(
            method, self.sandbox.api_url + path, expect, payload, dict(response.headers)
        )
        return payload


@pytest.fixture
def wire(sandbox: TagrainSandbox, contract: Contract) -> Iterator[Wire]:
    w = Wire(sandbox, contract)
    yield w
    w.session.close()


def test_every_collection_of_the_sandbox_is_documented(contract: Contract) -> None:
    for collection in COLLECTIONS:
        assert f"/{collection}" in contract.document["paths"]
        assert f"/{collection}/{{id}}" in contract.document["paths"]
    assert set(SCHEMAS) == set(COLLECTIONS)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_page_and_record_matches_the_contract(wire: Wire, collection: str) -> None:
    cursor: str | None = None
    pages = 0
    while True:
        query = f"?limit=50&cursor={cursor}" if cursor else "?limit=50"
        page = wire.call("GET", f"/{collection}{query}", 200)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages >= 1
    first = page["data"][-1]
    wire.call("GET", f"/{collection}/{first['id']}", 200)


def test_live_activity_matches_the_contract(wire: Wire, sandbox: TagrainSandbox) -> None:
    for _ in range(20):
        sandbox.live_tick()
    for collection in ("sales", "refunds", "expenses"):
        wire.call("GET", f"/{collection}?limit=500", 200)


def test_writes_and_inventory_match_the_contract(wire: Wire, contract: Contract) -> None:
    customer = to_payload(CustomerDraft(first_name="Wire", email="wire@example.com"))
    contract.validate("CustomerWrite", customer)
    created = wire.call("POST", "/customers", 201, json=customer)
    wire.call("PATCH", f"/customers/{created['id']}", 200, json={"company": "Wire Co"})
    product = to_payload(
        ProductDraft(
            sku="GC-5",
            name="Gift Card 5",
            type="gift_card",
            price=connector.records.Decimal("5"),
            non_stock=True,
        )
    )
    contract.validate("ProductWrite", product)
    made = wire.call("POST", "/products", 201, json=product)
    wire.call("PATCH", f"/products/{made['id']}", 200, json={"price": "6.00"})
    for collection in ("customer-groups", "product-groups", "manufacturers"):
        group = wire.call("POST", f"/{collection}", 201, json={"name": "Wire"})
        wire.call("PATCH", f"/{collection}/{group['id']}", 200, json={"name": "Wired"})
    store = wire.call("GET", "/stores", 200)["data"][0]["id"]
    snapshot = {
        "as_of": "2026-11-27T10:00:00+01:00",
        "items": [{"sku": "A00001", "on_hand": "4"}, {"sku": "ZZZ", "on_hand": "1"}],
    }
    contract.validate("InventorySnapshot", snapshot)
    result = wire.call("PUT", f"/stores/{store}/inventory", 200, json=snapshot)
    assert result == {"accepted": 1, "unknown_skus": ["ZZZ"]}
    wire.call("GET", f"/stores/{store}/inventory?limit=500", 200)


def test_error_answers_match_the_contract(wire: Wire, sandbox: TagrainSandbox) -> None:
    assert wire.call("GET", "/sales?limit=0", 400)["error"]["field"] == "limit"
    assert wire.call("GET", "/sales?updated_since=yesterday", 400)["error"]["field"] == (
        "updated_since"
    )
    wire.call("GET", "/sales/sa_404", 404)
    wire.call("GET", "/stores/st_404/inventory", 404)
    invalid = wire.call("POST", "/customers", 422, json={"first_name": "X", "email": "no"})
    assert invalid["error"]["code"] == "validation_failed"
    wire.call("POST", "/customers", 409, json={"first_name": "X", "code": "TG000001"})
    wire.call(
        "POST", "/customers", 400, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    wire.session.headers["Authorization"] = "Bearer wrong"
    assert wire.call("GET", "/customers", 401)["error"]["code"] == "unauthorized"
    wire.session.headers["Authorization"] = f"Bearer {demo.TAGRAIN_API_KEY}"
    sandbox.configure_faults(FaultPlan(rate_limit_per_second=1, retry_after_seconds=2))
    wire.call("GET", "/stores", 200)
    limited = wire.call("GET", "/stores", 429)
    assert limited["error"]["code"] == "rate_limited"


def test_method_not_allowed_has_the_error_shape(
    sandbox: TagrainSandbox, contract: Contract
) -> None:
    response = requests.delete(
        sandbox.api_url + "/sales",
        headers={"Authorization": f"Bearer {demo.TAGRAIN_API_KEY}"},
        timeout=5,
    )
    assert response.status_code == 405
    contract.validate("Error", response.json())


@pytest.mark.parametrize("schema", sorted(RECORDS))
def test_client_records_have_the_contracts_fields(contract: Contract, schema: str) -> None:
    properties = set(contract.document["components"]["schemas"][schema].get("properties", {}))
    if not properties:
        target = contract.document["components"]["schemas"][schema]["$ref"].rsplit("/", 1)[1]
        properties = set(contract.document["components"]["schemas"][target]["properties"])
    fields = {f.name for f in dataclasses.fields(RECORDS[schema])}
    assert fields == properties


@pytest.mark.parametrize(
    ("draft", "schema"), [(CustomerDraft, "CustomerWrite"), (ProductDraft, "ProductWrite")]
)
def test_drafts_have_the_contracts_writable_fields(
    contract: Contract, draft: type, schema: str
) -> None:
    properties = set(contract.document["components"]["schemas"][schema]["properties"])
    assert {f.name for f in dataclasses.fields(draft)} == properties
