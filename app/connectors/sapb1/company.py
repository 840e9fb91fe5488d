"""The SAP Business One company in business terms: what the sync reads and posts.

The sync core speaks in drafts and records (``BusinessPartnerDraft``,
``DocumentDraft``, ``PaymentDraft`` ...); this module alone turns them into
Service Layer JSON and back, so the core never sees an entity set name or a
property name. Money is ``Decimal`` on our side; SAP's JSON numbers are
doubles, so amounts are rounded to the cent when they cross.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.odata import quote

CENT = Decimal("0.01")
SAP_EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)

INVOICE = "Invoices"
CREDIT_MEMO = "CreditNotes"
INCOMING_PAYMENT = "IncomingPayments"
OUTGOING_PAYMENT = "VendorPayments"
JOURNAL_ENTRY = "JournalEntries"
DOCUMENT_KINDS = (INVOICE, CREDIT_MEMO, INCOMING_PAYMENT, OUTGOING_PAYMENT, JOURNAL_ENTRY)
_DOC_KEY = {JOURNAL_ENTRY: "JdtNum"}
_OBJECT_TYPE = {INVOICE: 13, CREDIT_MEMO: 14, INCOMING_PAYMENT: 24, OUTGOING_PAYMENT: 46}


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


def _yes(value: Any) -> bool:
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
            active=not _yes(raw.get("Frozen")) and raw.get("Valid", "tYES") != "tNO",
            tagrain_id=raw.get("U_TG_ID") or None,
            address=SapAddress(
                street=bill_to.get("Street") or raw.get("Address") or None,
                city=bill_to.get("City") or raw.get("City") or None,
                zip_code=bill_to.get("ZipCode") or raw.get("ZipCode") or None,
                country=bill_to.get("Country") or raw.get("Country") or None,
            ),
            updated_at=sap_updated_at(raw),
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
            serial=_yes(raw.get("ManageSerialNumbers")),
            batch=_yes(raw.get("ManageBatchNumbers")),
            inventory_item=_yes(raw.get("InventoryItem", "tYES")),
            sales_item=_yes(raw.get("SalesItem", "tYES")),
            active=raw.get("Valid", "tYES") != "tNO" and not _yes(raw.get("Frozen")),
            tagrain_id=raw.get("U_TG_ID") or None,
            updated_at=sap_updated_at(raw),
            stock=stock,
        )

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
class DocumentLineDraft:
    """One line of an A/R invoice or credit memo (net amount; SAP adds the tax code's tax)."""

    item_code: str
    description: str
    quantity: Decimal
    line_total: Decimal
    tax_code: str
    warehouse: str | None = None
    base_entry: int | None = None
    base_line: int | None = None

    def to_entity(self, base_type: int | None) -> dict[str, Any]:
        """The SL DocumentLines row."""
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
            "DocumentLines": [line.to_entity(base_type) for line in self.lines],
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

    def to_entity(self) -> dict[str, Any]:
        """The SL body of the journal entry."""
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
        key_name = _DOC_KEY.get(kind, "DocEntry")
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
            cancelled=_yes(raw.get("Cancelled")) or raw.get("Cancelled") == "tYES",
        )


CHOICE_LISTS: dict[str, tuple[str, str, str, str | None]] = {
    "price_lists": ("PriceLists", "PriceListNo", "PriceListName", None),
    "customers": ("BusinessPartners", "CardCode", "CardName", "CardType eq 'cCustomer'"),
    "tax_codes": ("SalesTaxCodes", "Code", "Name", None),
    "accounts": ("ChartOfAccounts", "Code", "Name", None),
    "customer_groups": (
        "BusinessPartnerGroups",
        "Code",
        "Name",
        "Type eq 'bbpgt_CustomerGroup'",
    ),
    "warehouses": ("Warehouses", "WarehouseCode", "WarehouseName", None),
    "credit_cards": ("CreditCards", "CreditCardCode", "CreditCardName", None),
    "currencies": ("Currencies", "Code", "Name", None),
}
"""SAP lists a user picks codes from: entity set, code and name properties, filter."""


