"""A sale voided in Tagrain after it was posted: what SAP's books get.

- Not refunded: its incoming payment and then its invoice are cancelled
  (SAP's cancellation documents reverse them).
- Fully refunded: the credit memos based on the invoice already credit every
  line, and the refunds' outgoing payments paid the money back. Nothing is
  left to cancel (SAP refuses to cancel an invoice a credit memo is based on
  anyway), so the void is logged as done and says why.
- Partly refunded: SAP refuses to cancel the invoice, so the rest is credited
  as a last refund would be: a credit memo based on the invoice for the lines
  and quantities no refund credited yet, and an outgoing payment of the money
  the customer has not had back yet (what the sale's incoming payment took,
  less the refunds' outgoing payments), through the sale's own tenders, last
  tender first. An on-account sale gets the credit memo alone, which closes
  what is open on the invoice.

The memo and the payment carry ``<sale id>:void`` in ``U_TG_ID``: a retried
void finds them instead of posting them again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.connectors.sapb1.credits import InvoiceCredits, PostedLine
from app.connectors.sapb1.records import (
    OUTGOING_PAYMENT,
    DocumentDraft,
    DocumentLineDraft,
    DocumentRef,
)
from app.connectors.tagrain.records import Sale, Tender
from app.sync.jobs.common_down import DownContext
from app.sync.jobs.posting import waiting_on_sap
from app.sync.mapping.money import local_date
from app.sync.mapping.payments import map_tender_payment
from app.sync.records import Action, LinkWrite, Outcome

VOID_SUFFIX = ":void"


def void_id(sale: Sale) -> str:
    """The ``U_TG_ID`` of what a void of a refunded sale posts."""
    return f"{sale.id}{VOID_SUFFIX}"


def pay_back(tenders: tuple[Tender, ...], amount: Decimal) -> list[Tender]:
    """``amount`` spread over the sale's tenders, last tender first."""
    back: list[Tender] = []
    left = amount
    for tender in reversed(tenders):
        take = min(tender.amount, left)
        if take > 0:
            back.append(Tender(tender.type, take, tender.reference))
            left -= take
    return back


class SaleVoids:
    """Turns a void of a posted sale into cancellations, or credits the rest after refunds."""

    def __init__(self, down: DownContext) -> None:
        self.down = down
        self.ctx = down.ctx

    def void(
        self,
        sale: Sale,
        invoice: DocumentRef,
        payment: DocumentRef | None,
        card_code: str | None,
    ) -> Outcome:
        """What a void of this posted sale does in SAP (see the module's rules)."""
        sap = self.ctx.sap
        credits = sap.invoice_credits(invoice.entry)
        if not credits.memos:
            if payment is not None and not payment.cancelled:
                sap.cancel(payment)
            if not invoice.cancelled:
                sap.cancel(invoice)
            return Outcome(
                Action.CANCELLED,
                target_key=invoice.key,
                message="voided in Tagrain: invoice and payment cancelled",
                link=LinkWrite(tagrain_id=sale.id, sap_key=invoice.key),
            )
        own = credits.memos.get(void_id(sale))
        left = credits.remaining()
        if own is None and not left:
            numbers = ", ".join(str(m.number) for m in credits.memos.values())
            return Outcome(
                Action.SKIPPED,
                target_key=invoice.key,
                message=(
                    f"voided in Tagrain after it was fully refunded: credit memo {numbers} "
                    f"already credits all of invoice {invoice.number}, and SAP keeps an invoice "
                    "a credit memo is based on; nothing left to cancel"
                ),
                link=LinkWrite(tagrain_id=sale.id, sap_key=invoice.key),
            )
        memo = own if own is not None else self._credit_rest(sale, credits, left)
        paid_out = self._pay_back_rest(sale, credits, payment, memo, card_code)
        refunds = len(credits.memos) - (0 if own is None else 1)
        message = (
            f"voided in Tagrain after {refunds} partial refund(s): SAP cannot cancel an invoice "
            f"a credit memo is based on, so credit memo {memo.number} credits the rest "
            f"({memo.total})"
        )
        if paid_out is not None:
            message += f" and outgoing payment {paid_out.number} pays back {paid_out.total}"
        return Outcome(
            Action.CANCELLED,
            target_key=invoice.key,
            message=message,
            link=LinkWrite(
                tagrain_id=sale.id,
                sap_key=invoice.key,
                sap_secondary_key=payment.key if payment is not None else None,
                sap_doc_num=str(invoice.number) if invoice.number is not None else None,
            ),
        )

    def _void_date(self, sale: Sale) -> date:
        return local_date(sale.updated_at, self.down.store(sale.store_id).timezone)

    def _credit_rest(
        self, sale: Sale, credits: InvoiceCredits, left: tuple[PostedLine, ...]
    ) -> DocumentRef:
        """The credit memo of what no refund credited, based on the invoice's lines."""
        invoice = credits.invoice
        draft = DocumentDraft(
            card_code=credits.card_code,
            doc_date=self._void_date(sale),
            num_at_card=f"{sale.receipt_number} void",
            tagrain_id=void_id(sale),
            currency=sale.currency,
            lines=tuple(
                DocumentLineDraft(
                    item_code=line.item_code,
                    description=line.description,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    tax_code=line.tax_code,
                    warehouse=line.warehouse,
                    base_entry=invoice.entry,
                    base_line=line.line_num,
                )
                for line in left
            ),
            comments=(
                f"Tagrain receipt {sale.receipt_number} voided after a partial refund: "
                f"the rest of invoice {invoice.number}"
            ),
            branch=credits.branch,
        )
        with waiting_on_sap(draft.doc_date, [(x.item_code, x.warehouse) for x in draft.lines]):
            return self.ctx.sap.create_credit_memo(draft)

    def _pay_back_rest(
        self,
        sale: Sale,
        credits: InvoiceCredits,
        payment: DocumentRef | None,
        memo: DocumentRef,
        card_code: str | None,
    ) -> DocumentRef | None:
        """The outgoing payment of the money not paid back yet (None when none is owed)."""
        sap = self.ctx.sap
        done = sap.find_document(OUTGOING_PAYMENT, void_id(sale))
        if done is not None and not done.cancelled:
            return done
        if payment is None or payment.cancelled:
            return None
        refund_ids = [key for key in credits.memos if key != void_id(sale)]
        paid_back = sum(
            (
                ref.total
                for ref in sap.find_documents(OUTGOING_PAYMENT, refund_ids).values()
                if not ref.cancelled
            ),
            Decimal(0),
        )
        owed = min(payment.total - paid_back, memo.total)
        if owed <= 0:
            return None
        deps = self.down.payment_dependencies(card_code, sale.store_id)
        draft = map_tender_payment(
            pay_back(sale.tenders, owed),
            deps,
            self.ctx.rules,
            doc_date=self._void_date(sale),
            tagrain_id=void_id(sale),
            reference=f"Tagrain void of receipt {sale.receipt_number}",
            applies_to=memo,
        )
        if draft is None:
            return None
        with waiting_on_sap(draft.doc_date):
            return sap.create_outgoing_payment(draft)
