"""Keys that mean something in a URL (``/ # % ? & +``, spaces, quotes, non-ASCII letters).

The client percent-encodes them; the sandbox decodes the path and reads the OData
literal as the Service Layer does, so every such code reaches its own record.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests

from app.connectors.sapb1 import (
    BatchRequest,
    ChangeSet,
    NotFoundError,
    ServiceLayerClient,
    ServiceLayerError,
    key_path,
)
from app.connectors.sapb1.company import BusinessPartnerDraft, SapCompany
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import RawSession, invoice_body, settings_for

CODES = [
    "A#1",
    "X?Y",
    "100%",
    "%41",
    "a/b",
    "../Items",
    "R&D+1",
    "two words",
    "O'Brien",
    "''",
    'say "hi"',
    "Größe-Ø",
    "Kit(2),x=1",
    "q')/Cancel",
]
"""Item codes to create and use: each one breaks a naive URL in its own way."""


def test_key_path_percent_encodes_the_literal_and_keeps_its_quotes() -> None:
    assert key_path("Items", "A1") == "Items('A1')"
    assert key_path("Items", "A#1") == "Items('A%231')"
    assert key_path("Items", "X?Y") == "Items('X%3FY')"
    assert key_path("Items", "50% off+1") == "Items('50%25%20off%2B1')"
    assert key_path("Items", "a/b&c") == "Items('a%2Fb%26c')"
    assert key_path("BusinessPartners", "O'Brien") == "BusinessPartners('O''Brien')"
    assert key_path("Items", 'say "hi"') == "Items('say%20%22hi%22')"
    assert key_path("Items", "Bügel-Ø") == "Items('B%C3%BCgel-%C3%98')"
    assert key_path("Items", "Kit(2),x") == "Items('Kit%282%29%2Cx')"
    assert key_path("Invoices", 22) == "Invoices(22)"
    assert (
        key_path("UserFieldsMD", {"TableName": "OINV", "FieldID": 0})
        == "UserFieldsMD(TableName='OINV',FieldID=0)"
    )


def test_requests_would_mangle_an_unencoded_key() -> None:
    """Why encoding is needed: ``#`` starts a fragment, ``?`` a query, ``%41`` is ``A``."""
    root = "http://127.0.0.1/b1s/v2/"

    def sent_path(url: str) -> str:
        return urlsplit(requests.Request("GET", url).prepare().url).path

    assert sent_path(root + "Items('A#1')") == "/b1s/v2/Items('A"
    assert sent_path(root + "Items('X?Y')") == "/b1s/v2/Items('X"
    assert sent_path(root + "Items('%41')") == "/b1s/v2/Items('A')"
    for code in CODES:
        assert sent_path(root + key_path("Items", code)) == "/b1s/v2/" + key_path("Items", code)


def test_sandbox_decodes_the_path_then_reads_the_literal(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    special = demo.SPECIAL_CODE_CUSTOMER.code
    answer = raw.get("BusinessPartners('%C3%98''Neil%20%26%20Co%2F%231')")
    assert answer.status_code == 200, answer.text
    assert answer.json()["CardCode"] == special
    answer = raw.get("BusinessPartners(CardCode='%C3%98''Neil%20%26%20Co%2F%231')")
    assert answer.status_code == 200 and answer.json()["CardCode"] == special
    answer = raw.get("Items('Kit(2),%2541')")
    assert answer.status_code == 200 and answer.json()["ItemCode"] == "Kit(2),%41"
    missing = raw.get("Items('Kit(2),%41')")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "-2028"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("Items('O'Reilly')", 404, "-1000"),
        ("Items('unclosed)", 404, "-1000"),
        ("Items(A00001)", 400, "-1000"),
        ("Items('%FF')", 400, "-1000"),
        ("Invoices('1')", 400, "-1000"),
        ("BusinessPartners(ItemCode='C000001')", 400, "-1000"),
    ],
)
def test_sandbox_refuses_unreadable_keys(
    raw: RawSession, path: str, status: int, code: str
) -> None:
    answer = raw.get(path)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code


