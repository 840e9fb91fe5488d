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
from datetime import UTC, datetime

from app.connectors.sapb1.records import (
    CREDIT_MEMO,
    INCOMING_PAYMENT,
    INVOICE,
    OUTGOING_PAYMENT,
    DocumentDraft,
    DocumentRef,
    PaymentDraft,
)
from app.connectors.tagrain.errors import TagrainNotFoundError
from app.connectors.tagrain.records import Refund, Sale
from app.sync.context import SyncContext
from app.sync.jobs.common_down import (
    DownContext,
    Malformed,
    TagrainSourceJob,
    tolerant,
)
from app.sync.jobs.customers_down import CustomerResolver
from app.sync.jobs.posting import waiting_on_sap
from app.sync.jobs.products_down import ProductResolver
from app.sync.mapping.refunds import (
    RefundDependencies,
    base_lines,
    check_refund,
    map_refund,
    map_refund_payment,
)
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
            with waiting_on_sap(draft.doc_date, [(x.item_code, x.warehouse) for x in draft.lines]):
                memo = sap.create_credit_memo(draft)
            created = True
        paid_now = False
        if refund.status == "completed" and (payment is None or payment.cancelled):
            payment_draft = self.payment_draft(refund, memo)
            if payment_draft is not None:
                with waiting_on_sap(payment_draft.doc_date):
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

    def dependencies(self, refund: Refund) -> RefundDependencies:
        """Resolve what the credit memo needs: the store, the base invoice, items, tax codes.

        WaitingError while the base invoice (or its payment) is still to reach
        SAP; creates any missing variant or gift-card item and the customer.
        """
        rule = self.down.store_rule(refund.store_id)
        invoice, sale = self.base_of(refund)
        base_lines(refund, sale)
        for line in sorted(refund.lines, key=lambda ln: ln.line_no):
            self.products.ensure_item(line.sku, line.product_id, line.line_no)
        return RefundDependencies(
            card_code=self.customers.card_code_for(refund.customer_id),
            warehouse=rule.warehouse,
            branch=rule.branch,
            timezone=self.down.store(refund.store_id).timezone,
            taxes=self.down.tax_table((ln.product_id, ln.tax_amount) for ln in refund.lines),
            invoice=invoice,
            sale=sale,
            now=datetime.now(UTC),
            tracking={ln.sku: self.down.item_tracking(ln.sku) for ln in refund.lines},
        )

    def credit_memo_draft(self, refund: Refund) -> tuple[DocumentDraft, str | None]:
        """The credit memo and, when it cannot refer to the invoice, why."""
        check_refund(refund, datetime.now(UTC))
        return map_refund(refund, self.dependencies(refund), self.ctx.rules)

    def payment_draft(self, refund: Refund, memo: DocumentRef) -> PaymentDraft | None:
        """The outgoing payment of the money that left the till (None when nothing did)."""
        card_code = self.customers.card_code_for(refund.customer_id)
        deps = self.down.payment_dependencies(card_code, refund.store_id)
        return map_refund_payment(refund, deps, self.ctx.rules, memo)
