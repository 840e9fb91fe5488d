"""Sales: every Tagrain receipt becomes an A/R invoice (+ an incoming payment when paid).

- Paid sale: invoice + incoming payment split by the tender mapping.
- On-account sale: invoice only; when it is paid later its ``updated_at`` moves
  and the next run adds the payment.
- Walk-in sale (no customer): the template's default cash customer.
- Sale voided after it was posted: the payment and the invoice are cancelled;
  after a refund, what is left is credited instead (``voids``).

Exactly once: the invoice and payment carry the sale id in ``U_TG_ID`` (and the
receipt number in ``NumAtCard``); a sale without a link is looked up by that
field before anything is posted, so a crash between "posted" and "recorded"
links the posted invoice instead of posting it twice.

The drafts come from ``app.sync.mapping.sales`` (the money rule is there);
this job resolves what they need and writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from app.connectors.sapb1.records import (
    INCOMING_PAYMENT,
    INVOICE,
    DocumentDraft,
    DocumentRef,
    PaymentDraft,
)
from app.connectors.tagrain.records import Sale
from app.sync.context import SyncContext
from app.sync.jobs.common_down import (
    DownContext,
    Malformed,
    TagrainSourceJob,
    tolerant,
)
from app.sync.jobs.customers_down import CustomerResolver
from app.sync.jobs.look_ahead import LookAhead, RecentlyListed
from app.sync.jobs.posting import waiting_on_sap
from app.sync.jobs.products_down import ProductResolver
from app.sync.jobs.voids import SaleVoids
from app.sync.mapping.sales import SaleDependencies, check_sale, map_sale, map_sale_payment
from app.sync.records import Action, LinkWrite, Outcome

LOOKUP_BATCHES = (20, 60)
"""Sales per batch of look-ups: a small first batch so posting starts soon, then bigger ones
(fewer requests per sale; ``SapCompany.find_documents`` asks for up to 60 ids at once)."""
BATCHES_AHEAD = 2
"""Batches read and looked up beyond the one being posted (16 sessions post 60 in about 2 s)."""
MANY_SESSIONS = 8
"""From this many SAP sessions two batches are looked up at once: one at a time falls behind
16 sessions posting (0.90 of the ideal against 0.92), and below it one keeps the first second
of a Sync Now quieter for the client's GUI thread."""
RECENTLY_LISTED = 5000
"""Sale ids remembered to tell a sale listed twice: far more than a run holds unsettled
(a few per session, and the batches ahead), and flat over a run of 100,000 sales."""
LOOKUPS_AT_ONCE = 4
"""Look-ups of a batch made at the same time (items, tax codes, links, invoices). At least
3: the item and tax look-ups each wait on the pool for their own requests."""


class SalesJob(TagrainSourceJob[Sale]):
    """Tagrain sales → A/R invoices and incoming payments."""

    object_name = "sales"

    def __init__(self, ctx: SyncContext, down: DownContext | None = None) -> None:
        super().__init__(ctx, down)
        self.customers = CustomerResolver(self.down)
        self.products = ProductResolver(self.down)
        self.voids = SaleVoids(self.down)

    def list_records(self, since: datetime | None) -> Iterator[Sale | Malformed]:
        return self.ctx.tagrain.iter_records("sales", tolerant(Sale.from_json), updated_since=since)

    def get_record(self, record_id: str) -> Sale:
        return self.ctx.tagrain.get_sale(record_id)

    def records(self, since: datetime | None) -> Iterator[Sale | Malformed]:
        """The sales in batches, each batch's look-ups made while the ones before it post.

        A sale listed a second time in the run (a page repeating it, a sale changed
        while paging) is not looked up ahead: what SAP holds for it may change
        until its first copy is applied, so it is looked up when it is applied.
        """
        listed = RecentlyListed(RECENTLY_LISTED)

        def fresh(batch: list[Sale | Malformed]) -> list[Sale]:
            sales = [s for s in batch if isinstance(s, Sale)]
            chosen = [s for s in sales if s.id not in listed]
            for sale in sales:
                listed.add(sale.id)
            return chosen

        return iter(
            LookAhead(
                self.list_records(since),
                self._prefetch,
                choose=fresh,
                sizes=LOOKUP_BATCHES,
                ahead=BATCHES_AHEAD,
                name="sales",
                at_once=2 if self.ctx.rules.sap_sessions >= MANY_SESSIONS else 1,
            )
        )

    def _prefetch(self, sales: list[Sale]) -> None:
        """Look up a batch's links, invoices and items in a few requests instead of one per sale."""
        if not sales:
            return
        with ThreadPoolExecutor(LOOKUPS_AT_ONCE, thread_name_prefix="sales-ahead") as side:
            side_lookups = [
                side.submit(
                    self.down.prefetch_items,
                    [line.sku for sale in sales for line in sale.lines],
                    side,
                ),
                side.submit(
                    self.down.prefetch_taxes,
                    [(line.product_id, line.tax_amount) for sale in sales for line in sale.lines],
                    side,
                ),
            ]
            binder = self.ctx.binder
            binder.prime("sales", [s.id for s in sales])
            binder.prime("customers", [s.customer_id for s in sales if s.customer_id], own=False)
            unlinked = [s.id for s in sales if binder.by_tagrain("sales", s.id) is None]
            if unlinked:
                found = self.ctx.sap.find_documents(INVOICE, unlinked)
                for sale_id in unlinked:
                    self.down.cache.put("invoice", sale_id, found.get(sale_id))
            for lookup in side_lookups:
                lookup.result()

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
            with waiting_on_sap(draft.doc_date, [(x.item_code, x.warehouse) for x in draft.lines]):
                invoice = sap.create_invoice(draft)
            created = True
        paid_now = False
        if sale.status == "completed" and (payment is None or payment.cancelled):
            draft_payment = self.payment_draft(sale, invoice)
            if draft_payment is not None:
                with waiting_on_sap(draft_payment.doc_date):
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
        return self.voids.void(
            sale, invoice, payment, self.customers.card_code_for(sale.customer_id)
        )

    def dependencies(self, sale: Sale) -> SaleDependencies:
        """Resolve what the invoice needs: the store, the customer, the items and tax codes.

        Creates the customer and any variant or gift-card item SAP does not have yet.
        """
        rule = self.down.store_rule(sale.store_id)
        card_code = self.customers.card_code_for(sale.customer_id)
        for line in sorted(sale.lines, key=lambda ln: ln.line_no):
            self.products.ensure_item(line.sku, line.product_id, line.line_no)
        return SaleDependencies(
            card_code=card_code,
            store_code=self.down.store(sale.store_id).code,
            warehouse=rule.warehouse,
            branch=rule.branch,
            timezone=self.down.store(sale.store_id).timezone,
            taxes=self.down.tax_table((ln.product_id, ln.tax_amount) for ln in sale.lines),
            now=datetime.now(UTC),
            tracking={ln.sku: self.down.item_tracking(ln.sku) for ln in sale.lines},
        )

    def invoice_draft(self, sale: Sale) -> DocumentDraft:
        """The A/R invoice of a receipt; RecordError names what is wrong with it."""
        check_sale(sale, datetime.now(UTC))
        return map_sale(sale, self.dependencies(sale), self.ctx.rules)

    def payment_draft(self, sale: Sale, invoice: DocumentRef) -> PaymentDraft | None:
        """The incoming payment of a paid receipt (None when nothing was tendered)."""
        card_code = self.customers.card_code_for(sale.customer_id)
        deps = self.down.payment_dependencies(card_code, sale.store_id)
        return map_sale_payment(sale, deps, self.ctx.rules, invoice)
