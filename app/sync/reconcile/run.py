"""Running a reconciliation for a template: read both systems, compare, report.

SAP's postings are read on a worker while Tagrain's records stream in, so a
day costs about the longer of the two listings, not their sum.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from app.connectors.sapb1.records import SapPosting
from app.connectors.tagrain.errors import TagrainNotFoundError
from app.connectors.tagrain.records import Store
from app.store import Database
from app.sync.binder import Binding
from app.sync.context import SyncContext
from app.sync.mapping.money import local_date
from app.sync.reconcile import reasons
from app.sync.reconcile.compare import compare
from app.sync.reconcile.model import Reconciliation
from app.sync.reconcile.reading import sap_postings, till_records


class UnknownStoreError(LookupError):
    """A store named on the command line or in the form that Tagrain does not have."""


class ContextLookups:
    """The comparison's look-ups beyond the range, through a sync context."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self._zones: dict[str, str] = {}

    def elsewhere(self, kind: str, tagrain_ids: list[str]) -> list[SapPosting]:
        """Postings carrying these ids, whatever their date (20 ids a request)."""
        return list(self.ctx.sap.postings_of(kind, tagrain_ids)) if tagrain_ids else []

    def tagrain_day(self, object_name: str, tagrain_id: str) -> tuple[str, date] | None:
        """A record's store and local day (one GET, only for a stray SAP posting)."""
        tagrain = self.ctx.tagrain
        try:
            if object_name == "sales":
                sale = tagrain.get_sale(tagrain_id)
                store_id, moment = sale.store_id, sale.sold_at
            elif object_name == "refunds":
                refund = tagrain.get_refund(tagrain_id)
                store_id, moment = refund.store_id, refund.refunded_at
            else:
                expense = tagrain.get_expense(tagrain_id)
                store_id, moment = expense.store_id, expense.paid_at
        except TagrainNotFoundError:
            return None
        if store_id not in self._zones:
            self._zones[store_id] = tagrain.get_store(store_id).timezone
        return store_id, local_date(moment, self._zones[store_id])

    def reasons(self, object_name: str, ids: list[str]) -> dict[str, str]:
        """Why each record is not posted (pending retries, record log)."""
        return reasons.reasons(self.ctx.database, self.ctx.rules.id, object_name, ids)

    def links(self, object_name: str, ids: list[str]) -> dict[str, Binding]:
        """The hub's links of these records."""
        return self.ctx.binder.links_of(object_name, ids)


def select_stores(all_stores: list[Store], wanted: Collection[str] | None) -> dict[str, Store]:
    """The stores named by code or id (all when none); UnknownStoreError for a stranger."""
    if not wanted:
        return {s.id: s for s in all_stores}
    chosen: dict[str, Store] = {}
    for name in wanted:
        store = next((s for s in all_stores if name in (s.code, s.id)), None)
        if store is None:
            codes = ", ".join(sorted(s.code for s in all_stores)) or "none"
            raise UnknownStoreError(f"Tagrain has no store {name!r} (stores: {codes})")
        chosen[store.id] = store
    return chosen


def reconcile_context(
    ctx: SyncContext,
    first_day: date,
    last_day: date,
    stores: Collection[str] | None = None,
) -> Reconciliation:
    """Reconcile a range on an open sync context (ValueError when the range is upside down)."""
    if last_day < first_day:
        raise ValueError(f"the range ends ({last_day}) before it starts ({first_day})")
    chosen = select_stores(ctx.tagrain.list_stores(), stores)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reconcile-sap") as pool:
        reading = pool.submit(sap_postings, ctx.sap, first_day, last_day)
        records = list(till_records(ctx.tagrain, ctx.rules, chosen, first_day, last_day))
        postings = reading.result()
    days = compare(ctx.rules, chosen, first_day, last_day, ContextLookups(ctx), records, postings)
    return Reconciliation(ctx.rules.name, first_day, last_day, days)


def reconcile(
    database: Database,
    template_id: int,
    first_day: date,
    last_day: date,
    stores: Collection[str] | None = None,
) -> Reconciliation:
    """Reconcile a template's stores over a range of business days, reading both systems live."""
    ctx = SyncContext(database, template_id)
    try:
        return reconcile_context(ctx, first_day, last_day, stores)
    finally:
        ctx.close()
