"""SAP Business One records and drafts, and their Service Layer JSON.

The sync core speaks in drafts and records (``BusinessPartnerDraft``,
``DocumentDraft``, ``PaymentDraft`` ...); this module turns them into Service
Layer JSON and back, so the core never sees an entity set name or a property
name. Money is ``Decimal`` on our side; SAP's JSON numbers are doubles, so
amounts are rounded to the cent when they cross.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
SAP_EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)

INVOICE = "Invoices"
CREDIT_MEMO = "CreditNotes"
INCOMING_PAYMENT = "IncomingPayments"
OUTGOING_PAYMENT = "VendorPayments"
JOURNAL_ENTRY = "JournalEntries"
DOCUMENT_KINDS = (INVOICE, CREDIT_MEMO, INCOMING_PAYMENT, OUTGOING_PAYMENT, JOURNAL_ENTRY)
DOC_KEY = {JOURNAL_ENTRY: "JdtNum"}
OBJECT_TYPE = {INVOICE: 13, CREDIT_MEMO: 14, INCOMING_PAYMENT: 24, OUTGOING_PAYMENT: 46}


def to_decimal(value: Any) -> Decimal:
    """SAP's JSON number as a Decimal (None as zero)."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value))


def money(value: Decimal) -> float:
    """A Decimal amount as SAP's JSON number, rounded half-up to the cent."""
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def sap_updated_at(entity: dict[str, Any]) -> dt.datetime | None:
    """UpdateDate + UpdateTime as one datetime (SAP server wall clock, labelled UTC)."""
    raw_date = entity.get("UpdateDate")
    if not raw_date:
        return None
    day = dt.date.fromisoformat(str(raw_date)[:10])
    raw_time = entity.get("UpdateTime") or "00:00:00"
    clock = dt.time.fromisoformat(str(raw_time)[:8])
    return dt.datetime.combine(day, clock, tzinfo=dt.UTC)


def is_yes(value: Any) -> bool:
    """SAP's yes in any of its spellings (tYES, Y, true)."""
    return value in ("tYES", "Y", True)


@dataclass(frozen=True)
class SapGroup:
    """A customer group, item group or manufacturer: a numeric code and a name."""

    code: int
    name: str


@dataclass(frozen=True)
class SapAddress:
    """A business partner's bill-to address."""

    street: str | None = None
    city: str | None = None
    zip_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class SapBusinessPartner:
    """A customer master record as the sync needs it."""

    card_code: str
    card_name: str
    group_code: int
    email: str | None
    phone: str | None
    cellular: str | None
    federal_tax_id: str | None
    currency: str | None
    active: bool
    tagrain_id: str | None
    address: SapAddress
    updated_at: dt.datetime | None
    bill_to_name: str | None = None
    """The AddressName of the bill-to row the address is read from (None: the header's)."""

    @classmethod
    def from_entity(cls, raw: dict[str, Any]) -> SapBusinessPartner:
        """Read SL's BusinessPartners entity."""
        bill_to: dict[str, Any] = next(
            (a for a in raw.get("BPAddresses") or [] if a.get("AddressType") == "bo_BillTo"), {}
        )
        return cls(
            card_code=raw["CardCode"],
            card_name=raw.get("CardName") or "",
            group_code=int(raw.get("GroupCode") or 0),
            email=raw.get("EmailAddress") or None,
            phone=raw.get("Phone1") or None,
            cellular=raw.get("Cellular") or None,
            federal_tax_id=raw.get("FederalTaxID") or None,
            currency=raw.get("Currency") or None,
            active=not is_yes(raw.get("Frozen")) and raw.get("Valid", "tYES") != "tNO",
            tagrain_id=raw.get("U_TG_ID") or None,
            address=SapAddress(
                street=bill_to.get("Street") or raw.get("Address") or None,
                city=bill_to.get("City") or raw.get("City") or None,
                zip_code=bill_to.get("ZipCode") or raw.get("ZipCode") or None,
                country=bill_to.get("Country") or raw.get("Country") or None,
            ),
            updated_at=sap_updated_at(raw),
            bill_to_name=bill_to.get("AddressName") or None,
        )


