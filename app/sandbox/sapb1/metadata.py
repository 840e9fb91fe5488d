"""``$metadata`` of the Service Layer sandbox: a CSDL document of the entity sets it serves.

The schema is SAP's namespace ``SAPB1``: one entity type per ``EntityType`` of
``entities.ENTITY_SETS`` (key and every property with its type), SAP's enum
types for ``tYES``/``tNO``, ``cCustomer``, ``bost_Open`` and the like, complex
types for the collections (``DocumentLines``, ``ItemPrices``, ``BPAddresses``...),
the user fields registered on each table (``U_*``), the bound actions ``Cancel``
and ``Close`` and one entity set per set. v2 writes OData v4 CSDL (``edmx:Edmx
Version="4.0"``, dates ``Edm.DateTimeOffset``, times ``Edm.TimeOfDay``, actions);
v1 writes OData v3 CSDL (``edmx`` 1.0 with ``DataServiceVersion`` 3.0, dates
``Edm.DateTime``, times ``Edm.Time``, bindable function imports), as the two
Service Layer versions do.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from app.sandbox.sapb1.entities import ENTITY_SETS, MARKETING_DOCUMENT_TABLES, EntitySet
from app.sandbox.sapb1.formats import is_date_property

NAMESPACE = "SAPB1"
CONTAINER = "ServiceLayer"

ENUMS: dict[str, tuple[tuple[str, int], ...]] = {
    "BoYesNoEnum": (("tNO", 0), ("tYES", 1)),
    "BoPayTermDueTypes": (
        ("pdt_None", 0),
        ("pdt_MonthStart", 1),
        ("pdt_HalfMonth", 2),
        ("pdt_MonthEnd", 3),
    ),
    "BoCardTypes": (("cCustomer", 0), ("cSupplier", 1), ("cLid", 2)),
    "BoVatStatus": (("vLiable", 0), ("vExempted", 1), ("vEC", 2)),
    "BoCardCompanyTypes": (
        ("cCompany", 0),
        ("cPrivate", 1),
        ("cGovernment", 2),
        ("cEmployee", 3),
    ),
    "BoAddressType": (("bo_ShipTo", 0), ("bo_BillTo", 1)),
    "ItemTypeEnum": (("itItems", 0), ("itLabor", 1), ("itTravel", 2), ("itFixedAssets", 3)),
    "ItemClassEnum": (("itcService", 0), ("itcMaterial", 1)),
    "BoDocumentTypes": (("dDocument_Items", 0), ("dDocument_Service", 1)),
    "PrintStatusEnum": (("psNo", 0), ("psYes", 1), ("psRePrinted", 2)),
    "BoStatus": (("bost_Open", 0), ("bost_Close", 1), ("bost_Paid", 2), ("bost_Delivered", 3)),
    "CancelStatusEnum": (("csYes", 0), ("csNo", 1), ("csCancellation", 2)),
    "BoRcptTypes": (("rCustomer", 0), ("rAccount", 1), ("rSupplier", 2)),
    "BoRcptInvTypes": (
        ("it_AllTransactions", -1),
        ("it_Invoice", 13),
        ("it_CredItnote", 14),
        ("it_PaymentAdvice", 24),
        ("it_JournalEntry", 30),
        ("it_PurchaseInvoice", 18),
        ("it_PurchaseCreditNote", 19),
        ("it_DownPayment", 203),
    ),
    "TransTypesEnum": (
        ("ttAllTransactions", -1),
        ("ttARInvoice", 13),
        ("ttARCredItnote", 14),
        ("ttReceipt", 24),
        ("ttJournalEntry", 30),
        ("ttVendorPayment", 46),
    ),
    "BoBusinessPartnerGroupTypes": (("bbpgt_CustomerGroup", 0), ("bbpgt_VendorGroup", 1)),
    "BoInventorySystem": (
        ("bis_MovingAverage", 0),
        ("bis_Standard", 1),
        ("bis_FIFO", 2),
        ("bis_SNB", 3),
    ),
    "BoAccountTypes": (("at_Revenues", 0), ("at_Expenses", 1), ("at_Other", 2)),
    "BoFieldTypes": (
        ("db_Alpha", 0),
        ("db_Memo", 1),
        ("db_Numeric", 2),
        ("db_Date", 3),
        ("db_Float", 4),
    ),
    "BoFldSubTypes": (
        ("st_None", 0),
        ("st_Address", 1),
        ("st_Phone", 2),
        ("st_Time", 3),
        ("st_Rate", 4),
        ("st_Sum", 5),
        ("st_Price", 6),
        ("st_Quantity", 7),
        ("st_Percentage", 8),
        ("st_Measurement", 9),
        ("st_Link", 10),
        ("st_Image", 11),
    ),
}
"""SAP's enum types (OData enum members are written by name on the wire)."""

