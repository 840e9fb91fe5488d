"""The sandbox company treats user fields as SAP does: none until registered through UserFieldsMD.

A fresh company has no ``U_TG_ID``: answers leave it out, writes and queries
naming it are refused with SL's words, and after ``POST UserFieldsMD`` it
works on that table only. Adding a field is refused for a user without the
right, while other users are connected, and when the field exists already.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.connectors.sapb1 import BatchRequest, ChangeSet, ServiceLayerClient
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import RawSession, invoice_body, settings_for

INVALID = "Property 'U_TG_ID' of '{}' is invalid"
TG_ID_ON_OCRD = {"TableName": "OCRD", "Name": "TG_ID", "Type": "db_Alpha", "EditSize": 50}


@pytest.fixture
def fresh_raw(fresh_sandbox: ServiceLayerSandbox) -> RawSession:
    """A v2 session on a company without the add-on's user fields."""
    return RawSession(fresh_sandbox, "v2")


def _error(answer: Any) -> tuple[int, int, str]:
    error = answer.json()["error"]
    return answer.status_code, int(error["code"]), error["message"]


def test_a_fresh_company_shows_no_user_field(fresh_raw: RawSession) -> None:
    partner = fresh_raw.get("BusinessPartners('C000001')").json()
    assert "U_TG_ID" not in partner and partner["CardCode"] == "C000001"
    listed = fresh_raw.get("Items", params={"$top": "3"}).json()["value"]
    assert listed and all("U_TG_ID" not in item for item in listed)
    posted = fresh_raw.post("Invoices", invoice_body())
    assert posted.status_code == 201, posted.text
    invoice = posted.json()
    assert "U_TG_ID" not in invoice
    assert invoice["DocumentLines"] and all(
        "U_TG_ID" not in line for line in invoice["DocumentLines"]
    )
    again = fresh_raw.get(f"Invoices({invoice['DocEntry']})").json()
    assert "U_TG_ID" not in again and "U_TG_ID" not in again["DocumentLines"][0]


def test_writes_naming_an_unregistered_field_are_refused(fresh_raw: RawSession) -> None:
    answer = fresh_raw.post(
        "BusinessPartners", {"CardCode": "CX1", "CardName": "X", "U_TG_ID": "t"}
    )
    assert _error(answer) == (400, -1000, INVALID.format("BusinessPartner"))
    assert fresh_raw.get("BusinessPartners('CX1')").status_code == 404
    patch = fresh_raw.patch("Items('A00001')", {"U_TG_ID": "t"})
    assert _error(patch) == (400, -1000, INVALID.format("Item"))
    line = invoice_body()
    line["DocumentLines"][0]["U_TG_ID"] = "t"
    assert _error(fresh_raw.post("Invoices", line)) == (400, -1000, INVALID.format("DocumentLine"))
    journal = fresh_raw.post(
        "JournalEntries", {"Memo": "x", "U_TG_ID": "t", "JournalEntryLines": []}
    )
    assert _error(journal) == (400, -1000, INVALID.format("JournalEntry"))


@pytest.mark.parametrize(
    "params",
    [
        {"$filter": "U_TG_ID eq 'x'"},
        {"$select": "CardCode,U_TG_ID"},
        {"$orderby": "U_TG_ID desc"},
    ],
)
def test_queries_naming_an_unregistered_field_are_refused(
    fresh_raw: RawSession, params: dict[str, str]
) -> None:
    answer = fresh_raw.get("BusinessPartners", params=params)
    assert _error(answer) == (400, -1000, INVALID.format("BusinessPartner"))
    one = fresh_raw.get("BusinessPartners('C000001')", params={"$select": "CardCode,U_TG_ID"})
    assert _error(one) == (400, -1000, INVALID.format("BusinessPartner"))
    count = fresh_raw.get("Invoices/$count", params={"$filter": "U_TG_ID eq 'x'"})
    assert _error(count) == (400, -1000, INVALID.format("Document"))


def test_a_registered_field_works_on_its_table_only(fresh_raw: RawSession) -> None:
    added = fresh_raw.post("UserFieldsMD", TG_ID_ON_OCRD)
    assert added.status_code == 201, added.text
    assert added.json()["Size"] == 50 and added.json()["TableName"] == "OCRD"
    partner = fresh_raw.get("BusinessPartners('C000001')").json()
    assert "U_TG_ID" in partner and partner["U_TG_ID"] is None
    assert fresh_raw.patch("BusinessPartners('C000001')", {"U_TG_ID": "t-1"}).status_code == 204
    found = fresh_raw.get("BusinessPartners", params={"$filter": "U_TG_ID eq 't-1'"}).json()
    assert [p["CardCode"] for p in found["value"]] == ["C000001"]
    picked = fresh_raw.get("BusinessPartners('C000001')", params={"$select": "U_TG_ID"}).json()
    assert picked["U_TG_ID"] == "t-1"
    items = fresh_raw.get("Items", params={"$filter": "U_TG_ID eq 't-1'"})
    assert _error(items) == (400, -1000, INVALID.format("Item"))


def test_a_registration_rolled_back_with_its_changeset_is_not_kept(
    fresh_sandbox: ServiceLayerSandbox,
) -> None:
    with ServiceLayerClient(settings_for(fresh_sandbox)) as client:
        answers = client.batch(
            [
                ChangeSet(
                    [
                        BatchRequest("POST", "UserFieldsMD", TG_ID_ON_OCRD),
                        BatchRequest("POST", "BusinessPartners", {"CardCode": "C000001"}),
                    ]
                )
            ]
        )
    assert answers[-1].status == 400
    raw = RawSession(fresh_sandbox)
    assert raw.get("UserFieldsMD").json()["value"] == []
    answer = raw.get("BusinessPartners", params={"$filter": "U_TG_ID eq 'x'"})
    assert _error(answer) == (400, -1000, INVALID.format("BusinessPartner"))


def test_adding_a_field_is_refused_as_sap_refuses_it(
    fresh_sandbox: ServiceLayerSandbox, fresh_raw: RawSession
) -> None:
    fresh_sandbox.rules.user_fields_denied.add(demo.SAP_USER)
    denied = fresh_raw.post("UserFieldsMD", TG_ID_ON_OCRD)
    assert _error(denied) == (403, -6006, "You are not permitted to perform this action")
    fresh_sandbox.rules.user_fields_denied.clear()
    fresh_sandbox.rules.other_users_connected = True
    busy = fresh_raw.post("UserFieldsMD", TG_ID_ON_OCRD)
    assert _error(busy) == (400, -1120, "Ref count for this object is higher then 0")
    fresh_sandbox.rules.other_users_connected = False
    assert fresh_raw.get("UserFieldsMD").json()["value"] == []
    assert fresh_raw.post("UserFieldsMD", TG_ID_ON_OCRD).status_code == 201
    numeric = {**TG_ID_ON_OCRD, "Type": "db_Numeric", "EditSize": 11}
    twice = fresh_raw.post("UserFieldsMD", numeric)
    assert _error(twice) == (
        400,
        -2035,
        "This entry already exists in the following tables (ODBC -2035)",
    )
    fields = fresh_raw.get("UserFieldsMD").json()["value"]
    assert [(f["TableName"], f["Name"], f["Type"]) for f in fields] == [
        ("OCRD", "TG_ID", "db_Alpha")
    ]