BP_FIELDS = [
    "CardCode",
    "CardName",
    "CardType",
    "GroupCode",
    "EmailAddress",
    "Phone1",
    "Cellular",
    "FederalTaxID",
    "Currency",
    "Valid",
    "Frozen",
    "U_TG_ID",
    "Address",
    "City",
    "ZipCode",
    "Country",
    "BPAddresses",
    "UpdateDate",
    "UpdateTime",
]


@dataclass(frozen=True)
class BusinessPartnerDraft:
    """A customer to create in SAP or the fields to change on one."""

    card_code: str
    card_name: str
    group_code: int | None = None
    email: str | None = None
    phone: str | None = None
    federal_tax_id: str | None = None
    currency: str | None = None
    price_list: int | None = None
    payment_terms: int | None = None
    tagrain_id: str | None = None
    address: SapAddress | None = None
    active: bool = True
    bill_to: str | None = None
    """The bill-to row (AddressName) an update changes along with the header's address."""

    def to_entity(self, creating: bool) -> dict[str, Any]:
        """The SL body (POST when creating, PATCH otherwise)."""
        body: dict[str, Any] = {
            "CardName": self.card_name[:100],
            "EmailAddress": self.email,
            "Phone1": self.phone,
            "FederalTaxID": self.federal_tax_id,
            "Frozen": "tNO" if self.active else "tYES",
        }
        if creating:
            body["CardCode"] = self.card_code
            body["CardType"] = "cCustomer"
            if self.currency:
                body["Currency"] = self.currency
            if self.price_list is not None:
                body["PriceListNum"] = self.price_list
            if self.payment_terms is not None:
                body["PayTermsGrpCode"] = self.payment_terms
        if self.group_code is not None:
            body["GroupCode"] = self.group_code
        if self.tagrain_id:
            body["U_TG_ID"] = self.tagrain_id
        if self.address is not None:
            body["City"] = self.address.city
            body["ZipCode"] = self.address.zip_code
            body["Country"] = self.address.country
            body["Address"] = self.address.street
            if self.bill_to and not creating:
                body["BPAddresses"] = [
                    {
                        "AddressName": self.bill_to,
                        "AddressType": "bo_BillTo",
                        "Street": self.address.street,
                        "City": self.address.city,
                        "ZipCode": self.address.zip_code,
                        "Country": self.address.country,
                    }
                ]
        return body


@dataclass(frozen=True)
class SapItem:
    """An item master record with its price and stock as the sync needs them."""

    item_code: str
    item_name: str
    group_code: int
    manufacturer: int | None
    barcode: str | None
    price: Decimal | None
    serial: bool
    batch: bool
    inventory_item: bool
    sales_item: bool
    active: bool
    tagrain_id: str | None
    updated_at: dt.datetime | None
    stock: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)

    @classmethod
    def from_entity(cls, raw: dict[str, Any], price_list: int | None = None) -> SapItem:
        """Read SL's Items entity; ``price`` from ``price_list`` when given."""
        price = None
        for row in raw.get("ItemPrices") or []:
            if price_list is not None and row.get("PriceList") == price_list:
                price = to_decimal(row.get("Price")).quantize(CENT)
        stock = {
            row["WarehouseCode"]: (to_decimal(row.get("InStock")), to_decimal(row.get("Committed")))
            for row in raw.get("ItemWarehouseInfoCollection") or []
        }
        manufacturer = raw.get("Manufacturer")
        return cls(
            item_code=raw["ItemCode"],
            item_name=raw.get("ItemName") or "",
            group_code=int(raw.get("ItemsGroupCode") or 0),
            manufacturer=None if manufacturer in (None, -1) else int(manufacturer),
            barcode=raw.get("BarCode") or None,
            price=price,
            serial=is_yes(raw.get("ManageSerialNumbers")),
            batch=is_yes(raw.get("ManageBatchNumbers")),
            inventory_item=is_yes(raw.get("InventoryItem", "tYES")),
            sales_item=is_yes(raw.get("SalesItem", "tYES")),
            active=raw.get("Valid", "tYES") != "tNO" and not is_yes(raw.get("Frozen")),
            tagrain_id=raw.get("U_TG_ID") or None,
            updated_at=sap_updated_at(raw),
            stock=stock,
        )

    @property
    def tracking(self) -> str:
        """How SAP tracks the item's units: "serial", "batch" or "none"."""
        return "serial" if self.serial else "batch" if self.batch else "none"

    def available(self, warehouse: str) -> Decimal:
        """InStock − Committed in one warehouse (zero when the item has no row there)."""
        in_stock, committed = self.stock.get(warehouse, (Decimal(0), Decimal(0)))
        return in_stock - committed