class SapCompany:
    """One SAP company through the Service Layer, in business terms."""

    def __init__(self, client: ServiceLayerClient) -> None:
        self.client = client

    def close(self) -> None:
        """Log out and release the sessions."""
        self.client.close()

    def check(self) -> None:
        """Log in (raises the connector's errors with SAP's message)."""
        self.client.login()

    def tax_rates(self) -> dict[str, Decimal]:
        """Sales tax codes and their rates in percent (``SalesTaxCodes``)."""
        return {
            raw["Code"]: to_decimal(raw.get("Rate"))
            for raw in self.client.iter_entities("SalesTaxCodes", page_size=500)
        }

    def choices(self, kind: str, limit: int = 5000) -> list[tuple[str, str]]:
        """Code and name rows for a Choose From List: ``kind`` is one of CHOICE_LISTS."""
        entity, code_field, name_field, condition = CHOICE_LISTS[kind]
        rows = []
        for raw in self.client.iter_entities(
            entity,
            filter=condition,
            select=[code_field, name_field],
            orderby=code_field,
            page_size=500,
        ):
            rows.append((str(raw[code_field]), str(raw.get(name_field) or "")))
            if len(rows) >= limit:
                break
        return rows

    def customer_groups(self) -> list[SapGroup]:
        """Customer-type business partner groups."""
        return [
            SapGroup(int(raw["Code"]), raw["Name"])
            for raw in self.client.iter_entities(
                "BusinessPartnerGroups", filter="Type eq 'bbpgt_CustomerGroup'", page_size=500
            )
        ]

    def item_groups(self) -> list[SapGroup]:
        """Item groups."""
        return [
            SapGroup(int(raw["Number"]), raw["GroupName"])
            for raw in self.client.iter_entities("ItemGroups", page_size=500)
        ]

    def manufacturers(self) -> list[SapGroup]:
        """Manufacturers (SAP's "- No Manufacturer -", code -1, is left out)."""
        return [
            SapGroup(int(raw["Code"]), raw["ManufacturerName"])
            for raw in self.client.iter_entities("Manufacturers", page_size=500)
            if int(raw["Code"]) != -1
        ]

    def customers(
        self, since: dt.datetime | None = None, codes: Iterable[str] | None = None
    ) -> Iterator[SapBusinessPartner]:
        """Customers changed since the watermark (all when None), oldest change first."""
        condition = "CardType eq 'cCustomer'"
        if codes is not None:
            wanted = list(codes)
            for chunk in _chunks(wanted, 40):
                listed = " or ".join(f"CardCode eq {quote(c)}" for c in chunk)
                yield from (
                    SapBusinessPartner.from_entity(raw)
                    for raw in self.client.iter_entities(
                        "BusinessPartners",
                        filter=f"{condition} and ({listed})",
                        select=BP_FIELDS,
                        page_size=500,
                    )
                )
            return
        if since is None:
            entities = self.client.iter_entities(
                "BusinessPartners",
                filter=condition,
                select=BP_FIELDS,
                orderby="UpdateDate,UpdateTime,CardCode",
                page_size=500,
            )
        else:
            entities = self.client.changed_since(
                "BusinessPartners", since, select=BP_FIELDS, filter=condition, page_size=500
            )
        for raw in entities:
            yield SapBusinessPartner.from_entity(raw)

    def customer(self, card_code: str) -> SapBusinessPartner | None:
        """One business partner, or None."""
        from app.connectors.sapb1.errors import NotFoundError

        try:
            return SapBusinessPartner.from_entity(
                self.client.get("BusinessPartners", card_code, select=BP_FIELDS)
            )
        except NotFoundError:
            return None

    def find_customer(
        self, *, tagrain_id: str | None = None, email: str | None = None
    ) -> SapBusinessPartner | None:
        """A customer by the Tagrain id it carries, else by e-mail."""
        for condition in (
            f"U_TG_ID eq {quote(tagrain_id)}" if tagrain_id else None,
            f"EmailAddress eq {quote(email)}" if email else None,
        ):
            if condition:
                raw = self.client.first(
                    "BusinessPartners", f"CardType eq 'cCustomer' and {condition}", BP_FIELDS
                )
                if raw is not None:
                    return SapBusinessPartner.from_entity(raw)
        return None

    def create_customer(self, draft: BusinessPartnerDraft) -> SapBusinessPartner:
        """Add a business partner."""
        return SapBusinessPartner.from_entity(
            self.client.create("BusinessPartners", draft.to_entity(creating=True))
        )

    def update_customer(self, card_code: str, draft: BusinessPartnerDraft) -> None:
        """Change a business partner's synced fields."""
        self.client.update("BusinessPartners", card_code, draft.to_entity(creating=False))

    def set_customer_tagrain_id(self, card_code: str, tagrain_id: str) -> None:
        """Write the Tagrain id into the business partner's user field."""
        self.client.update("BusinessPartners", card_code, {"U_TG_ID": tagrain_id})

    def items(
        self,
        since: dt.datetime | None = None,
        codes: Iterable[str] | None = None,
        price_list: int | None = None,
        with_stock: bool = False,
    ) -> Iterator[SapItem]:
        """Items changed since the watermark (or the listed codes), oldest change first."""
        fields = [*ITEM_FIELDS, "ItemWarehouseInfoCollection"] if with_stock else ITEM_FIELDS
        if codes is not None:
            for chunk in _chunks(list(codes), 40):
                listed = " or ".join(f"ItemCode eq {quote(c)}" for c in chunk)
                for raw in self.client.iter_entities(
                    "Items", filter=listed, select=fields, page_size=500
                ):
                    yield SapItem.from_entity(raw, price_list)
            return
        if since is None:
            entities = self.client.iter_entities(
                "Items", select=fields, orderby="UpdateDate,UpdateTime,ItemCode", page_size=500
            )
        else:
            entities = self.client.changed_since("Items", since, select=fields, page_size=500)
        for raw in entities:
            yield SapItem.from_entity(raw, price_list)

    def item(self, item_code: str, price_list: int | None = None) -> SapItem | None:
        """One item, or None."""
        from app.connectors.sapb1.errors import NotFoundError

        try:
            return SapItem.from_entity(
                self.client.get("Items", item_code, select=ITEM_FIELDS), price_list
            )
        except NotFoundError:
            return None

    def create_item(self, draft: ItemDraft) -> SapItem:
        """Add an item."""
        return SapItem.from_entity(self.client.create("Items", draft.to_entity()), draft.price_list)

    def set_item_tagrain_id(self, item_code: str, tagrain_id: str) -> None:
        """Write the Tagrain id (the cross-reference code) into the item's user field."""
        self.client.update("Items", item_code, {"U_TG_ID": tagrain_id})

    def find_document(self, kind: str, tagrain_id: str) -> DocumentRef | None:
        """The document of this kind that carries the Tagrain id (not cancelled first).

        SAP's cancellation documents copy the user fields of what they cancel;
        they are not the posting itself and are left out.
        """
        found = [
            DocumentRef.from_entity(kind, raw)
            for raw in self.client.iter_entities(
                kind, filter=f"U_TG_ID eq {quote(tagrain_id)}", page_size=20
            )
            if raw.get("CancelStatus") != "csCancellation"
        ]
        found.sort(key=lambda ref: (ref.cancelled, ref.entry))
        return found[0] if found else None

    def find_documents(self, kind: str, tagrain_ids: Iterable[str]) -> dict[str, DocumentRef]:
        """The live postings of many Tagrain ids at once (one request per 20 ids)."""
        found: dict[str, DocumentRef] = {}
        for chunk in _chunks(list(tagrain_ids), 20):
            listed = " or ".join(f"U_TG_ID eq {quote(i)}" for i in chunk)
            for raw in self.client.iter_entities(kind, filter=listed, page_size=100):
                if raw.get("CancelStatus") == "csCancellation":
                    continue
                ref = DocumentRef.from_entity(kind, raw)
                current = found.get(raw["U_TG_ID"])
                if current is None or (current.cancelled and not ref.cancelled):
                    found[raw["U_TG_ID"]] = ref
        return found

    def existing_items(self, item_codes: Iterable[str]) -> set[str]:
        """Which of these item codes SAP has (one request per 40 codes)."""
        present: set[str] = set()
        for chunk in _chunks(list(item_codes), 40):
            listed = " or ".join(f"ItemCode eq {quote(c)}" for c in chunk)
            for raw in self.client.iter_entities(
                "Items", filter=listed, select=["ItemCode"], page_size=100
            ):
                present.add(raw["ItemCode"])
        return present

    def document(self, kind: str, entry: int) -> DocumentRef:
        """A posted document by key."""
        return DocumentRef.from_entity(kind, self.client.get(kind, entry))

    def create_invoice(self, draft: DocumentDraft) -> DocumentRef:
        """Post an A/R invoice."""
        return DocumentRef.from_entity(INVOICE, self.client.create(INVOICE, draft.to_entity()))

    def create_credit_memo(self, draft: DocumentDraft) -> DocumentRef:
        """Post an A/R credit memo (lines with a base entry refer to the invoice)."""
        body = draft.to_entity(base_type=_OBJECT_TYPE[INVOICE])
        return DocumentRef.from_entity(CREDIT_MEMO, self.client.create(CREDIT_MEMO, body))

    def create_incoming_payment(self, draft: PaymentDraft) -> DocumentRef:
        """Post an incoming payment."""
        return DocumentRef.from_entity(
            INCOMING_PAYMENT, self.client.create(INCOMING_PAYMENT, draft.to_entity())
        )

    def create_outgoing_payment(self, draft: PaymentDraft) -> DocumentRef:
        """Post an outgoing payment to a customer (money back for a refund)."""
        return DocumentRef.from_entity(
            OUTGOING_PAYMENT, self.client.create(OUTGOING_PAYMENT, draft.to_entity())
        )

    def create_journal_entry(self, draft: JournalEntryDraft) -> DocumentRef:
        """Post a journal entry."""
        return DocumentRef.from_entity(
            JOURNAL_ENTRY, self.client.create(JOURNAL_ENTRY, draft.to_entity())
        )

    def cancel(self, ref: DocumentRef) -> None:
        """Cancel a posted document or payment (SAP does not delete documents)."""
        self.client.cancel(ref.kind, ref.entry)

    def stock(self, item_codes: Iterable[str]) -> Iterator[SapItem]:
        """Items with their stock per warehouse, for the inventory snapshot."""
        yield from self.items(codes=item_codes, with_stock=True)

    def customers_in_ranges(
        self,
        code_range: tuple[str, str] = ("", ""),
        group_range: tuple[int | None, int | None] = (None, None),
        page_size: int = 500,
    ) -> Iterator[SapListedRecord]:
        """Customers by code range and group range (bounds inclusive, empty = open), by code."""
        conditions = ["CardType eq 'cCustomer'"]
        conditions += _range_conditions("CardCode", "GroupCode", code_range, group_range)
        for raw in self._keyset_pages(
            "BusinessPartners",
            "CardCode",
            conditions,
            ["CardCode", "CardName", "GroupCode"],
            page_size,
        ):
            yield SapListedRecord(
                raw["CardCode"], raw.get("CardName") or "", int(raw.get("GroupCode") or 0)
            )

    def items_in_ranges(
        self,
        code_range: tuple[str, str] = ("", ""),
        group_range: tuple[int | None, int | None] = (None, None),
        page_size: int = 500,
    ) -> Iterator[SapListedRecord]:
        """Items by code range and item group range (bounds inclusive, empty = open), by code."""
        conditions = _range_conditions("ItemCode", "ItemsGroupCode", code_range, group_range)
        for raw in self._keyset_pages(
            "Items",
            "ItemCode",
            conditions,
            [
                "ItemCode",
                "ItemName",
                "ItemsGroupCode",
                "InventoryItem",
                "ManageSerialNumbers",
                "ManageBatchNumbers",
            ],
            page_size,
        ):
            yield SapListedRecord(
                raw["ItemCode"],
                raw.get("ItemName") or "",
                int(raw.get("ItemsGroupCode") or 0),
                _item_type(raw),
            )

    def _keyset_pages(
        self, entity: str, key: str, conditions: list[str], fields: list[str], page_size: int
    ) -> Iterator[dict[str, Any]]:
        """Entities by key, each page asked for as "key after the last one" ($top, no $skip).

        A $skip makes the server walk every row before the page again; asking
        for the rows after the last key keeps a 100,000-row read linear.
        """
        last: str | None = None
        while True:
            where = [*conditions, f"{key} gt {quote(last)}"] if last is not None else conditions
            pages = self.client.iter_pages(
                entity,
                filter=" and ".join(where) or None,
                select=fields,
                orderby=key,
                top=page_size,
                page_size=page_size,
            )
            page = next(pages, [])
            yield from page
            if len(page) < page_size:
                return
            last = str(page[-1][key])

    def item_choices(self, limit: int = 5000) -> list[tuple[str, str]]:
        """Item code and name rows for a Choose From List, by code."""
        rows = []
        for raw in self.client.iter_entities(
            "Items", select=["ItemCode", "ItemName"], orderby="ItemCode", page_size=500
        ):
            rows.append((str(raw["ItemCode"]), str(raw.get("ItemName") or "")))
            if len(rows) >= limit:
                break
        return rows

    def browse_code(self, kind: str, step: str, code: str | None = None) -> str | None:
        """The first, previous, next or last customer or item code, for browsing a master record.

        ``kind`` is "customers" or "items"; ``step`` one of BROWSE_STEPS. Previous
        and next are taken from ``code`` (without it they mean first and last).
        None when there is no such record.
        """
        if step not in BROWSE_STEPS:
            raise ValueError(f"unknown browse step {step!r}")
        entity, key, _name, condition = _BROWSABLE[kind]
        conditions = [condition] if condition else []
        backwards = step in ("previous", "last")
        if code is not None and step in ("previous", "next"):
            conditions.append(f"{key} {'lt' if backwards else 'gt'} {quote(code)}")
        return self._first_code(entity, key, conditions, backwards)

    def find_code(self, kind: str, text: str) -> str | None:
        """The customer or item a user means by ``text``: its code, a code start, or part of a name.

        The exact code wins, then the first code starting with the text, then
        the first record (by code) whose name contains it. None when nothing matches.
        """
        entity, key, name, condition = _BROWSABLE[kind]
        wanted = quote(text)
        name_part = (
            f"substringof({wanted},{name})"
            if self.client.settings.version == "v1"
            else f"contains({name},{wanted})"
        )
        for match in (f"{key} eq {wanted}", f"startswith({key},{wanted})", name_part):
            conditions = [condition, match] if condition else [match]
            found = self._first_code(entity, key, conditions, backwards=False)
            if found is not None:
                return found
        return None

    def _first_code(
        self, entity: str, key: str, conditions: list[str], backwards: bool
    ) -> str | None:
        page = next(
            self.client.iter_pages(
                entity,
                filter=" and ".join(conditions) or None,
                select=[key],
                orderby=f"{key} desc" if backwards else key,
                top=1,
            ),
            [],
        )
        return str(page[0][key]) if page else None


