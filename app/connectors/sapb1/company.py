"""The SAP Business One company in business terms: what the sync reads and posts.

``SapCompany`` is the one place that knows which entity set and which
property a business operation uses; the records and drafts it takes and
returns live in ``records``, the forms' pick lists in ``lists``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.credits import InvoiceCredits, read_invoice_credits
from app.connectors.sapb1.lists import SapLists
from app.connectors.sapb1.odata import date_literal, quote
from app.connectors.sapb1.records import (
    BP_FIELDS,
    CREDIT_MEMO,
    INCOMING_PAYMENT,
    INVOICE,
    ITEM_FIELDS,
    JOURNAL_ENTRY,
    OBJECT_TYPE,
    OUTGOING_PAYMENT,
    POSTING_DATE,
    POSTING_FIELDS,
    BusinessPartnerDraft,
    DocumentDraft,
    DocumentRef,
    ItemDraft,
    JournalEntryDraft,
    PaymentDraft,
    SapBusinessPartner,
    SapGroup,
    SapItem,
    SapPosting,
    to_decimal,
)


class SapCompany(SapLists):
    """One SAP company through the Service Layer, in business terms."""

    def __init__(self, client: ServiceLayerClient) -> None:
        self.client = client

    def close(self, *, wait: bool = True) -> None:
        """Log out and release the sessions (``wait=False``: log out behind the caller)."""
        self.client.close(wait=wait)

    def check(self) -> None:
        """Log in (raises the connector's errors with SAP's message)."""
        self.client.login()

    def tax_rates(self) -> dict[str, Decimal]:
        """Sales tax codes and their rates in percent (``SalesTaxCodes``)."""
        return {
            raw["Code"]: to_decimal(raw.get("Rate"))
            for raw in self.client.iter_entities("SalesTaxCodes", page_size=500)
        }

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
            for listed in _any_of("CardCode", wanted, 40):
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
            for listed in _any_of("ItemCode", codes, 40):
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

    def fill_item(
        self, item_code: str, *, barcode: str | None = None, manufacturer: int | None = None
    ) -> None:
        """Give an item the barcode and/or manufacturer it lacks (None: leave as it is)."""
        self.client.update("Items", item_code, item_fill(barcode, manufacturer))

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
        """The live postings of many Tagrain ids at once (one request per 60 ids)."""
        found: dict[str, DocumentRef] = {}
        for listed in _any_of("U_TG_ID", tagrain_ids, 60):
            for raw in self.client.iter_entities(kind, filter=listed, page_size=100):
                if raw.get("CancelStatus") == "csCancellation":
                    continue
                ref = DocumentRef.from_entity(kind, raw)
                current = found.get(raw["U_TG_ID"])
                if current is None or (current.cancelled and not ref.cancelled):
                    found[raw["U_TG_ID"]] = ref
        return found

    def postings(
        self, kind: str, first_day: dt.date, last_day: dt.date, page_size: int = 500
    ) -> Iterator[list[SapPosting]]:
        """Page by page, the postings of a kind dated in a range that carry a Tagrain id.

        One filtered, ``$select``ed listing (``DocDate``, or a journal entry's
        ``ReferenceDate``, between the days; ``U_TG_ID`` set), never a GET per document.
        """
        version = self.client.settings.version
        dated = POSTING_DATE.get(kind, "DocDate")
        condition = (
            f"{dated} ge {date_literal(first_day, version)} and "
            f"{dated} le {date_literal(last_day, version)} and U_TG_ID ne null"
        )
        for page in self.client.iter_pages(
            kind, filter=condition, select=POSTING_FIELDS[kind], page_size=page_size
        ):
            yield [SapPosting.from_entity(kind, raw) for raw in page if raw.get("U_TG_ID")]

    def postings_of(self, kind: str, tagrain_ids: Iterable[str]) -> Iterator[SapPosting]:
        """The postings of a kind carrying these Tagrain ids, whatever their date."""
        for listed in _any_of("U_TG_ID", tagrain_ids, 60):
            for raw in self.client.iter_entities(
                kind, filter=listed, select=POSTING_FIELDS[kind], page_size=100
            ):
                yield SapPosting.from_entity(kind, raw)

    def item_tracking(self, item_codes: Iterable[str]) -> dict[str, str]:
        """Which of these items SAP has, each with how it is tracked: serial, batch or none."""
        found: dict[str, str] = {}
        fields = ["ItemCode", "ManageSerialNumbers", "ManageBatchNumbers"]
        for listed in _any_of("ItemCode", item_codes, 100):
            for raw in self.client.iter_entities(
                "Items", filter=listed, select=fields, page_size=100
            ):
                found[raw["ItemCode"]] = SapItem.from_entity(raw).tracking
        return found

    def document(self, kind: str, entry: int) -> DocumentRef:
        """A posted document by key."""
        return DocumentRef.from_entity(kind, self.client.get(kind, entry))

    def create_invoice(self, draft: DocumentDraft) -> DocumentRef:
        """Post an A/R invoice."""
        return DocumentRef.from_entity(INVOICE, self.client.create(INVOICE, draft.to_entity()))

    def create_credit_memo(self, draft: DocumentDraft) -> DocumentRef:
        """Post an A/R credit memo (lines with a base entry refer to the invoice)."""
        body = draft.to_entity(base_type=OBJECT_TYPE[INVOICE])
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

    def invoice_credits(self, entry: int) -> InvoiceCredits:
        """An invoice with the live credit memos based on it and what is left to credit."""
        return read_invoice_credits(self.client, entry)

    def stock(self, item_codes: Iterable[str]) -> Iterator[SapItem]:
        """Items with their stock per warehouse, for the inventory snapshot."""
        yield from self.items(codes=item_codes, with_stock=True)


def item_fill(barcode: str | None, manufacturer: int | None) -> dict[str, Any]:
    """The Items PATCH body of ``fill_item``."""
    body: dict[str, Any] = {}
    if barcode is not None:
        body["BarCode"] = barcode
    if manufacturer is not None:
        body["Manufacturer"] = manufacturer
    return body


FILTER_CHARACTERS = 3000
"""Longest list of values one ``$filter`` names: URL-encoded it stays well under the
8,190-byte request line Apache, in front of the Service Layer, takes by default."""


def _any_of(field: str, values: Iterable[str], most: int) -> Iterator[str]:
    """``field eq 'a' or field eq 'b' …`` filters naming every value once.

    Each names at most ``most`` values and is at most ``FILTER_CHARACTERS`` long.
    """
    clauses: list[str] = []
    length = 0
    for value in values:
        clause = f"{field} eq {quote(value)}"
        if clauses and (len(clauses) == most or length + 4 + len(clause) > FILTER_CHARACTERS):
            yield " or ".join(clauses)
            clauses, length = [], 0
        length += len(clause) + (4 if clauses else 0)
        clauses.append(clause)
    if clauses:
        yield " or ".join(clauses)