ITEM_FIELDS = [
    "ItemCode",
    "ItemName",
    "ItemsGroupCode",
    "Manufacturer",
    "BarCode",
    "ItemPrices",
    "ManageSerialNumbers",
    "ManageBatchNumbers",
    "InventoryItem",
    "SalesItem",
    "Valid",
    "Frozen",
    "U_TG_ID",
    "UpdateDate",
    "UpdateTime",
]


@dataclass(frozen=True)
class ItemDraft:
    """An item to create in SAP (variant and gift-card products come from Tagrain)."""

    item_code: str
    item_name: str
    group_code: int | None = None
    barcode: str | None = None
    price_list: int | None = None
    price: Decimal | None = None
    inventory_item: bool = True
    tagrain_id: str | None = None

    def to_entity(self) -> dict[str, Any]:
        """The SL body of a new item."""
        body: dict[str, Any] = {
            "ItemCode": self.item_code,
            "ItemName": self.item_name[:100],
            "SalesItem": "tYES",
            "InventoryItem": "tYES" if self.inventory_item else "tNO",
        }
        if self.group_code is not None:
            body["ItemsGroupCode"] = self.group_code
        if self.barcode:
            body["BarCode"] = self.barcode
        if self.tagrain_id:
            body["U_TG_ID"] = self.tagrain_id
        if self.price_list is not None and self.price is not None:
            body["ItemPrices"] = [{"PriceList": self.price_list, "Price": money(self.price)}]
        return body


@dataclass(frozen=True)
class BatchPick:
    """A quantity taken from (or returned to) one batch of a batch-managed item."""

    batch: str
    quantity: Decimal


@dataclass(frozen=True)
class DocumentLineDraft:
    """One line of an A/R invoice or credit memo (net amount; SAP adds the tax code's tax).

    ``serials`` (one per unit of a serial-managed item) and ``batches`` (of a
    batch-managed item, adding up to the quantity) are the numbers the POS scanned.
    """

    item_code: str
    description: str
    quantity: Decimal
    line_total: Decimal
    tax_code: str
    warehouse: str | None = None
    base_entry: int | None = None
    base_line: int | None = None
    serials: tuple[str, ...] = ()
    batches: tuple[BatchPick, ...] = ()

    def to_entity(self, base_type: int | None, line_num: int = 0) -> dict[str, Any]:
        """The SL DocumentLines row (``line_num``: its position, SL's ``BaseLineNumber``)."""
        row: dict[str, Any] = {
            "ItemCode": self.item_code,
            "ItemDescription": self.description[:100],
            "Quantity": float(self.quantity),
            "LineTotal": money(self.line_total),
            "TaxCode": self.tax_code,
        }
        if self.quantity:
            row["UnitPrice"] = money(self.line_total / self.quantity)
        if self.warehouse:
            row["WarehouseCode"] = self.warehouse
        if base_type is not None and self.base_entry is not None:
            row["BaseType"] = base_type
            row["BaseEntry"] = self.base_entry
            row["BaseLine"] = self.base_line
        if self.serials:
            row["SerialNumbers"] = [
                {"InternalSerialNumber": serial, "Quantity": 1.0, "BaseLineNumber": line_num}
                for serial in self.serials
            ]
        if self.batches:
            row["BatchNumbers"] = [
                {
                    "BatchNumber": pick.batch,
                    "Quantity": float(pick.quantity),
                    "BaseLineNumber": line_num,
                }
                for pick in self.batches
            ]
        return row