_ENUM_BY_PROPERTY = {
    "CardType": "BoCardTypes",
    "StartFrom": "BoPayTermDueTypes",
    "CompanyPrivate": "BoCardCompanyTypes",
    "AddressType": "BoAddressType",
    "ItemType": "ItemTypeEnum",
    "ItemClass": "ItemClassEnum",
    "Printed": "PrintStatusEnum",
    "DocumentStatus": "BoStatus",
    "LineStatus": "BoStatus",
    "CancelStatus": "CancelStatusEnum",
    "InvoiceType": "BoRcptInvTypes",
    "OriginalJournal": "TransTypesEnum",
    "InventorySystem": "BoInventorySystem",
    "AccountType": "BoAccountTypes",
    "SubType": "BoFldSubTypes",
}
"""Enum-typed properties whose enum is not told by the property's default value alone."""

_ENUM_BY_ENTITY_PROPERTY = {
    ("Document", "DocType"): "BoDocumentTypes",
    ("Payment", "DocType"): "BoRcptTypes",
    ("BusinessPartnerGroup", "Type"): "BoBusinessPartnerGroupTypes",
    ("UserFieldMD", "Type"): "BoFieldTypes",
}

_INT32 = frozenset(
    {
        "DocEntry",
        "SystemNumber",
        "DocNum",
        "JdtNum",
        "Number",
        "PriceListNo",
        "PriceList",
        "BasePriceList",
        "CreditCardCode",
        "CreditCard",
        "FieldID",
        "BPL_IDAssignedToInvoice",
        "BPLID",
        "LineNum",
        "Line_ID",
        "BaseType",
        "BaseEntry",
        "BaseLine",
        "RowNum",
        "AbsEntry",
        "UoMEntry",
        "InternalCode",
        "CheckNumber",
        "NumOfPayments",
    }
)
"""Integer properties whose default value is null (the others are told by their default)."""

_TIMES = frozenset({"UpdateTime", "CreateTime", "DocTime"})

_COLLECTIONS = {
    "BPAddresses": "BPAddress",
    "ContactEmployees": "ContactEmployee",
    "ItemPrices": "ItemPrice",
    "UoMPrices": "UoMPrice",
    "ItemWarehouseInfoCollection": "ItemWarehouseInfo",
    "ItemBarCodeCollection": "ItemBarCode",
    "DocumentLines": "DocumentLine",
    "SerialNumbers": "SerialNumber",
    "BatchNumbers": "BatchNumber",
    "PaymentChecks": "PaymentCheck",
    "PaymentInvoices": "PaymentInvoice",
    "PaymentCreditCards": "PaymentCreditCard",
    "PaymentAccounts": "PaymentAccount",
    "JournalEntryLines": "JournalEntryLine",
    "ValidValuesMD": "ValidValueMD",
}
"""Collection properties and the complex type of their rows."""

_S, _I, _D = "Edm.String", "Edm.Int32", "Edm.Double"