def test_location_header_is_the_encoded_key(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    answer = raw.post(
        "BusinessPartners",
        {"CardCode": "Ü'1 #?", "CardName": "Location"},
        headers={"Prefer": "return-no-content"},
    )
    assert answer.status_code == 204
    location = answer.headers["Location"]
    assert location == sandbox.service_url() + "BusinessPartners('%C3%9C''1%20%23%3F')"
    again = raw.http.get(location, headers={"Cookie": raw.cookie}, timeout=5)
    assert again.status_code == 200 and again.json()["CardCode"] == "Ü'1 #?"


def test_client_round_trips_every_code(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    for code in CODES:
        created = client.create("Items", {"ItemCode": code, "ItemName": f"Item {code}"})
        assert created["ItemCode"] == code
        read = client.get("Items", code, select=["ItemCode", "ItemName"])
        assert (read["ItemCode"], read["ItemName"]) == (code, f"Item {code}")
        client.update("Items", code, {"ItemName": f"Renamed {code}"})
        stored = sandbox.entity("Items", code)
        assert stored is not None and stored["ItemName"] == f"Renamed {code}"
    others = {i["ItemCode"]: i["ItemName"] for i in sandbox.entities("Items")}
    assert all(others[c] == f"Renamed {c}" for c in CODES)
    assert sum(name.startswith("Renamed") for name in others.values()) == len(CODES)
    for code in CODES:
        client.delete("Items", code)
        assert sandbox.entity("Items", code) is None
        with pytest.raises(NotFoundError):
            client.get("Items", code)


def test_cancel_reaches_the_entity_it_names(client: ServiceLayerClient) -> None:
    """Cancel on an item is refused as an invalid action, not as a missing record."""
    code = 'Bolt 3/8" #2'
    with pytest.raises(ServiceLayerError) as refused:
        client.cancel("Items", code)
    assert refused.value.code == -1000 and "Action 'Cancel' of 'Item' is invalid" in str(
        refused.value
    )
    with pytest.raises(NotFoundError) as missing:
        client.cancel("Items", code + "?")
    assert missing.value.code == -2028
    invoice = client.create("Invoices", invoice_body(card=demo.SPECIAL_CODE_CUSTOMER.code))
    client.cancel("Invoices", invoice["DocEntry"])
    assert client.get("Invoices", invoice["DocEntry"])["Cancelled"] == "tYES"


def test_batch_parts_encode_keys_too(
    sandbox: ServiceLayerSandbox, client: ServiceLayerClient
) -> None:
    item = "Sale 50%+1"
    card = "C #1/2 ?&'\""
    answers = client.batch(
        [
            BatchRequest("GET", key_path("Items", item)),
            ChangeSet(
                [
                    BatchRequest("POST", "BusinessPartners", {"CardCode": card, "CardName": "B"}),
                    BatchRequest("PATCH", "$1", {"Phone1": "777"}),
                    BatchRequest("PATCH", key_path("Items", item), {"ItemName": "Batched"}),
                    BatchRequest("POST", "Invoices", invoice_body(card=card, item=item)),
                ]
            ),
            BatchRequest("GET", key_path("BusinessPartners", card)),
        ]
    )
    assert [a.status for a in answers] == [200, 201, 204, 204, 201, 200]
    assert answers[0].json()["ItemCode"] == item
    assert answers[5].json()["CardCode"] == card and answers[5].json()["Phone1"] == "777"
    stored = sandbox.entity("Items", item)
    assert stored is not None and stored["ItemName"] == "Batched"
    assert answers[4].json()["DocumentLines"][0]["ItemCode"] == item


def test_sap_company_reads_and_writes_special_codes(
    sandbox: ServiceLayerSandbox, version: str
) -> None:
    company = SapCompany(ServiceLayerClient(settings_for(sandbox, version)))
    try:
        code = demo.SPECIAL_CODE_CUSTOMER.code
        customer = company.customer(code)
        assert customer is not None and customer.card_name == demo.SPECIAL_CODE_CUSTOMER.name
        company.update_customer(code, BusinessPartnerDraft(code, "Ø'Neil & Co Ltd"))
        company.set_customer_tagrain_id(code, "tg-oneil")
        changed = company.customer(code)
        assert changed is not None
        assert (changed.card_name, changed.tagrain_id) == ("Ø'Neil & Co Ltd", "tg-oneil")
        assert company.customer(code + "?") is None
        codes = [i.code for i in demo.SPECIAL_CODE_ITEMS]
        for n, item in enumerate(demo.SPECIAL_CODE_ITEMS):
            read = company.item(item.code, price_list=1)
            assert read is not None and read.item_name == item.name
            assert read.price == item.price
            company.set_item_tagrain_id(item.code, f"tg-{n}")
        assert company.item("Bügel") is None
        stock = {i.item_code: i for i in company.stock(codes)}
        assert set(stock) == set(codes)
        for n, item in enumerate(demo.SPECIAL_CODE_ITEMS):
            assert stock[item.code].tagrain_id == f"tg-{n}"
            assert {w: s[0] for w, s in stock[item.code].stock.items()} == {
                w: Decimal(q) for w, q in item.stock
            }
    finally:
        company.close()