@dataclass(frozen=True)
class DocumentDraft:
    """An A/R invoice or credit memo for one POS receipt or refund."""

    card_code: str
    doc_date: dt.date
    num_at_card: str
    tagrain_id: str
    currency: str
    lines: tuple[DocumentLineDraft, ...]
    comments: str | None = None
    branch: int | None = None

    def to_entity(self, base_type: int | None = None) -> dict[str, Any]:
        """The SL body of the document."""
        body: dict[str, Any] = {
            "CardCode": self.card_code,
            "DocDate": self.doc_date.isoformat(),
            "DocDueDate": self.doc_date.isoformat(),
            "TaxDate": self.doc_date.isoformat(),
            "NumAtCard": self.num_at_card[:100],
            "DocCurrency": self.currency,
            "U_TG_ID": self.tagrain_id,
            "Comments": (self.comments or "")[:254] or None,
            "DocumentLines": [line.to_entity(base_type, n) for n, line in enumerate(self.lines)],
        }
        if self.branch is not None:
            body["BPL_IDAssignedToInvoice"] = self.branch
        return body


@dataclass(frozen=True)
class CardPayment:
    """One credit-card part of a payment."""

    credit_card: int
    amount: Decimal
    voucher: str


@dataclass(frozen=True)
class PaymentDraft:
    """An incoming (sale) or outgoing (refund) payment against one document."""

    card_code: str
    doc_date: dt.date
    tagrain_id: str
    reference: str
    applies_to: int | None
    applies_to_type: str  # "invoice" or "credit_memo"
    cash_sum: Decimal = Decimal(0)
    cash_account: str | None = None
    transfer_sum: Decimal = Decimal(0)
    transfer_account: str | None = None
    cards: tuple[CardPayment, ...] = ()
    branch: int | None = None

    @property
    def total(self) -> Decimal:
        """Everything this payment moves."""
        return self.cash_sum + self.transfer_sum + sum((c.amount for c in self.cards), Decimal(0))

    def to_entity(self) -> dict[str, Any]:
        """The SL body of the payment."""
        body: dict[str, Any] = {
            "CardCode": self.card_code,
            "DocDate": self.doc_date.isoformat(),
            "DocType": "rCustomer",
            "U_TG_ID": self.tagrain_id,
            "Remarks": self.reference[:254],
            "JournalRemarks": self.reference[:50],
        }
        if self.branch is not None:
            body["BPLID"] = self.branch
        if self.cash_sum:
            body["CashSum"] = money(self.cash_sum)
            body["CashAccount"] = self.cash_account
        if self.transfer_sum:
            body["TransferSum"] = money(self.transfer_sum)
            body["TransferAccount"] = self.transfer_account
            body["TransferReference"] = self.reference[:27]
        if self.cards:
            body["PaymentCreditCards"] = [
                {
                    "CreditCard": card.credit_card,
                    "CreditCardNumber": "0000",
                    "CardValidUntil": (self.doc_date + dt.timedelta(days=365)).isoformat(),
                    "VoucherNum": card.voucher[:20] or self.reference[:20],
                    "CreditSum": money(card.amount),
                }
                for card in self.cards
            ]
        if self.applies_to is not None:
            body["PaymentInvoices"] = [
                {
                    "DocEntry": self.applies_to,
                    "SumApplied": money(self.total),
                    "InvoiceType": "it_Invoice"
                    if self.applies_to_type == "invoice"
                    else "it_CredItnote",
                }
            ]
        return body


@dataclass(frozen=True)
class JournalLineDraft:
    """One line of a journal entry."""

    account: str
    debit: Decimal
    credit: Decimal
    memo: str


