"""An SAP company for previews: reads from the Service Layer, answers writes without sending them.

A dry run must show what a sync would post and change nothing in SAP. This
company reads through the real Service Layer; each write is handed to an
``on_write`` callback instead and answered as SAP would answer it — a business
partner or item as drafted, a document with a negative ``DocEntry`` and the
total SAP would compute (net lines plus each tax code's tax, rounded
half-up to the cent) — so the job goes on exactly as in a live run. Its
transport refuses every write as a last guard.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.company import SapCompany, item_fill
from app.connectors.sapb1.records import (
    CREDIT_MEMO,
    INCOMING_PAYMENT,
    INVOICE,
    JOURNAL_ENTRY,
    OUTGOING_PAYMENT,
    BusinessPartnerDraft,
    DocumentDraft,
    DocumentLineDraft,
    DocumentRef,
    ItemDraft,
    JournalEntryDraft,
    PaymentDraft,
    SapBusinessPartner,
    SapItem,
)

PreviewWrite = Callable[[str, str, str, str], None]
"""Called with (action, what, key, detail) for each write a preview would make."""

CENT = Decimal("0.01")
_DOCUMENT_NAMES = {
    INVOICE: "A/R invoice",
    CREDIT_MEMO: "A/R credit memo",
    INCOMING_PAYMENT: "incoming payment",
    OUTGOING_PAYMENT: "outgoing payment",
    JOURNAL_ENTRY: "journal entry",
}


class PreviewSapCompany(SapCompany):
    """SAP reads as usual; writes reported to ``on_write`` and never sent."""

    def __init__(self, client: ServiceLayerClient, on_write: PreviewWrite) -> None:
        super().__init__(client)
        client.transport.read_only = True
        self._on_write = on_write
        self._entries = itertools.count(1)
        self._lock = threading.Lock()
        self._documents: dict[str, DocumentRef] = {}
        self._rates: dict[str, Decimal] | None = None

    def _next_entry(self) -> int:
        with self._lock:
            return -next(self._entries)

    def _post(self, kind: str, total: Decimal, detail: str) -> DocumentRef:
        ref = DocumentRef(
            kind=kind, entry=self._next_entry(), number=None, total=total, cancelled=False
        )
        with self._lock:
            self._documents[ref.key] = ref
        self._on_write("create", _DOCUMENT_NAMES.get(kind, kind), ref.key, detail)
        return ref

    def _document_total(self, draft: DocumentDraft) -> Decimal:
        if self._rates is None:
            self._rates = self.tax_rates()
        rates = self._rates
        total = Decimal(0)
        for line in draft.lines:
            rate = rates.get(line.tax_code, Decimal(0))
            tax = (line.line_total * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            total += line.line_total + tax
        return total.quantize(CENT)

    def create_customer(self, draft: BusinessPartnerDraft) -> SapBusinessPartner:
        self._on_write("create", "business partner", draft.card_code, draft.card_name)
        return SapBusinessPartner.from_entity(draft.to_entity(creating=True))

    def update_customer(self, card_code: str, draft: BusinessPartnerDraft) -> None:
        self._on_write("update", "business partner", card_code, draft.card_name)

    def set_customer_tagrain_id(self, card_code: str, tagrain_id: str) -> None:
        self._on_write("update", "business partner", card_code, f"U_TG_ID = {tagrain_id}")

    def create_item(self, draft: ItemDraft) -> SapItem:
        self._on_write("create", "item", draft.item_code, draft.item_name)
        return SapItem.from_entity(draft.to_entity(), draft.price_list)

    def set_item_tagrain_id(self, item_code: str, tagrain_id: str) -> None:
        self._on_write("update", "item", item_code, f"U_TG_ID = {tagrain_id}")

    def fill_item(
        self, item_code: str, *, barcode: str | None = None, manufacturer: int | None = None
    ) -> None:
        fields = ", ".join(f"{k} = {v}" for k, v in item_fill(barcode, manufacturer).items())
        self._on_write("update", "item", item_code, fields)

    def document(self, kind: str, entry: int) -> DocumentRef:
        if entry < 0:
            with self._lock:
                return self._documents[f"{kind}:{entry}"]
        return super().document(kind, entry)

    def create_invoice(self, draft: DocumentDraft) -> DocumentRef:
        total = self._document_total(draft)
        return self._post(INVOICE, total, _document_detail(draft, total))

    def create_credit_memo(self, draft: DocumentDraft) -> DocumentRef:
        total = self._document_total(draft)
        detail = _document_detail(draft, total)
        base = next((line.base_entry for line in draft.lines if line.base_entry), None)
        detail += f", based on invoice {base}" if base else ", without a base invoice"
        return self._post(CREDIT_MEMO, total, detail)

    def create_incoming_payment(self, draft: PaymentDraft) -> DocumentRef:
        return self._post(INCOMING_PAYMENT, draft.total, _payment_detail(draft))

    def create_outgoing_payment(self, draft: PaymentDraft) -> DocumentRef:
        return self._post(OUTGOING_PAYMENT, draft.total, _payment_detail(draft))

    def create_journal_entry(self, draft: JournalEntryDraft) -> DocumentRef:
        total = sum((line.debit for line in draft.lines), Decimal(0))
        accounts = ", ".join(
            f"{'Dr' if line.debit else 'Cr'} {line.account}" for line in draft.lines
        )
        return self._post(JOURNAL_ENTRY, total, f"{total}: {accounts}")

    def cancel(self, ref: DocumentRef) -> None:
        self._on_write("cancel", _DOCUMENT_NAMES.get(ref.kind, ref.kind), ref.key, "")


def _document_detail(draft: DocumentDraft, total: Decimal) -> str:
    lines = len(draft.lines)
    return (
        f"{draft.card_code}, {lines} line{'s' if lines != 1 else ''}, {total} {draft.currency}, "
        f"{draft.doc_date.isoformat()}, ref {draft.num_at_card}"
        + "".join(_numbers_detail(n, line) for n, line in enumerate(draft.lines, start=1))
    )


def _numbers_detail(n: int, line: DocumentLineDraft) -> str:
    """The serials and batches of a line, as the preview lists them ("" for plain lines)."""
    if line.serials:
        return f"; line {n} {line.item_code} serials {', '.join(line.serials)}"
    if line.batches:
        picks = ", ".join(f"{p.batch} × {p.quantity}" for p in line.batches)
        return f"; line {n} {line.item_code} batches {picks}"
    return ""


def _payment_detail(draft: PaymentDraft) -> str:
    means = []
    if draft.cash_sum:
        means.append(f"cash {draft.cash_sum} to {draft.cash_account}")
    if draft.transfer_sum:
        means.append(f"transfer {draft.transfer_sum} to {draft.transfer_account}")
    means.extend(f"card {card.credit_card} {card.amount}" for card in draft.cards)
    target = f"{draft.applies_to_type} {draft.applies_to}" if draft.applies_to else "on account"
    return f"{draft.card_code}, {draft.total} ({'; '.join(means)}), for {target}"