COMPLEX_TYPES: dict[str, dict[str, str]] = {
    "BPAddress": {
        "AddressName": _S,
        "Street": _S,
        "Block": _S,
        "ZipCode": _S,
        "City": _S,
        "County": _S,
        "Country": _S,
        "State": _S,
        "AddressType": "",
        "BPCode": _S,
        "RowNum": _I,
    },
    "ContactEmployee": {
        "CardCode": _S,
        "Name": _S,
        "Position": _S,
        "Phone1": _S,
        "MobilePhone": _S,
        "E_Mail": _S,
        "InternalCode": _I,
    },
    "UoMPrice": {"PriceList": _I, "UoMEntry": _I, "Price": _D, "Currency": _S},
    "ItemPrice": {
        "PriceList": _I,
        "Price": _D,
        "Currency": _S,
        "AdditionalPrice1": _D,
        "AdditionalCurrency1": _S,
        "AdditionalPrice2": _D,
        "AdditionalCurrency2": _S,
        "BasePriceList": _I,
        "Factor": _D,
        "UoMPrices": "",
    },
    "ItemWarehouseInfo": {
        "MinimalStock": _D,
        "MaximalStock": _D,
        "MinimalOrder": _D,
        "StandardAveragePrice": _D,
        "Locked": "SAPB1.BoYesNoEnum",
        "WarehouseCode": _S,
        "InStock": _D,
        "Committed": _D,
        "Ordered": _D,
        "ItemCode": _S,
    },
    "ItemBarCode": {"AbsEntry": _I, "UoMEntry": _I, "Barcode": _S, "FreeText": _S},
    "DocumentLine": {
        "LineNum": _I,
        "ItemCode": _S,
        "ItemDescription": _S,
        "Quantity": _D,
        "Price": _D,
        "PriceAfterVAT": _D,
        "Currency": _S,
        "DiscountPercent": _D,
        "WarehouseCode": _S,
        "AccountCode": _S,
        "TaxCode": _S,
        "UnitPrice": _D,
        "LineTotal": _D,
        "TaxTotal": _D,
        "LineStatus": "",
        "BaseType": _I,
        "BaseEntry": _I,
        "BaseLine": _I,
        "CostingCode": _S,
        "ProjectCode": _S,
        "FreeText": _S,
        "DocEntry": _I,
        "U_TG_ID": _S,
        "SerialNumbers": "",
        "BatchNumbers": "",
    },
    "SerialNumber": {
        "ManufacturerSerialNumber": _S,
        "InternalSerialNumber": _S,
        "SystemSerialNumber": _I,
        "BaseLineNumber": _I,
        "Quantity": _D,
        "ItemCode": _S,
    },
    "BatchNumber": {"BatchNumber": _S, "Quantity": _D, "BaseLineNumber": _I, "ItemCode": _S},
    "PaymentCheck": {
        "LineNum": _I,
        "DueDate": "",
        "CheckNumber": _I,
        "BankCode": _S,
        "CheckSum": _D,
        "Currency": _S,
        "CountryCode": _S,
        "CheckAccount": _S,
    },
    "PaymentInvoice": {
        "LineNum": _I,
        "DocEntry": _I,
        "SumApplied": _D,
        "AppliedFC": _D,
        "InvoiceType": "",
    },
    "PaymentCreditCard": {
        "LineNum": _I,
        "CreditCard": _I,
        "CreditAcct": _S,
        "CreditCardNumber": _S,
        "CardValidUntil": "",
        "VoucherNum": _S,
        "CreditSum": _D,
        "CreditCur": _S,
        "NumOfPayments": _I,
    },
    "PaymentAccount": {
        "LineNum": _I,
        "AccountCode": _S,
        "SumPaid": _D,
        "Decription": _S,
        "VatGroup": _S,
    },
    "JournalEntryLine": {
        "Line_ID": _I,
        "AccountCode": _S,
        "Debit": _D,
        "Credit": _D,
        "ShortName": _S,
        "LineMemo": _S,
        "DueDate": "",
        "TaxDate": "",
        "ReferenceDate1": "",
        "Reference1": _S,
        "Reference2": _S,
        "ProjectCode": _S,
        "CostingCode": _S,
        "BPLID": _I,
    },
    "ValidValueMD": {"Value": _S, "Description": _S},
}
"""SAP's complex types for collection rows; an empty type is told by the property's name."""