@dataclass(frozen=True)
class JournalEntryDraft:
    """A journal entry (a petty-cash expense): debits must equal credits."""

    reference_date: dt.date
    memo: str
    reference: str
    tagrain_id: str
    lines: tuple[JournalLineDraft, ...]
    branch: int | None = None

    def to_entity(self) -> dict[str, Any]:
        """The SL body of the journal entry (each line in ``branch``, when there is one)."""
        branch = {} if self.branch is None else {"BPLID": self.branch}
        return {
            "ReferenceDate": self.reference_date.isoformat(),
            "Memo": self.memo[:50],
            "Reference": self.reference[:100],
            "U_TG_ID": self.tagrain_id,
            "JournalEntryLines": [
                {
                    "AccountCode": line.account,
                    "Debit": money(line.debit),
                    "Credit": money(line.credit),
                    "LineMemo": line.memo[:50],
                    **branch,
                }
                for line in self.lines
            ],
        }


@dataclass(frozen=True)
class DocumentRef:
    """A posted SAP document: its key, number, total and whether it was cancelled."""

    kind: str
    entry: int
    number: int | None
    total: Decimal
    cancelled: bool

    @property
    def key(self) -> str:
        """``Invoices:12`` — how links and logs name it."""
        return f"{self.kind}:{self.entry}"

    @classmethod
    def from_entity(cls, kind: str, raw: dict[str, Any]) -> DocumentRef:
        """Read a posted document, payment or journal entry."""
        key_name = DOC_KEY.get(kind, "DocEntry")
        total = raw.get("DocTotal")
        if total is None:
            total = (
                (raw.get("CashSum") or 0)
                + (raw.get("TransferSum") or 0)
                + sum(c.get("CreditSum") or 0 for c in raw.get("PaymentCreditCards") or [])
            )
        number = raw.get("DocNum", raw.get("Number"))
        return cls(
            kind=kind,
            entry=int(raw[key_name]),
            number=int(number) if number is not None else None,
            total=to_decimal(total).quantize(CENT),
            cancelled=is_yes(raw.get("Cancelled")) or raw.get("Cancelled") == "tYES",
        )


@dataclass(frozen=True)
class SapListedRecord:
    """A customer or item as a selection list shows it: code, name, group and item type."""

    code: str
    name: str
    group_code: int
    item_type: str = ""


def item_type(raw: dict[str, Any]) -> str:
    if is_yes(raw.get("ManageSerialNumbers")):
        return "Serial"
    if is_yes(raw.get("ManageBatchNumbers")):
        return "Batch"
    return "Inventory" if is_yes(raw.get("InventoryItem", "tYES")) else "Non-Inventory"


POSTING_FIELDS: dict[str, list[str]] = {
    INVOICE: [
        "DocEntry",
        "DocNum",
        "DocDate",
        "U_TG_ID",
        "DocTotal",
        "VatSum",
        "CardCode",
        "BPL_IDAssignedToInvoice",
        "Cancelled",
        "CancelStatus",
        "DocumentLines",
    ],
    INCOMING_PAYMENT: [
        "DocEntry",
        "DocNum",
        "DocDate",
        "U_TG_ID",
        "CardCode",
        "BPLID",
        "Cancelled",
        "CashSum",
        "CashAccount",
        "TransferSum",
        "TransferAccount",
        "PaymentCreditCards",
    ],
    JOURNAL_ENTRY: ["JdtNum", "Number", "ReferenceDate", "U_TG_ID", "JournalEntryLines"],
}
POSTING_FIELDS[CREDIT_MEMO] = POSTING_FIELDS[INVOICE]
POSTING_FIELDS[OUTGOING_PAYMENT] = POSTING_FIELDS[INCOMING_PAYMENT]
POSTING_DATE = {JOURNAL_ENTRY: "ReferenceDate"}
"""The property a kind of posting is dated by (``DocDate`` unless named here)."""


