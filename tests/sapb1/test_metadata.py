"""``$metadata``: SL's CSDL after login, true to what the sandbox serves, read by a real client.

The OData client is python-odata (PyPI ``python-odata``, written by others): it
reflects entity classes from ``$metadata``, pages through ``@odata.nextLink``
and creates a business partner, which our ServiceLayerClient then reads back.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import requests
from odata import ODataService
from odata.flags import ODataServerFlags

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from app.sandbox.sapb1.entities import ENTITY_SETS
from tests.sapb1.conftest import (
    SEEDED_CUSTOMERS,
    SEEDED_ITEMS,
    RawSession,
    invoice_body,
    settings_for,
)

V4 = {
    "edmx": "http://docs.oasis-open.org/odata/ns/edmx",
    "edm": "http://docs.oasis-open.org/odata/ns/edm",
}
V3 = {
    "edmx": "http://schemas.microsoft.com/ado/2007/06/edmx",
    "edm": "http://schemas.microsoft.com/ado/2009/11/edm",
    "m": "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata",
}


def _document(raw: RawSession, namespaces: dict[str, str]) -> ET.Element:
    answer = raw.get("$metadata")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(answer.content)
    assert root.tag == f"{{{namespaces['edmx']}}}Edmx"
    return root


def _schema(root: ET.Element, namespaces: dict[str, str]) -> ET.Element:
    schema = root.find("edmx:DataServices/edm:Schema", namespaces)
    assert schema is not None and schema.get("Namespace") == "SAPB1"
    return schema


def _types(schema: ET.Element, namespaces: dict[str, str], kind: str) -> dict[str, dict[str, str]]:
    """EntityType or ComplexType name → property → type."""
    return {
        element.attrib["Name"]: {
            p.attrib["Name"]: p.attrib["Type"] for p in element.findall("edm:Property", namespaces)
        }
        for element in schema.findall(f"edm:{kind}", namespaces)
    }


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_metadata_needs_a_session(sandbox: ServiceLayerSandbox, version: str) -> None:
    answer = requests.get(sandbox.service_url(version) + "$metadata", timeout=5)
    assert answer.status_code == 401
    code = answer.json()["error"]["code"]
    assert str(code) == "301"


def test_v2_serves_odata_v4_csdl_of_every_entity_set(raw: RawSession) -> None:
    root = _document(raw, V4)
    assert root.get("Version") == "4.0"
    schema = _schema(root, V4)
    container = schema.find("edm:EntityContainer", V4)
    assert container is not None
    sets = {
        s.attrib["Name"]: s.attrib["EntityType"] for s in container.findall("edm:EntitySet", V4)
    }
    assert sets == {name: f"SAPB1.{es.entity_type}" for name, es in ENTITY_SETS.items()}
    entities = _types(schema, V4, "EntityType")
    keys = {
        e.attrib["Name"]: [r.attrib["Name"] for r in e.findall("edm:Key/edm:PropertyRef", V4)]
        for e in schema.findall("edm:EntityType", V4)
    }
    for es in ENTITY_SETS.values():
        assert keys[es.entity_type] == list(es.key)
        assert set(entities[es.entity_type]) == set(es.defaults)
    item = entities["Item"]
    assert item["ItemCode"] == "Edm.String" and item["ItemsGroupCode"] == "Edm.Int32"
    assert item["ManageSerialNumbers"] == "SAPB1.BoYesNoEnum"
    assert item["QuantityOnStock"] == "Edm.Double"
    assert item["UpdateDate"] == "Edm.DateTimeOffset" and item["UpdateTime"] == "Edm.TimeOfDay"
    assert item["ItemPrices"] == "Collection(SAPB1.ItemPrice)"
    assert entities["Document"]["DocEntry"] == "Edm.Int32"
    assert entities["Document"]["DocumentLines"] == "Collection(SAPB1.DocumentLine)"
    assert entities["BusinessPartner"]["CardType"] == "SAPB1.BoCardTypes"
    enums = {
        e.attrib["Name"]: [m.attrib["Name"] for m in e.findall("edm:Member", V4)]
        for e in schema.findall("edm:EnumType", V4)
    }
    assert enums["BoYesNoEnum"] == ["tNO", "tYES"]
    actions = {
        (a.attrib["Name"], a.find("edm:Parameter", V4).attrib["Type"])  # type: ignore[union-attr]
        for a in schema.findall("edm:Action", V4)
    }
    assert ("Cancel", "SAPB1.Document") in actions and ("Close", "SAPB1.Document") in actions


def test_v1_serves_odata_v3_csdl(sandbox: ServiceLayerSandbox) -> None:
    root = _document(RawSession(sandbox, "v1"), V3)
    assert root.get("Version") == "1.0"
    services = root.find("edmx:DataServices", V3)
    assert services is not None
    assert services.get(f"{{{V3['m']}}}DataServiceVersion") == "3.0"
    schema = _schema(root, V3)
    item = _types(schema, V3, "EntityType")["Item"]
    assert item["UpdateDate"] == "Edm.DateTime" and item["UpdateTime"] == "Edm.Time"
    container = schema.find("edm:EntityContainer", V3)
    assert container is not None
    assert container.get(f"{{{V3['m']}}}IsDefaultEntityContainer") == "true"
    assert {s.attrib["Name"] for s in container.findall("edm:EntitySet", V3)} == set(ENTITY_SETS)
    assert container.find("edm:FunctionImport[@Name='Cancel']", V3) is not None


def test_registered_user_fields_are_in_the_metadata(raw: RawSession) -> None:
    body = {"TableName": "OITM", "Name": "TG_QTY", "Type": "db_Numeric", "EditSize": 11}
    assert raw.post("UserFieldsMD", body).status_code == 201
    entities = _types(_schema(_document(raw, V4), V4), V4, "EntityType")
    assert entities["Item"]["U_TG_QTY"] == "Edm.Int32"
    assert entities["Item"]["U_TG_ID"] == "Edm.String"
    assert "U_TG_QTY" not in entities["BusinessPartner"]


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")


def _fits(value: Any, kind: str, enums: dict[str, list[str]], complex_types: Any) -> bool:
    """Whether a served JSON value is of the declared type."""
    if value is None:
        return True
    if kind.startswith("Collection("):
        row_type = complex_types[kind[len("Collection(SAPB1.") : -1]]
        return isinstance(value, list) and all(
            isinstance(row, dict)
            and set(row) <= set(row_type)
            and all(_fits(v, row_type[k], enums, complex_types) for k, v in row.items())
            for row in value
        )
    if kind.startswith("SAPB1."):
        return value in enums[kind[len("SAPB1.") :]]
    return {
        "Edm.String": lambda: isinstance(value, str),
        "Edm.Int32": lambda: isinstance(value, int) and not isinstance(value, bool),
        "Edm.Double": lambda: isinstance(value, int | float) and not isinstance(value, bool),
        "Edm.DateTimeOffset": lambda: isinstance(value, str) and bool(_ISO_DATE.match(value)),
        "Edm.TimeOfDay": lambda: isinstance(value, str) and bool(_TIME.match(value)),
    }[kind]()


def test_every_served_property_has_its_declared_type(raw: RawSession) -> None:
    invoice = raw.post("Invoices", invoice_body(quantity=2)).json()
    total = invoice["DocTotal"]
    payment = {
        "CardCode": "C000001",
        "CashAccount": "_SYS00000000101",
        "CashSum": total,
        "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": total}],
    }
    assert raw.post("IncomingPayments", payment).status_code == 201
    line = {"ItemCode": "A00001", "Quantity": 1, "WarehouseCode": "NY", "BaseType": 13}
    credit = {"CardCode": "C000001", "DocumentLines": [{**line, "BaseEntry": 1, "BaseLine": 0}]}
    assert raw.post("CreditNotes", credit).status_code == 201
    lines = [
        {"AccountCode": "_SYS00000000101", "Debit": 10.0},
        {"AccountCode": "_SYS00000000400", "Credit": 10.0},
    ]
    assert raw.post("JournalEntries", {"JournalEntryLines": lines}).status_code == 201
    assert raw.post("UserFieldsMD", {"TableName": "OCRD", "Name": "TG_NOTE"}).status_code == 201
    schema = _schema(_document(raw, V4), V4)
    entities = _types(schema, V4, "EntityType")
    complex_types = _types(schema, V4, "ComplexType")
    enums = {
        e.attrib["Name"]: [m.attrib["Name"] for m in e.findall("edm:Member", V4)]
        for e in schema.findall("edm:EnumType", V4)
    }
    checked = set()
    for es in ENTITY_SETS.values():
        if es.name == "VendorPayments":
            continue
        rows = raw.get(es.name, headers={"Prefer": "odata.maxpagesize=3"}).json()["value"]
        assert rows, es.name
        declared = entities[es.entity_type]
        for row in rows:
            served = {k: v for k, v in row.items() if not k.startswith("@")}
            assert set(served) == set(declared), es.name
            for name, value in served.items():
                assert _fits(value, declared[name], enums, complex_types), (es.name, name, value)
        checked.add(es.name)
    assert checked == set(ENTITY_SETS) - {"VendorPayments"}


def _odata_service(sandbox: ServiceLayerSandbox, page_size: int) -> tuple[ODataService, Any]:
    """python-odata on the sandbox with a session logged in through requests."""
    root = sandbox.service_url("v2")
    http = requests.Session()
    login = http.post(root + "Login", json=sandbox.credentials, timeout=5)
    assert login.status_code == 200 and http.cookies.get("B1SESSION") == login.json()["SessionId"]
    http.headers["Prefer"] = f"odata.maxpagesize={page_size}"
    service = ODataService(
        root,
        session=http,
        reflect_entities=True,
        quiet_progress=True,
        server_flags=ODataServerFlags(skip_null_properties=True),
    )
    return service, http


def test_an_odata_v4_client_reads_pages_and_creates_a_business_partner(
    sandbox: ServiceLayerSandbox,
) -> None:
    service, http = _odata_service(sandbox, page_size=8)
    try:
        partner_type, item_type = service.entities["BusinessPartners"], service.entities["Items"]
        partners = service.query(partner_type).all()
        assert len(partners) == SEEDED_CUSTOMERS
        by_code = {p.CardCode: p for p in partners}
        assert set(by_code) == {bp["CardCode"] for bp in sandbox.entities("BusinessPartners")}
        special = by_code[demo.SPECIAL_CODE_CUSTOMER.code]
        assert special.CardName == demo.SPECIAL_CODE_CUSTOMER.name
        assert special.CardType is service.types["SAPB1.BoCardTypes"].cCustomer
        assert special.UpdateDate.date().isoformat() == "2024-01-02"

        items = service.query(item_type).all()
        assert len(items) == SEEDED_ITEMS
        codes = [i.ItemCode for i in items]
        assert {c.ItemCode for c in items} >= {i.code for i in demo.SPECIAL_CODE_ITEMS}
        serial = {i.code for i in demo.items(60) if i.kind == "serial"}
        yes = service.types["SAPB1.BoYesNoEnum"].tYES
        assert {i.ItemCode for i in items if i.ManageSerialNumbers is yes} == serial
        assert len(codes) == len(set(codes))

        pages = [
            r
            for r in sandbox.requests
            if r.method == "GET" and r.path.endswith(("/BusinessPartners", "/Items"))
        ]
        expected_pages = -(-SEEDED_CUSTOMERS // 8) + -(-SEEDED_ITEMS // 8)
        assert len(pages) == expected_pages
        assert all(r.header("prefer") == "odata.maxpagesize=8" for r in pages)
        assert sum("$skip=" in r.raw_query for r in pages) == expected_pages - 2

        created = partner_type()
        created.CardCode = "PY-ODATA #1/ü"
        created.CardName = "Made by python-odata"
        created.CardType = service.types["SAPB1.BoCardTypes"].cCustomer
        created.GroupCode = 102
        created.EmailAddress = "py.odata@example.com"
        service.save(created)
    finally:
        http.post(sandbox.service_url("v2") + "Logout", timeout=5)
        http.close()
    with ServiceLayerClient(settings_for(sandbox, "v2")) as client:
        read = client.get("BusinessPartners", "PY-ODATA #1/ü")
    assert (read["CardName"], read["CardType"], read["GroupCode"]) == (
        "Made by python-odata",
        "cCustomer",
        102,
    )
    assert read["EmailAddress"] == "py.odata@example.com" and read["Valid"] == "tYES"
    posted = next(
        r for r in sandbox.requests if r.method == "POST" and r.path.endswith("/BusinessPartners")
    )
    assert posted.json()["@odata.type"] == "SAPB1.BusinessPartner"
    assert "@odata.type" not in read


def test_instance_annotations_in_a_body_are_not_stored(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    body = {
        "@odata.type": "#SAPB1.BusinessPartner",
        "CardCode": "ANN1",
        "CardName": "Annotated",
        "CardType@odata.type": "#SAPB1.BoCardTypes",
        "BPAddresses": [{"@odata.type": "#SAPB1.BPAddress", "AddressName": "Bill To"}],
    }
    assert raw.post("BusinessPartners", body).status_code == 201
    stored = sandbox.entity("BusinessPartners", "ANN1")
    assert stored is not None
    assert not [name for name in stored if "@" in name]
    assert stored["BPAddresses"] == [{"AddressName": "Bill To"}]
