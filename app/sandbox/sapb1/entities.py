"""The entity sets the sandbox serves: keys, kinds, SAP table names and default bodies.

A ``U_`` property in the defaults exists only once it is registered on its
table through ``UserFieldsMD``: until then answers leave it out and queries
and writes naming it are refused (a fresh company has no user fields).
Default bodies use the property names and value formats of real Service Layer
answers (see the recorded samples); dates are kept internally as ``YYYY-MM-DD``
and rendered per protocol version by ``formats``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.sandbox import demo


@dataclass(frozen=True)
class EntitySet:
    """One entity set: its key properties, what kind of object it is, and its defaults."""

    name: str
    key: tuple[str, ...]
    key_is_int: bool
    kind: str  # master, document, payment, journal, goods, metadata, tracking (serials, batches)
    entity_type: str
    table: str = ""
    line_table: str = ""
    object_code: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def list_properties(self) -> tuple[str, ...]:
        """The collection properties (lists) of the entity."""
        return tuple(k for k, v in self.defaults.items() if isinstance(v, list))

    @property
    def is_document(self) -> bool:
        """Whether this is a marketing document (invoice, credit memo)."""
        return self.kind == "document"

    @property
    def cancellable(self) -> bool:
        """Whether ``POST <Set>(n)/Cancel`` exists for it."""
        return self.kind in {"document", "payment", "journal"}

    @property
    def undeletable(self) -> bool:
        """Whether DELETE is refused with -5006 (posted documents)."""
        return self.kind in {"document", "payment", "journal", "goods", "tracking"}


_STAMPS: dict[str, Any] = {
    "UpdateDate": None,
    "UpdateTime": None,
    "CreateDate": None,
    "CreateTime": None,
}

_BP: dict[str, Any] = {
    "CardCode": None,
    "CardName": None,
    "CardType": "cCustomer",
    "GroupCode": demo.CUSTOMER_GROUPS[0].code,
    "Address": None,
    "ZipCode": None,
    "MailAddress": None,
    "Phone1": None,
    "Phone2": None,
    "Fax": None,
    "ContactPerson": None,
    "Notes": None,
    "PayTermsGrpCode": -1,
    "CreditLimit": 0.0,
    "DiscountPercent": 0.0,
    "VatLiable": "vLiable",
    "FederalTaxID": None,
    "PriceListNum": 1,
    "Currency": demo.CURRENCY,
    "Cellular": None,
    "City": None,
    "County": None,
    "Country": None,
    "EmailAddress": None,
    "CardForeignName": None,
    "CurrentAccountBalance": 0.0,
    "DebitorAccount": "_SYS00000000200",
    "Valid": "tYES",
    "Frozen": "tNO",
    "Series": 1,
    "CompanyPrivate": "cPrivate",
    "AliasName": None,
    "BPAddresses": [],
    "ContactEmployees": [],
    "U_TG_ID": None,
    **_STAMPS,
}

_ITEM: dict[str, Any] = {
    "ItemCode": None,
    "ItemName": None,
    "ForeignName": None,
    "ItemsGroupCode": demo.ITEM_GROUPS[0].number,
    "BarCode": None,
    "VatLiable": "tYES",
    "PurchaseItem": "tYES",
    "SalesItem": "tYES",
    "InventoryItem": "tYES",
    "Manufacturer": -1,
    "QuantityOnStock": 0.0,
    "QuantityOrderedFromVendors": 0.0,
    "QuantityOrderedByCustomers": 0.0,
    "ManageSerialNumbers": "tNO",
    "ManageBatchNumbers": "tNO",
    "Valid": "tYES",
    "Frozen": "tNO",
    "SalesUnit": None,
    "InventoryUOM": None,
    "DefaultWarehouse": demo.WAREHOUSES[0].code,
    "ItemType": "itItems",
    "ItemClass": "itcMaterial",
    "Series": 3,
    "U_TG_ID": None,
    **_STAMPS,
    "ItemPrices": [],
    "ItemWarehouseInfoCollection": [],
    "ItemBarCodeCollection": [],
}

_DOCUMENT: dict[str, Any] = {
    "DocEntry": None,
    "DocNum": None,
    "DocType": "dDocument_Items",
    "HandWritten": "tNO",
    "Printed": "psNo",
    "DocDate": None,
    "DocDueDate": None,
    "TaxDate": None,
    "CardCode": None,
    "CardName": None,
    "Address": None,
    "NumAtCard": None,
    "DocTotal": 0.0,
    "DocCurrency": demo.CURRENCY,
    "DocRate": 1.0,
    "Reference1": None,
    "Reference2": None,
    "Comments": None,
    "JournalMemo": None,
    "PaymentGroupCode": -1,
    "DocTime": None,
    "SalesPersonCode": -1,
    "Series": 4,
    "DiscountPercent": 0.0,
    "FederalTaxID": None,
    "VatSum": 0.0,
    "PaidToDate": 0.0,
    "DocumentStatus": "bost_Open",
    "Cancelled": "tNO",
    "CancelStatus": "csNo",
    "BPL_IDAssignedToInvoice": None,
    "CreationDate": None,
    "UpdateDate": None,
    "UpdateTime": None,
    "U_TG_ID": None,
    "DocumentLines": [],
}

_PAYMENT: dict[str, Any] = {
    "DocEntry": None,
    "DocNum": None,
    "DocType": "rCustomer",
    "HandWritten": "tNO",
    "DocDate": None,
    "DueDate": None,
    "TaxDate": None,
    "CardCode": None,
    "CardName": None,
    "CashAccount": None,
    "CashSum": 0.0,
    "TransferAccount": None,
    "TransferSum": 0.0,
    "TransferDate": None,
    "TransferReference": None,
    "CheckAccount": None,
    "DocCurrency": demo.CURRENCY,
    "DocRate": 1.0,
    "Reference1": None,
    "Reference2": None,
    "CounterReference": None,
    "Remarks": None,
    "JournalRemarks": None,
    "Series": 15,
    "DocTotal": 0.0,
    "Cancelled": "tNO",
    "BPLID": None,
    "UpdateDate": None,
    "UpdateTime": None,
    "U_TG_ID": None,
    "PaymentChecks": [],
    "PaymentInvoices": [],
    "PaymentCreditCards": [],
    "PaymentAccounts": [],
}

_JOURNAL: dict[str, Any] = {
    "JdtNum": None,
    "ReferenceDate": None,
    "Memo": None,
    "Reference": None,
    "Reference2": None,
    "Reference3": None,
    "TransactionCode": None,
    "TaxDate": None,
    "DueDate": None,
    "Number": None,
    "Series": 17,
    "StornoDate": None,
    "AutoVAT": "tNO",
    "OriginalJournal": "ttJournalEntry",
    "UpdateDate": None,
    "UpdateTime": None,
    "U_TG_ID": None,
    "JournalEntryLines": [],
}


_BRANCH: dict[str, Any] = {
    "BPLID": None,
    "BPLName": None,
    "BPLNameForeign": None,
    "VATRegNum": None,
    "RepName": None,
    "Industry": None,
    "Business": None,
    "Address": None,
    "MainBPL": "tNO",
    "TaxOffice": None,
    "Disabled": "tNO",
    "DefaultCustomerID": None,
    "DefaultVendorID": None,
    "DefaultWarehouseID": None,
    "DefaultTaxCode": None,
    "FederalTaxID": None,
    "AddressType": None,
    "Street": None,
    "City": None,
    "State": None,
    "ZipCode": None,
    "Country": None,
}

_FINANCE_PERIOD: dict[str, Any] = {
    "AbsoluteEntry": None,
    "PeriodCode": None,
    "PeriodName": None,
    "SubPeriodType": "spt_Month",
    "PeriodStatus": "ltUnlocked",
    "PostingDateFrom": None,
    "PostingDateTo": None,
    "DueDateFrom": None,
    "DueDateTo": None,
    "DocumentDateFrom": None,
    "DocumentDateTo": None,
    "Category": None,
    "BeginningofFinancialYear": None,
}

_SERIAL: dict[str, Any] = {
    "DocEntry": None,
    "ItemCode": None,
    "ItemDescription": None,
    "Status": "sdsStatus_Released",
    "MfrSerialNo": None,
    "SerialNumber": None,
    "LotNumber": None,
    "SystemNumber": None,
    "AdmissionDate": None,
    "ManufacturingDate": None,
    "ExpirationDate": None,
    "MfrWarrantyStart": None,
    "MfrWarrantyEnd": None,
    "Location": None,
    "Details": None,
}
"""SerialNumberDetails: one serial of an item; the sandbox keeps its warehouse in ``_Warehouse``."""

_BATCH: dict[str, Any] = {
    "DocEntry": None,
    "ItemCode": None,
    "ItemDescription": None,
    "Status": "bdsStatus_Released",
    "Batch": None,
    "BatchAttribute1": None,
    "BatchAttribute2": None,
    "AdmissionDate": None,
    "ManufacturingDate": None,
    "ExpirationDate": None,
    "Details": None,
    "SystemNumber": None,
}
"""BatchNumberDetails: one batch of an item; its quantity per warehouse is in ``_Quantities``."""


def _set(
    name: str,
    key: str | tuple[str, ...],
    key_is_int: bool,
    kind: str,
    etype: str,
    defaults: dict[str, Any],
    table: str = "",
    line_table: str = "",
    object_code: str = "",
) -> EntitySet:
    keys = (key,) if isinstance(key, str) else key
    return EntitySet(
        name, keys, key_is_int, kind, etype, table, line_table, object_code, dict(defaults)
    )


COMPANY_SETUP_SETS = (
    _set("BusinessPlaces", "BPLID", True, "master", "BusinessPlace", _BRANCH, "OBPL"),
    _set(
        "FinancePeriods", "AbsoluteEntry", True, "master", "FinancePeriod", _FINANCE_PERIOD, "OFPR"
    ),
    _set(
        "InventoryGenEntries",
        "DocEntry",
        True,
        "goods",
        "Document",
        _DOCUMENT,
        "OIGN",
        "IGN1",
        "oInventoryGenEntry",
    ),
)
"""Branches (multi-branch companies), posting periods and goods receipts."""

ENTITY_SETS: dict[str, EntitySet] = {
    s.name: s
    for s in (
        _set("BusinessPartners", "CardCode", False, "master", "BusinessPartner", _BP, "OCRD"),
        _set(
            "BusinessPartnerGroups",
            "Code",
            True,
            "master",
            "BusinessPartnerGroup",
            {"Code": None, "Name": None, "Type": "bbpgt_CustomerGroup"},
            "OCRG",
        ),
        _set("Items", "ItemCode", False, "master", "Item", _ITEM, "OITM"),
        _set(
            "ItemGroups",
            "Number",
            True,
            "master",
            "ItemGroups",
            {"Number": None, "GroupName": None, "InventorySystem": "bis_MovingAverage"},
            "OITB",
        ),
        _set(
            "Manufacturers",
            "Code",
            True,
            "master",
            "Manufacturer",
            {"Code": None, "ManufacturerName": None},
            "OMRC",
        ),
        _set(
            "Warehouses",
            "WarehouseCode",
            False,
            "master",
            "Warehouse",
            {
                "WarehouseCode": None,
                "WarehouseName": None,
                "Inactive": "tNO",
                "Street": None,
                "City": None,
                "Country": None,
            },
            "OWHS",
        ),
        _set(
            "PaymentTermsTypes",
            "GroupNumber",
            True,
            "master",
            "PaymentTermsType",
            {
                "GroupNumber": None,
                "PaymentTermsGroupName": None,
                "StartFrom": "pdt_MonthEnd",
                "NumberOfAdditionalMonths": 0,
                "NumberOfAdditionalDays": 0,
                "CreditLimit": 0.0,
                "GeneralDiscount": 0.0,
                "InterestOnArrears": 0.0,
                "PriceListNo": -1,
            },
            "OCTG",
        ),
        _set(
            "PriceLists",
            "PriceListNo",
            True,
            "master",
            "PriceList",
            {
                "PriceListNo": None,
                "PriceListName": None,
                "BasePriceList": None,
                "Factor": 1.0,
                "DefaultPrimeCurrency": demo.CURRENCY,
                "Active": "tYES",
                "IsGrossPrice": "tNO",
            },
            "OPLN",
        ),
        _set(
            "ChartOfAccounts",
            "Code",
            False,
            "master",
            "ChartOfAccount",
            {
                "Code": None,
                "Name": None,
                "AcctCurrency": "##",
                "ActiveAccount": "tYES",
                "AccountType": "at_Other",
                "FrozenFor": "tNO",
            },
            "OACT",
        ),
        _set(
            "Currencies",
            "Code",
            False,
            "master",
            "Currency",
            {"Code": None, "Name": None, "DocumentsCode": None, "InternationalDescription": None},
            "OCRN",
        ),
        _set(
            "SalesTaxCodes",
            "Code",
            False,
            "master",
            "SalesTaxCode",
            {"Code": None, "Name": None, "Rate": 0.0, "Inactive": "tNO"},
            "OSTC",
        ),
        _set(
            "CreditCards",
            "CreditCardCode",
            True,
            "master",
            "CreditCard",
            {
                "CreditCardCode": None,
                "CreditCardName": None,
                "GLAccount": None,
                "Telephone": None,
                "CompanyID": None,
            },
            "OCRC",
        ),
        _set(
            "Invoices",
            "DocEntry",
            True,
            "document",
            "Document",
            _DOCUMENT,
            "OINV",
            "INV1",
            "oInvoices",
        ),
        _set(
            "CreditNotes",
            "DocEntry",
            True,
            "document",
            "Document",
            _DOCUMENT,
            "ORIN",
            "RIN1",
            "oCreditNotes",
        ),
        _set(
            "IncomingPayments",
            "DocEntry",
            True,
            "payment",
            "Payment",
            _PAYMENT,
            "ORCT",
            "RCT2",
            "bopot_IncomingPayments",
        ),
        _set(
            "VendorPayments",
            "DocEntry",
            True,
            "payment",
            "Payment",
            _PAYMENT,
            "OVPM",
            "VPM2",
            "bopot_OutgoingPayments",
        ),
        _set(
            "SerialNumberDetails",
            "DocEntry",
            True,
            "tracking",
            "SerialNumberDetail",
            _SERIAL,
            "OSRN",
        ),
        _set(
            "BatchNumberDetails",
            "DocEntry",
            True,
            "tracking",
            "BatchNumberDetail",
            _BATCH,
            "OBTN",
        ),
        _set("JournalEntries", "JdtNum", True, "journal", "JournalEntry", _JOURNAL, "OJDT", "JDT1"),
        *COMPANY_SETUP_SETS,
        _set(
            "UserFieldsMD",
            ("TableName", "FieldID"),
            False,
            "metadata",
            "UserFieldMD",
            {
                "Name": None,
                "Type": "db_Alpha",
                "Size": 50,
                "Description": None,
                "SubType": "st_None",
                "LinkedTable": None,
                "DefaultValue": None,
                "TableName": None,
                "FieldID": None,
                "EditSize": 50,
                "Mandatory": "tNO",
                "ValidValuesMD": [],
            },
            "CUFD",
        ),
    )
}

MARKETING_DOCUMENT_TABLES = ("OINV", "ORIN", "OIGN")
"""Header tables of the marketing documents the sandbox has. SAP keeps one set of
user-defined fields for all marketing documents: a field added to one of them
(``UserFieldsMD`` with TableName ``OINV``) is on every one, Goods Receipt included."""


def user_field_table(table: str) -> str:
    """The table whose UserFieldsMD registrations apply to ``table`` (OINV for documents)."""
    return MARKETING_DOCUMENT_TABLES[0] if table in MARKETING_DOCUMENT_TABLES else table


READ_ONLY = frozenset(
    {
        "UpdateDate",
        "UpdateTime",
        "CreateDate",
        "CreateTime",
        "CreationDate",
        "DocEntry",
        "DocNum",
        "JdtNum",
        "QuantityOnStock",
        "DocTotal",
        "VatSum",
        "PaidToDate",
        "DocumentStatus",
        "Cancelled",
        "CancelStatus",
    }
)
"""Properties a PATCH cannot change (SL computes them)."""


def entity_set(name: str) -> EntitySet | None:
    """The entity set called ``name`` (case-sensitive, as SL is)."""
    return ENTITY_SETS.get(name)
