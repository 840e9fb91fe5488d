"""The sandbox's OData: $filter forms SL accepts, $select, $orderby, $top/$skip, paging."""

from __future__ import annotations

import pytest

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import ITEMS, SEEDED_CUSTOMERS, SEEDED_ITEMS, RawSession


def _codes(raw: RawSession, entity: str, **params: str) -> list[str]:
    params.setdefault("$select", "CardCode")
    headers = {"Prefer": "odata.maxpagesize=0"}
    answer = raw.get(entity, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return [row["CardCode"] for row in answer.json()["value"]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("CardCode eq 'C000003'", ["C000003"]),
        ("CardCode lt 'C000003'", ["C-WALKIN", "C000001", "C000002"]),
        ("CardCode le 'C000002' and CardCode ne 'C-WALKIN'", ["C000001", "C000002"]),
        (
            "CardCode gt 'C000043' and CardCode ne 'C-WALKIN'",
            ["C000044", "C000045", "Ø'Neil & Co/#1"],
        ),
        ("CardCode ge 'C000044' and CardCode lt 'D'", ["C000044", "C000045"]),
        (
            "(CardCode eq 'C000001' or CardCode eq 'C000002') and not (CardCode eq 'C000001')",
            ["C000002"],
        ),
        ("startswith(CardCode,'C00004')", [f"C00004{n}" for n in range(6)]),
        ("endswith(CardCode,'45')", ["C000045"]),
        ("contains(CardCode,'WALK')", ["C-WALKIN"]),
        ("GroupCode eq 104 and startswith(CardCode,'C00000')", ["C000004", "C000009"]),
    ],
)
def test_filter_operators(raw: RawSession, expression: str, expected: list[str]) -> None:
    assert _codes(raw, "BusinessPartners", **{"$filter": expression}) == expected


def test_date_and_time_literals_in_both_forms(sandbox: ServiceLayerSandbox) -> None:
    v2, v1 = RawSession(sandbox, "v2"), RawSession(sandbox, "v1")
    everyone = SEEDED_CUSTOMERS
    assert (
        len(_codes(v2, "BusinessPartners", **{"$filter": "UpdateDate eq 2024-01-02"})) == everyone
    )
    assert (
        len(_codes(v1, "BusinessPartners", **{"$filter": "UpdateDate eq '2024-01-02'"})) == everyone
    )
    inclusive = (
        "UpdateDate gt 2024-01-02 or (UpdateDate eq 2024-01-02 and UpdateTime ge '08:00:00')"
    )
    assert len(_codes(v2, "BusinessPartners", **{"$filter": inclusive})) == everyone
    later = "UpdateDate gt 2024-01-02 or (UpdateDate eq 2024-01-02 and UpdateTime ge '08:00:01')"
    assert _codes(v2, "BusinessPartners", **{"$filter": later}) == []
    seekable = "UpdateDate ge 2024-01-02 and (UpdateDate gt 2024-01-02 or UpdateTime ge '{}')"
    assert (
        len(_codes(v2, "BusinessPartners", **{"$filter": seekable.format("08:00:00")})) == everyone
    )
    assert _codes(v2, "BusinessPartners", **{"$filter": seekable.format("08:00:01")}) == []
    assert _codes(v2, "BusinessPartners", **{"$filter": "UpdateDate lt 2024-01-02T00:00:00Z"}) == []


