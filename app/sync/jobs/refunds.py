"""Refunds: a Tagrain refund becomes an A/R credit memo (+ an outgoing payment when paid out).

The credit memo is always based on the original invoice (``BaseType 13``, its
``DocEntry`` and line). A refund whose sale's invoice (or, for a paid sale,
its incoming payment) is not in SAP yet *waits*: logged as waiting with the
reason and applied on a later run, once the sales run has posted the sale —
never posted as a standalone memo that an accountant would have to re-base.

The one credit memo that stands alone is a refund of a sale that is not ours
to post: Tagrain itself answers that the sale does not exist (a receipt rung
up before the till moved to Tagrain, returned over a Tagrain till). The
record log and the memo's remarks say "standalone return" and why.

Money that left the till is an outgoing payment to the customer applied to
the credit memo; an "On Account" refund is the credit memo only. Exactly once
by ``U_TG_ID`` as for sales.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from app.connectors.sapb1.company import (
    CREDIT_MEMO,
    INCOMING_PAYMENT,
    INVOICE,
    OUTGOING_PAYMENT,
    DocumentDraft,
    DocumentLineDraft,
    DocumentRef,
)
from app.connectors.tagrain.errors import TagrainNotFoundError
from app.connectors.tagrain.records import Refund, Sale
from app.sync.context import SyncContext
from app.sync.jobs.common_down import (
    DownContext,
    Malformed,
    TagrainSourceJob,
    check_money,
    check_not_future,
    tender_payment,
    tolerant,
)
from app.sync.jobs.customers_down import CustomerResolver
from app.sync.jobs.products_down import ProductResolver
from app.sync.records import Action, LinkWrite, Outcome, RecordError, WaitingError


class RefundsJob(TagrainSourceJob[Refund]):
    """Tagrain refunds → A/R credit memos and outgoing payments."""

    object_name = "refunds"

    def __init__(self, ctx: SyncContext, down: DownContext | None = None) -> None:
        super().__init__(ctx, down)
        self.customers = CustomerResolver(self.down)
        self.products = ProductResolver(self.down)

    def list_records(self, since: datetime | None) -> Iterator[Refund | Malformed]:
        return self.ctx.tagrain.iter_records(
            "refunds", tolerant(Refund.from_json), updated_since=since
        )

    def get_record(self, record_id: str) -> Refund:
        return self.ctx.tagrain.get_refund(record_id)

    def apply_record(self, refund: Refund) -> Outcome:
        sap = self.ctx.sap
        link = self.ctx.binder.by_tagrain("refunds", refund.id)
        if link is not None and (link.sap_secondary_key or refund.status == "on_account"):
            return Outcome(Action.SKIPPED, target_key=link.sap_key)
        memo = sap.find_document(CREDIT_MEMO, refund.id)
        payment = None if memo is None else sap.find_document(OUTGOING_PAYMENT, refund.id)
        created, message = False, None
        if memo is None or memo.cancelled:
            draft, message = self.credit_memo_draft(refund)
            memo = sap.create_credit_memo(draft)
            created = True
        paid_now = False
        if refund.status == "completed" and (payment is None or payment.cancelled):
            payment_draft = tender_payment(
                self.down,
                card_code=self.customers.card_code_for(refund.customer_id),
                store_id=refund.store_id,
                tenders=refund.tenders,
                doc_date=self.down.local_date(refund.store_id, refund.refunded_at),
                tagrain_id=refund.id,
                reference=f"Tagrain refund {refund.refund_number}",
                applies_to=memo,
            )
            if payment_draft is not None:
                payment = sap.create_outgoing_payment(payment_draft)
                paid_now = True
        if created:
            action = Action.CREATED
        elif paid_now:
            action = Action.UPDATED
        elif link is None:
            action, message = Action.LINKED, "already in SAP (found by its Tagrain id); linked"
        else:
            action = Action.SKIPPED
        return Outcome(
            action,
            target_key=memo.key,
            message=message,
            link=LinkWrite(
                tagrain_id=refund.id,
                sap_key=memo.key,
                sap_secondary_key=payment.key if payment else None,
                sap_doc_num=str(memo.number) if memo.number is not None else None,
            ),
        )

    def original_invoice(self, refund: Refund) -> DocumentRef | None:
        """The synced invoice of the refunded sale, if it was synced and not cancelled."""
        link = self.ctx.binder.by_tagrain("sales", refund.sale_id)
        invoice = None
        if link is not None and link.sap_key.startswith(f"{INVOICE}:"):
            invoice = self.ctx.sap.document(INVOICE, int(link.sap_key.split(":", 1)[1]))
        if invoice is None:
            invoice = self.ctx.sap.find_document(INVOICE, refund.sale_id)
        return invoice if invoice is not None and not invoice.cancelled else None

    def base_of(self, refund: Refund) -> tuple[DocumentRef | None, Sale | None]:
        """The invoice and sale a credit memo is based on; (None, None) for a standalone return.

        WaitingError while the sale's invoice or payment is still to reach SAP.
        """
        try:
            sale = self.ctx.tagrain.get_sale(refund.sale_id)
        except TagrainNotFoundError:
            return None, None
        if sale.status == "voided":
            raise RecordError(
                f"refund {refund.refund_number} returns sale {sale.receipt_number}, which was "
                "voided in Tagrain: there is no invoice to credit; correct the refund in Tagrain"
            )
        invoice = self.original_invoice(refund)
        if invoice is None:
            raise WaitingError(
                f"waiting for the invoice of sale {sale.receipt_number} to reach SAP (the sales "
                "run posts it); the credit memo is based on it, retried on the next run"
            )
        self.wait_for_sale_payment(sale)
        return invoice, sale

    def wait_for_sale_payment(self, sale: Sale) -> None:
        """Hold a credit memo on an invoice whose incoming payment is still to come.

        A credit memo based on the invoice uses up the invoice's open balance,
        after which SAP refuses the sale's payment for good ("Amount applied
        exceeds the open balance"). That happens when a sale is settled after
        posting and refunded before the next sales run, or when its payment
        failed while the refund went through; so the refund waits, as a failed
        record retried on the next run, until the payment is in SAP.
        """
        if sale.status != "completed" or not any(t.amount > 0 for t in sale.tenders):
            return
        link = self.ctx.binder.by_tagrain("sales", sale.id)
        if link is not None and link.sap_secondary_key:
            return
        payment = self.ctx.sap.find_document(INCOMING_PAYMENT, sale.id)
        if payment is not None and not payment.cancelled:
            return
        raise WaitingError(
            f"waiting for the payment of sale {sale.receipt_number} to reach SAP: a credit "
            "memo posted first would use up the invoice it pays; retried on the next run"
        )

    def credit_memo_draft(self, refund: Refund) -> tuple[DocumentDraft, str | None]:
        """The credit memo and, when it cannot refer to the invoice, why."""
        if not refund.lines:
            raise RecordError(f"refund {refund.refund_number} has no lines")
        check_not_future(f"refund {refund.refund_number}: refunded_at", refund.refunded_at)
        check_money(f"refund {refund.refund_number}: total", refund.total)
        for money_line in refund.lines:
            for name in ("unit_price", "tax_amount", "line_total"):
                check_money(f"line {money_line.line_no}: {name}", getattr(money_line, name))
        rule = self.down.store_rule(refund.store_id)
        invoice, sale = self.base_of(refund)
        base_lines: dict[int, int] = {}
        message = None
        if sale is not None:
            ordered = sorted(sale.lines, key=lambda ln: ln.line_no)
            base_lines = {line.line_no: n for n, line in enumerate(ordered)}
            if refund.total > sale.total:
                raise RecordError(
                    f"refund {refund.refund_number} of {refund.total} is larger than "
                    f"its sale's total {sale.total}"
                )
        else:
            message = (
                f"standalone return: sale {refund.sale_id} is not in Tagrain (not ours to "
                "post), so the credit memo has no base invoice"
            )
        lines = []
        zero = Decimal(0)
        for line in sorted(refund.lines, key=lambda ln: ln.line_no):
            if line.quantity <= 0:
                raise RecordError(f"line {line.line_no}: quantity {line.quantity} is not positive")
            self.products.ensure_item(line.sku, line.product_id, line.line_no)
            base_line = base_lines.get(line.sale_line_no) if invoice is not None else None
            if invoice is not None and base_line is None:
                raise RecordError(
                    f"line {line.line_no} refers to sale line {line.sale_line_no}, "
                    "which the sale does not have"
                )
            lines.append(
                DocumentLineDraft(
                    item_code=line.sku,
                    description=line.sku,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    tax_code=self.down.tax_code(
                        line.product_id, line.line_total, line.tax_amount, line.line_no
                    ),
                    warehouse=rule.warehouse,
                    base_entry=invoice.entry if invoice is not None else None,
                    base_line=base_line,
                )
            )
        gross = sum((ln.line_total + ln.tax_amount for ln in refund.lines), start=zero)
        if gross != refund.total:
            raise RecordError(
                f"refund {refund.refund_number}: lines add up to {gross} "
                f"but the total is {refund.total}"
            )
        draft = DocumentDraft(
            card_code=self.customers.card_code_for(refund.customer_id),
            doc_date=self.down.local_date(refund.store_id, refund.refunded_at),
            num_at_card=refund.refund_number,
            tagrain_id=refund.id,
            currency=refund.currency,
            lines=tuple(lines),
            comments=f"Tagrain refund {refund.refund_number} of sale {refund.sale_id}"
            + ("" if invoice is not None else " (standalone return: sale not in Tagrain)"),
            branch=rule.branch or self.ctx.rules.branch,
        )
        return draft, message
