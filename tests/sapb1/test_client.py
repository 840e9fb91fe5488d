"""The client against the sandbox over real HTTP, for v1 and v2: reads, writes, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from app.connectors.sapb1 import (
    BusinessRuleError,
    NotFoundError,
    PreconditionFailedError,
    ServiceLayerClient,
    changed_since_filter,
)
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import (
    FIXED_NOW,
    SEEDED_CUSTOMERS,
    SEEDED_ITEMS,
    Clock,
    invoice_body,
)


def test_ping(client: ServiceLayerClient) -> None:
    assert client.ping()["message"] == "pong"


def test_get_one_entity(client: ServiceLayerClient) -> None:
    item = client.get("Items", "A00003", select=["ItemCode", "ItemName"])
    assert item["ItemCode"] == "A00003" and "ItemPrices" not in item
    group = client.get("ItemGroups", 101)
    assert group["GroupName"] == "Beverages"


def test_iter_entities_follows_next_links(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    codes = [
        bp["CardCode"]
        for bp in client.iter_entities(
            "BusinessPartners", select=["CardCode"], filter="GroupCode ne 999"
        )
    ]
    assert len(codes) == SEEDED_CUSTOMERS and len(set(codes)) == len(codes)
    gets = [r for r in sandbox.requests if r.path.endswith("BusinessPartners")]
    assert len(gets) == 3  # pages of 20, 20, 7: the default page size


def test_page_size_and_orderby(sandbox: ServiceLayerSandbox, client: ServiceLayerClient) -> None:
    pages = list(
        client.iter_pages("Items", select=["ItemCode"], orderby="ItemCode desc", page_size=25)
    )
    assert [len(p) for p in pages] == [25, 25, SEEDED_ITEMS - 50]
    codes = [item["ItemCode"] for page in pages for item in page]
    assert codes == sorted(codes, reverse=True)
    assert codes[0] == "X?Y=1" and codes[len(demo.SPECIAL_CODE_ITEMS)] == "A00060"
    answers = [r for r in sandbox.requests if r.path.endswith("/Items")]
    assert all(r.header("prefer") == "odata.maxpagesize=25" for r in answers)


def test_count_and_first(client: ServiceLayerClient) -> None:
    assert client.count("Items") == SEEDED_ITEMS
    assert client.count("BusinessPartners", filter="startswith(CardCode,'C00001')") == 10
    assert client.first("BusinessPartners", "CardCode eq 'C-WALKIN'")["CardName"] == (  # type: ignore[index]
        "Walk-in Customer"
    )
    assert client.first("BusinessPartners", "CardCode eq 'NOPE'") is None


def test_create_update_cancel(sandbox: ServiceLayerSandbox, client: ServiceLayerClient) -> None:
    before = sandbox.stock("A00001", "NY")
    doc = client.create("Invoices", invoice_body(quantity=2, NumAtCard="R-9", U_TG_ID="tg-9"))
    assert doc["DocEntry"] == 1 and doc["DocNum"] == 1
    client.update("Invoices", doc["DocEntry"], {"Comments": "from POS"})
    assert client.get("Invoices", 1)["Comments"] == "from POS"
    assert client.first("Invoices", "U_TG_ID eq 'tg-9'")["DocEntry"] == 1  # type: ignore[index]
    client.post_action("Invoices(1)/Cancel")
    assert client.get("Invoices", 1)["Cancelled"] == "tYES"
    assert sandbox.stock("A00001", "NY") == before


def test_business_errors_carry_sap_words(client: ServiceLayerClient, version: str) -> None:
    with pytest.raises(BusinessRuleError) as caught:
        client.create("BusinessPartners", {"CardCode": "C000001", "CardName": "Twin"})
    assert caught.value.status == 400 and caught.value.code == -10
    assert caught.value.message == (
        "1320000140 - Business partner code 'C000001' already assigned to a business "
        "partner; enter a unique business partner code"
    )
    with pytest.raises(BusinessRuleError) as deleting:
        client.create("Invoices", invoice_body())
        client.delete("Invoices", 1)
    assert deleting.value.code == -5006


def test_not_found(client: ServiceLayerClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.get("Items", "NOPE")
    assert (caught.value.status, caught.value.code) == (404, -2028)
    assert caught.value.message == "No matching records found (ODBC -2028)"


def test_conditional_update_with_etag(client: ServiceLayerClient, version: str) -> None:
    if version == "v1":
        pytest.skip("ETags are a v2 feature of the sandbox")
    tag = client.get("Items", "A00004")["@odata.etag"]
    client.update("Items", "A00004", {"ItemName": "First"}, etag=tag)
    with pytest.raises(PreconditionFailedError) as caught:
        client.update("Items", "A00004", {"ItemName": "Second"}, etag=tag)
    assert caught.value.code == -2039


def test_changed_since_filter_forms() -> None:
    mark = dt.datetime(2024, 1, 31, 14, 33, 12)
    assert changed_since_filter(mark, "v2") == (
        "UpdateDate ge 2024-01-31 and (UpdateDate gt 2024-01-31 or UpdateTime ge '14:33:12')"
    )
    assert changed_since_filter(mark, "v1") == (
        "UpdateDate ge '2024-01-31' and (UpdateDate gt '2024-01-31' or UpdateTime ge '14:33:12')"
    )


def test_changed_since_is_inclusive(client: ServiceLayerClient, clock: Clock) -> None:
    client.update("BusinessPartners", "C000005", {"Phone1": "1"})
    clock.advance(0.4)  # same second: must still be read again from this watermark
    client.update("BusinessPartners", "C000006", {"Phone1": "2"})
    clock.advance(3600 * 24)
    client.update("BusinessPartners", "C000007", {"Phone1": "3"})
    changed = [
        bp["CardCode"]
        for bp in client.changed_since(
            "BusinessPartners", FIXED_NOW, select=["CardCode", "UpdateDate", "UpdateTime"]
        )
    ]
    assert changed == ["C000005", "C000006", "C000007"]
    next_day = FIXED_NOW + dt.timedelta(days=1)
    assert [bp["CardCode"] for bp in client.changed_since("BusinessPartners", next_day)] == [
        "C000007"
    ]
    assert list(client.changed_since("BusinessPartners", next_day + dt.timedelta(seconds=1))) == []


def test_walk_in_customer_and_demo_catalogue(client: ServiceLayerClient) -> None:
    walk_in = client.get("BusinessPartners", demo.WALK_IN_CUSTOMER)
    assert walk_in["CardName"] == demo.walk_in_customer().name
    assert {w["WarehouseCode"] for w in client.iter_entities("Warehouses")} == {
        w.code for w in demo.WAREHOUSES
    }
    assert client.count("ChartOfAccounts") == len(demo.ACCOUNTS)
    assert client.count("CreditCards") == len(demo.CREDIT_CARDS)
    assert client.count("PriceLists") == len(demo.PRICE_LISTS)


@pytest.mark.parametrize(
    "link",
    ["Items?$skip=20", "/b1s/v2/Items?$skip=20", "http://127.0.0.1:1/b1s/v2/Items?$skip=20"],
)
def test_next_link_resolution(link: str) -> None:
    from app.connectors.sapb1.odata import resolve_link

    assert resolve_link("http://127.0.0.1:1/b1s/v2/", link) == (
        "http://127.0.0.1:1/b1s/v2/Items?$skip=20"
    )


def test_key_paths() -> None:
    from app.connectors.sapb1 import key_path

    assert key_path("Items", "O'Neil") == "Items('O''Neil')"
    assert key_path("Invoices", 22) == "Invoices(22)"
    assert key_path("UserFieldsMD", {"TableName": "OINV", "FieldID": 0}) == (
        "UserFieldsMD(TableName='OINV',FieldID=0)"
    )


def test_case_insensitive_client(sandbox: ServiceLayerSandbox, version: str) -> None:
    from tests.sapb1.conftest import settings_for

    with ServiceLayerClient(settings_for(sandbox, version, case_insensitive=True)) as client:
        assert client.count("BusinessPartners", filter="CardCode eq 'c-walkin'") == 1