def test_unknown_property_is_refused(raw: RawSession) -> None:
    answer = raw.get("BusinessPartners", params={"$filter": "Nope eq 1"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Property 'Nope' of 'BusinessPartner' is invalid"
    assert raw.get("BusinessPartners", params={"$filter": "CardCode eq"}).status_code == 400


def test_select_orderby_top_skip(raw: RawSession) -> None:
    answer = raw.get(
        "Items",
        params={
            "$select": "ItemCode,ItemName",
            "$orderby": "ItemsGroupCode desc,ItemCode asc",
            "$top": "3",
            "$skip": "1",
        },
    )
    rows = answer.json()["value"]
    assert len(rows) == 3 and all(set(r) == {"ItemCode", "ItemName"} for r in rows)
    everything = raw.get(
        "Items",
        params={
            "$select": "ItemCode,ItemsGroupCode",
            "$orderby": "ItemsGroupCode desc,ItemCode asc",
        },
        headers={"Prefer": "odata.maxpagesize=0"},
    ).json()["value"]
    assert [r["ItemCode"] for r in everything[1:4]] == [r["ItemCode"] for r in rows]
    groups = [r["ItemsGroupCode"] for r in everything]
    assert groups == sorted(groups, reverse=True)


def test_default_page_is_20_with_relative_next_link(raw: RawSession) -> None:
    first = raw.get(
        "BusinessPartners", params={"$filter": "GroupCode ne 999", "$select": "CardCode"}
    ).json()
    assert len(first["value"]) == 20
    link = first["@odata.nextLink"]
    assert link.startswith("BusinessPartners?") and "$skip=20" in link and "$filter=" in link
    second = raw.get(link).json()
    assert len(second["value"]) == 20
    third = raw.get(second["@odata.nextLink"]).json()
    assert len(third["value"]) == SEEDED_CUSTOMERS - 40 and "@odata.nextLink" not in third


def test_v1_next_link_annotation(sandbox: ServiceLayerSandbox) -> None:
    page = RawSession(sandbox, "v1").get("Items").json()
    assert page["odata.nextLink"] == "Items?$skip=20" and "@odata.nextLink" not in page


def test_maxpagesize_is_applied_and_announced(raw: RawSession) -> None:
    answer = raw.get("Items", headers={"Prefer": "odata.maxpagesize=50"})
    assert answer.headers["Preference-Applied"] == "odata.maxpagesize=50"
    assert len(answer.json()["value"]) == 50
    everything = raw.get("Items", headers={"Prefer": "odata.maxpagesize=0"}).json()
    assert len(everything["value"]) == SEEDED_ITEMS and "@odata.nextLink" not in everything


def test_top_larger_than_page_pages_with_remaining_top(raw: RawSession) -> None:
    first = raw.get("Items", params={"$top": "25", "$select": "ItemCode"}).json()
    assert len(first["value"]) == 20
    rest = raw.get(first["@odata.nextLink"]).json()
    assert len(rest["value"]) == 5 and "@odata.nextLink" not in rest


def test_count_and_inline_count(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    assert raw.get("Items/$count").text == str(SEEDED_ITEMS)
    assert (
        raw.get("BusinessPartners/$count", params={"$filter": "startswith(CardCode,'C00001')"}).text
        == "10"
    )
    v1 = RawSession(sandbox, "v1").get("Items", params={"$inlinecount": "allpages", "$top": "1"})
    assert v1.json()["odata.count"] == str(SEEDED_ITEMS)


def test_user_field_filter(sandbox: ServiceLayerSandbox, raw: RawSession) -> None:
    assert raw.patch("BusinessPartners('C000007')", {"U_TG_ID": "tg-7"}).status_code == 204
    assert _codes(raw, "BusinessPartners", **{"$filter": "U_TG_ID eq 'tg-7'"}) == ["C000007"]
    fields = raw.get("UserFieldsMD", params={"$filter": "Name eq 'TG_ID'"}).json()["value"]
    assert {f["TableName"] for f in fields} >= {"OINV", "OCRD", "OITM", "ORCT", "OVPM"}


def test_v1_substringof(sandbox: ServiceLayerSandbox) -> None:
    v1 = RawSession(sandbox, "v1")
    assert _codes(v1, "BusinessPartners", **{"$filter": "substringof('WALK', CardCode)"}) == [
        "C-WALKIN"
    ]


def test_case_insensitive_header(raw: RawSession) -> None:
    query = {"$filter": "CardCode eq 'c-walkin'"}
    assert _codes(raw, "BusinessPartners", **query) == []
    answer = raw.get(
        "BusinessPartners",
        params={**query, "$select": "CardCode"},
        headers={"B1S-CaseInsensitive": "true"},
    )
    assert [r["CardCode"] for r in answer.json()["value"]] == ["C-WALKIN"]


def test_enums_by_name_or_value(raw: RawSession) -> None:
    by_name = _codes(raw, "BusinessPartners", **{"$filter": "CardType eq 'cCustomer'"})
    assert _codes(raw, "BusinessPartners", **{"$filter": "CardType eq 'C'"}) == by_name
    assert len(by_name) == SEEDED_CUSTOMERS
    assert _codes(raw, "BusinessPartners", **{"$filter": "Valid eq 'Y' and Frozen eq 'N'"}) == (
        by_name
    )


def _item_codes(raw: RawSession, expression: str) -> list[str]:
    answer = raw.get(
        "Items",
        params={"$filter": expression, "$select": "ItemCode"},
        headers={"Prefer": "odata.maxpagesize=0"},
    )
    assert answer.status_code == 200, answer.text
    return [row["ItemCode"] for row in answer.json()["value"]]


def test_yes_no_enums_filter_the_seeded_item_kinds(raw: RawSession) -> None:
    kinds = {item.code: item.kind for item in demo.items(ITEMS)}
    serial = sorted(code for code, kind in kinds.items() if kind == "serial")
    batch = sorted(code for code, kind in kinds.items() if kind == "batch")
    services = sorted(code for code, kind in kinds.items() if kind == "non_stock")
    assert serial and batch and services
    assert _item_codes(raw, "ManageSerialNumbers eq 'tYES'") == serial
    assert _item_codes(raw, "ManageSerialNumbers eq 'Y'") == serial
    assert set(_item_codes(raw, "ManageSerialNumbers eq 'tNO'")).isdisjoint(serial)
    assert _item_codes(raw, "ManageSerialNumbers ne 'tNO'") == serial
    assert _item_codes(raw, "ManageBatchNumbers eq 'tYES'") == batch
    assert _item_codes(raw, "InventoryItem eq 'tNO'") == services
    not_serial = _item_codes(raw, "ManageSerialNumbers ne 'tYES'")
    assert set(not_serial) | set(serial) == set(_item_codes(raw, "ItemCode ne ''"))
    assert set(not_serial).isdisjoint(serial)
    answer = raw.get("Items/$count", params={"$filter": "ManageSerialNumbers eq 'tYES'"})
    assert int(answer.text) == len(serial)


def test_the_client_reads_serial_items_by_enum_filter(client: ServiceLayerClient) -> None:
    serial = sorted(item.code for item in demo.items(ITEMS) if item.kind == "serial")
    found = client.iter_entities(
        "Items", filter="ManageSerialNumbers eq 'tYES'", select=["ItemCode"], orderby="ItemCode"
    )
    assert [row["ItemCode"] for row in found] == serial
    assert client.count("Items", "ManageSerialNumbers eq 'tYES'") == len(serial)
