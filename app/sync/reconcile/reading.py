"""Reading both systems for a date range, in pages, into compact records.

Tagrain lists by ``updated_since`` only, so its sales, refunds and expenses
are streamed from the first local midnight of the range (a record is never
updated before it happened) and kept when their store's local day is in the
range. SAP is read one filtered, ``$select``ed listing per kind of posting,
the five kinds at once on the client's session pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.connectors.sapb1.company import SapCompany
from app.connectors.sapb1.records import DOCUMENT_KINDS, SapPosting
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.records import Expense, Refund, Sale, Store
from app.sync.context import TemplateRules
from app.sync.mapping.money import local_date
from app.sync.reconcile.means import tender_key

PAGE = 500


@dataclass(frozen=True)
class TillRecord:
    """A Tagrain sale, refund or expense as reconciliation needs it.

    ``object`` is the sync object (``sales``, ``refunds``, ``expenses``);
    ``tenders`` the amounts per payment means key (``means.tender_key``).
    """

    object: str
    id: str
    number: str
    store_id: str
    day: date
    status: str
    total: Decimal
    tax: Decimal = Decimal(0)
    tenders: tuple[tuple[str, Decimal], ...] = ()
    sale_id: str | None = None
    category: str | None = None

    @property
    def paid(self) -> dict[str, Decimal]:
        """The tenders summed per payment means key (zero amounts left out)."""
        paid: dict[str, Decimal] = {}
        for key, amount in self.tenders:
            if amount:
                paid[key] = paid.get(key, Decimal(0)) + amount
        return paid


def range_start(stores: Iterable[Store], first_day: date) -> datetime:
    """The earliest local midnight of ``first_day`` among the stores, in UTC."""
    starts = [
        datetime.combine(first_day, time(0), tzinfo=ZoneInfo(s.timezone)).astimezone(UTC)
        for s in stores
    ]
    return min(starts, default=datetime.combine(first_day, time(0), tzinfo=UTC))


def till_records(
    tagrain: TagrainClient,
    rules: TemplateRules,
    stores: dict[str, Store],
    first_day: date,
    last_day: date,
) -> Iterator[TillRecord]:
    """The sales, refunds and expenses of the stores whose local day is in the range."""
    since = range_start(stores.values(), first_day)

    def in_range(store_id: str, moment: datetime) -> date | None:
        store = stores.get(store_id)
        if store is None:
            return None
        day = local_date(moment, store.timezone)
        return day if first_day <= day <= last_day else None

    for page in tagrain.iter_pages("sales", Sale.from_json, updated_since=since, limit=PAGE):
        for sale in page:
            day = in_range(sale.store_id, sale.sold_at)
            if day is not None:
                yield _sale(sale, day, rules)
    for refunds in tagrain.iter_pages("refunds", Refund.from_json, updated_since=since, limit=PAGE):
        for refund in refunds:
            day = in_range(refund.store_id, refund.refunded_at)
            if day is not None:
                yield _refund(refund, day, rules)
    for expenses in tagrain.iter_pages(
        "expenses", Expense.from_json, updated_since=since, limit=PAGE
    ):
        for expense in expenses:
            day = in_range(expense.store_id, expense.paid_at)
            if day is not None:
                yield TillRecord(
                    "expenses",
                    expense.id,
                    f"{expense.category} {expense.id}",
                    expense.store_id,
                    day,
                    "completed",
                    expense.amount,
                    category=expense.category,
                )


def _sale(sale: Sale, day: date, rules: TemplateRules) -> TillRecord:
    return TillRecord(
        "sales",
        sale.id,
        sale.receipt_number,
        sale.store_id,
        day,
        sale.status,
        sale.total,
        sale.tax_total,
        tuple((tender_key(rules, t.type, sale.store_id), t.amount) for t in sale.tenders),
    )


def _refund(refund: Refund, day: date, rules: TemplateRules) -> TillRecord:
    return TillRecord(
        "refunds",
        refund.id,
        refund.refund_number,
        refund.store_id,
        day,
        refund.status,
        refund.total,
        sum((ln.tax_amount for ln in refund.lines), Decimal(0)),
        tuple((tender_key(rules, t.type, refund.store_id), t.amount) for t in refund.tenders),
        sale_id=refund.sale_id,
    )


def sap_postings(sap: SapCompany, first_day: date, last_day: date) -> dict[str, list[SapPosting]]:
    """Every posting with a Tagrain id dated in the range, per kind, read page by page."""

    def read(kind: str) -> list[SapPosting]:
        found: list[SapPosting] = []
        for page in sap.postings(kind, first_day, last_day, page_size=PAGE):
            found.extend(page)
        return found

    return dict(zip(DOCUMENT_KINDS, _parallel(read, DOCUMENT_KINDS), strict=True))


def _parallel(work: Callable[[str], list[SapPosting]], kinds: tuple[str, ...]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(kinds), thread_name_prefix="reconcile") as pool:
        return list(pool.map(work, kinds))