USER_FIELD_TYPES = {
    "db_Alpha": _S,
    "db_Memo": _S,
    "db_Numeric": _I,
    "db_Float": _D,
    "db_Date": "date",
}
"""The type of a ``U_*`` property by its UserFieldsMD ``Type``."""

_ACTIONS = (("Cancel", ("Document", "Payment", "JournalEntry")), ("Close", ("Document",)))


class _Version:
    """What differs between the v4 CSDL (v2) and the v3 CSDL (v1)."""

    def __init__(self, v4: bool) -> None:
        self.v4 = v4
        self.date = "Edm.DateTimeOffset" if v4 else "Edm.DateTime"
        self.time = "Edm.TimeOfDay" if v4 else "Edm.Time"


def _enum_for_value(value: str) -> str | None:
    for name, members in ENUMS.items():
        if any(member == value for member, _ in members):
            return name
    return None


def property_type(entity_type: str, name: str, default: Any) -> str:
    """The type of one property: ``Edm.*``, ``SAPB1.<Enum>``, ``Collection(SAPB1.<Complex>)``,
    or ``date`` / ``time`` (written per version)."""
    if name in _COLLECTIONS:
        return f"Collection({NAMESPACE}.{_COLLECTIONS[name]})"
    enum = _ENUM_BY_ENTITY_PROPERTY.get((entity_type, name)) or _ENUM_BY_PROPERTY.get(name)
    if enum is None and default in ("tYES", "tNO"):
        enum = "BoYesNoEnum"
    if enum is None and isinstance(default, str):
        enum = _enum_for_value(default)
    if enum is not None:
        return f"{NAMESPACE}.{enum}"
    if isinstance(default, bool):
        return "Edm.Boolean"
    if isinstance(default, float):
        return _D
    if name in _TIMES:
        return "time"
    if is_date_property(name) and not isinstance(default, int):
        return "date"
    if isinstance(default, int) or name in _INT32:
        return _I
    return _S


def _written(kind: str, version: _Version) -> str:
    return {"date": version.date, "time": version.time}.get(kind, kind)


def _entity_types() -> dict[str, EntitySet]:
    """Entity type name → the first set of that type (sets of one type share defaults)."""
    types: dict[str, EntitySet] = {}
    for es in ENTITY_SETS.values():
        types.setdefault(es.entity_type, es)
    return types