@dataclass(frozen=True)
class PaidBy:
    """One payment means of a payment: ``cash``/``transfer`` with its account, or a card code."""

    means: str  # cash, credit_card, transfer
    account: str
    amount: Decimal


@dataclass(frozen=True)
class SapPosting:
    """A posting carrying a Tagrain id, as reconciliation reads it (one $select'ed row).

    ``live`` is False for a cancelled document or payment, a cancellation
    document, and a journal entry reversal (whose ``amount`` is negative).
    ``amount`` is DocTotal, a payment's sum, or a journal entry's first line
    (debit less credit); ``based_on`` the invoices a credit memo's lines copy;
    ``paid_by`` a payment's means; ``accounts`` a journal entry's
    (account, debit less credit) per line.
    """

    kind: str
    entry: int
    number: int | None
    tagrain_id: str
    day: dt.date
    amount: Decimal
    tax: Decimal = Decimal(0)
    card_code: str | None = None
    branch: int | None = None
    live: bool = True
    warehouse: str | None = None
    based_on: tuple[int, ...] = ()
    paid_by: tuple[PaidBy, ...] = ()
    accounts: tuple[tuple[str, Decimal], ...] = ()

    @property
    def key(self) -> str:
        """``Invoices:12`` — as links and logs name it."""
        return f"{self.kind}:{self.entry}"

    @classmethod
    def from_entity(cls, kind: str, raw: dict[str, Any]) -> SapPosting:
        """Read one row of ``SapCompany.postings``."""
        day = dt.date.fromisoformat(str(raw[POSTING_DATE.get(kind, "DocDate")])[:10])
        number = raw.get("DocNum", raw.get("Number"))
        base: dict[str, Any] = {
            "kind": kind,
            "entry": int(raw[DOC_KEY.get(kind, "DocEntry")]),
            "number": int(number) if number is not None else None,
            "tagrain_id": str(raw["U_TG_ID"]),
            "day": day,
            "card_code": raw.get("CardCode"),
        }
        if kind == JOURNAL_ENTRY:
            accounts = tuple(
                (
                    str(line.get("AccountCode")),
                    _cents(line.get("Debit")) - _cents(line.get("Credit")),
                )
                for line in raw.get("JournalEntryLines") or []
            )
            amount = accounts[0][1] if accounts else Decimal(0)
            return cls(**base, amount=amount, live=amount > 0, accounts=accounts)
        if kind in (INCOMING_PAYMENT, OUTGOING_PAYMENT):
            paid: list[PaidBy] = []
            if raw.get("CashSum"):
                paid.append(
                    PaidBy("cash", str(raw.get("CashAccount") or ""), _cents(raw["CashSum"]))
                )
            for card in raw.get("PaymentCreditCards") or []:
                paid.append(
                    PaidBy(
                        "credit_card", str(card.get("CreditCard")), _cents(card.get("CreditSum"))
                    )
                )
            if raw.get("TransferSum"):
                paid.append(
                    PaidBy(
                        "transfer",
                        str(raw.get("TransferAccount") or ""),
                        _cents(raw["TransferSum"]),
                    )
                )
            return cls(
                **base,
                amount=sum((p.amount for p in paid), Decimal(0)),
                branch=raw.get("BPLID"),
                live=not is_yes(raw.get("Cancelled")),
                paid_by=tuple(paid),
            )
        lines = raw.get("DocumentLines") or []
        return cls(
            **base,
            amount=_cents(raw.get("DocTotal")),
            tax=_cents(raw.get("VatSum")),
            branch=raw.get("BPL_IDAssignedToInvoice"),
            live=not is_yes(raw.get("Cancelled")) and raw.get("CancelStatus") != "csCancellation",
            warehouse=next(
                (ln.get("WarehouseCode") for ln in lines if ln.get("WarehouseCode")), None
            ),
            based_on=tuple(
                sorted(
                    {
                        int(ln["BaseEntry"])
                        for ln in lines
                        if ln.get("BaseEntry") is not None and ln.get("BaseType") in (13, "13")
                    }
                )
            ),
        )


def _cents(value: Any) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