BROWSE_STEPS = ("first", "previous", "next", "last")
_BROWSABLE: dict[str, tuple[str, str, str, str | None]] = {
    "customers": CHOICE_LISTS["customers"],
    "items": ("Items", "ItemCode", "ItemName", None),
}
"""Master records a form browses: entity set, code and name properties, filter."""


def _chunks(values: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class SapListedRecord:
    """A customer or item as a selection list shows it: code, name, group and item type."""

    code: str
    name: str
    group_code: int
    item_type: str = ""


def _range_conditions(
    code_field: str,
    group_field: str,
    code_range: tuple[str, str],
    group_range: tuple[int | None, int | None],
) -> list[str]:
    conditions = []
    low, high = code_range
    if low:
        conditions.append(f"{code_field} ge {quote(low)}")
    if high:
        conditions.append(f"{code_field} le {quote(high)}")
    group_low, group_high = group_range
    if group_low is not None:
        conditions.append(f"{group_field} ge {int(group_low)}")
    if group_high is not None:
        conditions.append(f"{group_field} le {int(group_high)}")
    return conditions


def _item_type(raw: dict[str, Any]) -> str:
    if _yes(raw.get("ManageSerialNumbers")):
        return "Serial"
    if _yes(raw.get("ManageBatchNumbers")):
        return "Batch"
    return "Inventory" if _yes(raw.get("InventoryItem", "tYES")) else "Non-Inventory"
