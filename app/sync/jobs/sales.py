"""Sales: every Tagrain receipt becomes an A/R invoice (+ an incoming payment when paid).

- Paid sale: invoice + incoming payment split by the tender mapping.
- On-account sale: invoice only; when it is paid later its ``updated_at`` moves
  and the next run adds the payment.
- Walk-in sale (no customer): the template's default cash customer.
- Sale voided after it was posted: the payment and the invoice are cancelled.

Exactly once: the invoice and payment carry the sale id in ``U_TG_ID`` (and the
receipt number in ``NumAtCard``); a sale without a link is looked up by that
field before anything is posted, so a crash between "posted" and "recorded"
links the posted invoice instead of posting it twice.

Money rule: each invoice line is the receipt line's net amount
(``quantity × unit price − discount``) with an SAP tax code whose rate gives
exactly the receipt line's tax, rounded half-up to the cent as both systems
do; the invoice total therefore equals the receipt total to the cent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from app.connectors.sapb1.company import (
    INCOMING_PAYMENT,
    INVOICE,
    DocumentDraft,
    DocumentLineDraft,
    DocumentRef,
    PaymentDraft,
)
from app.connectors.tagrain.records import Sale
from app.sync.context import SyncContext
from app.sync.jobs.common_down import (
    DownContext,
    Malformed,
    TagrainSourceJob,
    batched,
    check_money,
    check_not_future,
    tender_payment,
    tolerant,
)
from app.sync.jobs.customers_down import CustomerResolver
from app.sync.jobs.products_down import ProductResolver
from app.sync.records import Action, LinkWrite, Outcome, RecordError

PREFETCH = 20


class SalesJob(TagrainSourceJob[Sale]):
    """Tagrain sales → A/R invoices and incoming payments."""

    object_name = "sales"

    def __init__(self, ctx: SyncContext, down: DownContext | None = None) -> None:
        super().__init__(ctx, down)
        self.customers = CustomerResolver(self.down)
        self.products = ProductResolver(self.down)

    def list_records(self, since: datetime | None) -> Iterator[Sale | Malformed]:
        return self.ctx.tagrain.iter_records("sales", tolerant(Sale.from_json), updated_since=since)

    def get_record(self, record_id: str) -> Sale:
        return self.ctx.tagrain.get_sale(record_id)

    def records(self, since: datetime | None) -> Iterator[Sale | Malformed]:
        for batch in batched(self.list_records(since), PREFETCH):
            self._prefetch([s for s in batch if isinstance(s, Sale)])
            yield from batch

    def _prefetch(self, sales: list[Sale]) -> None:
        """Look up a batch's invoices and items in a few requests instead of one per sale."""
        unlinked = [s.id for s in sales if self.ctx.binder.by_tagrain("sales", s.id) is None]
        if unlinked:
            found = self.ctx.sap.find_documents(INVOICE, unlinked)
            for sale_id in unlinked:
                self.down.cache.put("invoice", sale_id, found.get(sale_id))
        self.down.prefetch_items(line.sku for sale in sales for line in sale.lines)

    def apply_record(self, sale: Sale) -> Outcome:
        sap = self.ctx.sap
        link = self.ctx.binder.by_tagrain("sales", sale.id)
        if link is not None and sale.status != "voided":
            settled = sale.status == "on_account" or link.sap_secondary_key or not sale.tenders
            if settled:
                return Outcome(Action.SKIPPED, target_key=link.sap_key)
        prefetched, known = self.down.cache.take("invoice", sale.id)
        invoice = known if prefetched else sap.find_document(INVOICE, sale.id)
        assert invoice is None or isinstance(invoice, DocumentRef)
        payment = None if invoice is None else sap.find_document(INCOMING_PAYMENT, sale.id)
        if sale.status == "voided":
            return self._void(sale, invoice, payment)
        created = False
        if invoice is None or invoice.cancelled:
            draft = self.invoice_draft(sale)
            invoice = sap.create_invoice(draft)
            created = True
        paid_now = False
        if sale.status == "completed" and (payment is None or payment.cancelled):
            draft_payment = self.payment_draft(sale, invoice)
            if draft_payment is not None:
                payment = sap.create_incoming_payment(draft_payment)
                paid_now = True
        message = None
        if invoice.total != sale.total:
            message = f"SAP's invoice total {invoice.total} differs from the receipt's {sale.total}"
        if created:
            action = Action.CREATED
        elif paid_now:
            action = Action.UPDATED
        elif link is None:
            action = Action.LINKED
            message = message or "already in SAP (found by its Tagrain id); linked"
        else:
            action = Action.SKIPPED
        return Outcome(
            action,
            target_key=invoice.key,
            message=message,
            link=LinkWrite(
                tagrain_id=sale.id,
                sap_key=invoice.key,
                sap_secondary_key=payment.key if payment else None,
                sap_doc_num=str(invoice.number) if invoice.number is not None else None,
            ),
        )

    def _void(
        self,
        sale: Sale,
        invoice: DocumentRef | None,
        payment: DocumentRef | None,
    ) -> Outcome:
        if invoice is None:
            return Outcome(Action.SKIPPED, message="voided before it was posted; nothing to cancel")
        if invoice.cancelled and (payment is None or payment.cancelled):
            return Outcome(Action.SKIPPED, target_key=invoice.key, message="already cancelled")
        if payment is not None and not payment.cancelled:
            self.ctx.sap.cancel(payment)
        if not invoice.cancelled:
            self.ctx.sap.cancel(invoice)
        return Outcome(
            Action.CANCELLED,
            target_key=invoice.key,
            message="voided in Tagrain: invoice and payment cancelled",
            link=LinkWrite(tagrain_id=sale.id, sap_key=invoice.key),
        )

    def invoice_draft(self, sale: Sale) -> DocumentDraft:
        """The A/R invoice of a receipt; RecordError names what is wrong with it."""
        if not sale.lines:
            raise RecordError(f"receipt {sale.receipt_number} has no lines")
        check_not_future(f"receipt {sale.receipt_number}: sold_at", sale.sold_at)
        for name in ("subtotal", "tax_total", "total"):
            check_money(f"receipt {sale.receipt_number}: {name}", getattr(sale, name))
        rule = self.down.store_rule(sale.store_id)
        card_code = self.customers.card_code_for(sale.customer_id)
        lines = []
        for line in sorted(sale.lines, key=lambda ln: ln.line_no):
            for name in ("unit_price", "discount", "tax_amount", "line_total"):
                check_money(f"line {line.line_no}: {name}", getattr(line, name))
            if line.quantity <= 0:
                raise RecordError(
                    f"line {line.line_no}: quantity {line.quantity} is not positive "
                    "(returns are refunds in Tagrain)"
                )
            if line.line_total < 0:
                raise RecordError(f"line {line.line_no}: negative amount {line.line_total}")
            self.products.ensure_item(line.sku, line.product_id, line.line_no)
            lines.append(
                DocumentLineDraft(
                    item_code=line.sku,
                    description=line.description,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    tax_code=self.down.tax_code(
                        line.product_id, line.line_total, line.tax_amount, line.line_no
                    ),
                    warehouse=rule.warehouse,
                )
            )
        net = sum((ln.line_total for ln in sale.lines), start=sale.total * 0)
        tax = sum((ln.tax_amount for ln in sale.lines), start=sale.total * 0)
        if net + tax != sale.total:
            raise RecordError(
                f"receipt {sale.receipt_number}: lines add up to {net + tax} "
                f"but the total is {sale.total}"
            )
        store = self.down.store(sale.store_id)
        return DocumentDraft(
            card_code=card_code,
            doc_date=self.down.local_date(sale.store_id, sale.sold_at),
            num_at_card=sale.receipt_number,
            tagrain_id=sale.id,
            currency=sale.currency,
            lines=tuple(lines),
            comments=f"Tagrain receipt {sale.receipt_number}, store {store.code}",
            branch=rule.branch or self.ctx.rules.branch,
        )

    def payment_draft(self, sale: Sale, invoice: DocumentRef) -> PaymentDraft | None:
        """The incoming payment of a paid receipt (None when nothing was tendered)."""
        paid = sum((t.amount for t in sale.tenders), start=sale.total * 0)
        if sale.tenders and paid != sale.total:
            raise RecordError(
                f"receipt {sale.receipt_number}: tenders add up to {paid} "
                f"but the total is {sale.total}"
            )
        return tender_payment(
            self.down,
            card_code=self.customers.card_code_for(sale.customer_id),
            store_id=sale.store_id,
            tenders=sale.tenders,
            doc_date=self.down.local_date(sale.store_id, sale.sold_at),
            tagrain_id=sale.id,
            reference=f"Tagrain receipt {sale.receipt_number}",
            applies_to=invoice,
        )