def _type_fields(entity_type: str, user_fields: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The ``U_*`` fields of every table whose set has this entity type."""
    fields: dict[str, str] = {}
    for es in ENTITY_SETS.values():
        if es.entity_type == entity_type and es.table:
            fields.update(user_fields.get(es.table, {}))
    return fields


def _property(parent: ET.Element, name: str, kind: str, version: _Version, key: bool) -> None:
    attributes = {"Name": name, "Type": _written(kind, version)}
    if key:
        attributes["Nullable"] = "false"
    ET.SubElement(parent, "Property", attributes)


def _schema(
    parent: ET.Element, version: _Version, user_fields: Mapping[str, Mapping[str, str]]
) -> None:
    schema = ET.SubElement(
        parent,
        "Schema",
        {
            "xmlns": "http://docs.oasis-open.org/odata/ns/edm"
            if version.v4
            else "http://schemas.microsoft.com/ado/2009/11/edm",
            "Namespace": NAMESPACE,
        },
    )
    for enum_name, members in ENUMS.items():
        element = ET.SubElement(schema, "EnumType", {"Name": enum_name, "UnderlyingType": _I})
        for member, value in members:
            ET.SubElement(element, "Member", {"Name": member, "Value": str(value)})
    for complex_name, properties in COMPLEX_TYPES.items():
        element = ET.SubElement(schema, "ComplexType", {"Name": complex_name})
        for name, kind in properties.items():
            _property(
                element, name, kind or property_type(complex_name, name, None), version, False
            )
    types = _entity_types()
    for entity_type, es in types.items():
        element = ET.SubElement(schema, "EntityType", {"Name": entity_type})
        key = ET.SubElement(element, "Key")
        for name in es.key:
            ET.SubElement(key, "PropertyRef", {"Name": name})
        fields = _type_fields(entity_type, user_fields)
        for name, default in es.defaults.items():
            if name.startswith("U_") and name not in fields:
                fields[name] = _S
            if name.startswith("U_"):
                continue
            kind = property_type(entity_type, name, default)
            if es.key == (name,):
                kind = _I if es.key_is_int else _S
            _property(element, name, kind, version, name in es.key)
        for name, kind in sorted(fields.items()):
            _property(element, name, kind, version, False)
    if version.v4:
        for action, bound_to in _ACTIONS:
            for entity_type in bound_to:
                element = ET.SubElement(schema, "Action", {"Name": action, "IsBound": "true"})
                ET.SubElement(
                    element,
                    "Parameter",
                    {"Name": "bindingParameter", "Type": f"{NAMESPACE}.{entity_type}"},
                )
    container_attributes = {"Name": CONTAINER}
    if not version.v4:
        container_attributes["m:IsDefaultEntityContainer"] = "true"
    container = ET.SubElement(schema, "EntityContainer", container_attributes)
    for es in ENTITY_SETS.values():
        ET.SubElement(
            container,
            "EntitySet",
            {"Name": es.name, "EntityType": f"{NAMESPACE}.{es.entity_type}"},
        )
    if not version.v4:
        for action, bound_to in _ACTIONS:
            for entity_type in bound_to:
                element = ET.SubElement(
                    container,
                    "FunctionImport",
                    {"Name": action, "IsBindable": "true", "IsSideEffecting": "true"},
                )
                ET.SubElement(
                    element,
                    "Parameter",
                    {"Name": entity_type, "Type": f"{NAMESPACE}.{entity_type}"},
                )


def csdl(v4: bool, user_fields: Mapping[str, Mapping[str, str]]) -> bytes:
    """The ``$metadata`` document: OData v4 CSDL when ``v4``, else OData v3 CSDL.

    ``user_fields`` maps a SAP table (``OCRD``) to its ``U_*`` fields and their ``Edm`` types.
    """
    version = _Version(v4)
    if v4:
        root = ET.Element(
            "edmx:Edmx",
            {"xmlns:edmx": "http://docs.oasis-open.org/odata/ns/edmx", "Version": "4.0"},
        )
        services = ET.SubElement(root, "edmx:DataServices")
    else:
        root = ET.Element(
            "edmx:Edmx",
            {"xmlns:edmx": "http://schemas.microsoft.com/ado/2007/06/edmx", "Version": "1.0"},
        )
        services = ET.SubElement(
            root,
            "edmx:DataServices",
            {
                "xmlns:m": "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata",
                "m:DataServiceVersion": "3.0",
                "m:MaxDataServiceVersion": "3.0",
            },
        )
    _schema(services, version, user_fields)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def user_field_types(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Table → ``U_<Name>`` → type, from UserFieldsMD entities."""
    tables: dict[str, dict[str, str]] = {}
    for row in rows:
        kind = USER_FIELD_TYPES.get(str(row.get("Type")), _S)
        table = str(row["TableName"])
        shared = MARKETING_DOCUMENT_TABLES if table in MARKETING_DOCUMENT_TABLES else (table,)
        for each in shared:
            tables.setdefault(each, {})[f"U_{row['Name']}"] = kind
    return tables
