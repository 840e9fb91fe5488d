"""Comparing Tagrain's records with SAP's postings: the figures and the records behind them.

Each Tagrain record of the range adds to its store's day on Tagrain's side;
each SAP posting carrying a Tagrain id adds to SAP's side of the day it is
dated (attributed to the store of the record it carries, or for a stray
document to the store its warehouse, cash account or branch belongs to).
Then every record is checked on its own, so each difference comes with the
records behind it: not posted (and why), posted twice, a total that differs,
a payment missing, cancelled or on another means, a credit memo without its
base, a document Tagrain does not know, a posting the hub has no link for.

A sale voided in Tagrain counts on neither side: SAP's cancellation (or the
credit of what was left) is the sync's business, and voided sales' postings
carry ``<id>`` or ``<id>:void``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from app.connectors.sapb1.records import (
    CREDIT_MEMO,
    INCOMING_PAYMENT,
    INVOICE,
    JOURNAL_ENTRY,
    OUTGOING_PAYMENT,
    SapPosting,
)
from app.connectors.tagrain.records import Store
from app.sync.binder import Binding
from app.sync.context import TemplateRules
from app.sync.reconcile import means as m
from app.sync.reconcile.model import RECORDS, DayReport, Finding
from app.sync.reconcile.reading import TillRecord

VOID_SUFFIX = ":void"
DOCUMENT_OF = {"sales": INVOICE, "refunds": CREDIT_MEMO, "expenses": JOURNAL_ENTRY}
PAYMENT_OF = {"sales": INCOMING_PAYMENT, "refunds": OUTGOING_PAYMENT}
OBJECT_OF = {
    INVOICE: "sales",
    INCOMING_PAYMENT: "sales",
    CREDIT_MEMO: "refunds",
    OUTGOING_PAYMENT: "refunds",
    JOURNAL_ENTRY: "expenses",
}
LABEL = {
    INVOICE: "A/R invoice",
    CREDIT_MEMO: "A/R credit memo",
    INCOMING_PAYMENT: "incoming payment",
    OUTGOING_PAYMENT: "outgoing payment",
    JOURNAL_ENTRY: "journal entry",
}


class Lookups(Protocol):
    """What the comparison asks beyond the range it was given (only for exceptions)."""

    def elsewhere(self, kind: str, tagrain_ids: list[str]) -> list[SapPosting]:
        """Postings carrying these ids, whatever their date."""

    def tagrain_day(self, object_name: str, tagrain_id: str) -> tuple[str, date] | None:
        """The store and local day of a Tagrain record (None: Tagrain does not know it)."""

    def reasons(self, object_name: str, ids: list[str]) -> dict[str, str]:
        """Why each record is not posted, from the record log."""

    def links(self, object_name: str, ids: list[str]) -> dict[str, Binding]:
        """The hub's links of these records."""


@dataclass
class _Missing:
    record: TillRecord
    figures: frozenset[str]


class Comparison:
    """Builds the day reports of one range for the selected stores."""

    def __init__(
        self,
        rules: TemplateRules,
        stores: dict[str, Store],
        first_day: date,
        last_day: date,
        lookups: Lookups,
    ) -> None:
        self.rules = rules
        self.stores = stores
        self.first_day = first_day
        self.last_day = last_day
        self.lookups = lookups
        self.days: dict[tuple[str, date], DayReport] = {}
        self._unbased: list[tuple[TillRecord, SapPosting]] = []
        self._linked: list[tuple[TillRecord, SapPosting]] = []
        self._unpaid: list[tuple[TillRecord, frozenset[str]]] = []
        for store in sorted(stores.values(), key=lambda s: s.code):
            day = first_day
            while day <= last_day:
                self.day(store.id, day)
                day += timedelta(days=1)

    def day(self, store_id: str, day: date) -> DayReport:
        """The report of a store's day (created on first use)."""
        key = (store_id, day)
        found = self.days.get(key)
        if found is None:
            store = self.stores.get(store_id)
            code = store.code if store else "(no store)"
            found = self.days[key] = DayReport(store_id, code, day)
            found.row(RECORDS)
        return found

    def add(self, finding: Finding) -> None:
        """Attach a finding to its day's rows (and to the Records row)."""
        report = self.day(finding.store_id, finding.day)
        for figure in finding.figures | {RECORDS}:
            report.row(figure).findings.append(finding)

    # --- the figures --------------------------------------------------------------

    def count_till(self, record: TillRecord) -> None:
        """Add a Tagrain record to Tagrain's side of its day."""
        report = self.day(record.store_id, record.day)
        report.row(RECORDS).tagrain += 1
        if record.object == "expenses":
            report.row(m.expense_figure(self.rules, record.category or "")).tagrain += record.total
            return
        sale = record.object == "sales"
        count, total = (
            (m.SALES_COUNT, m.SALES_TOTAL) if sale else (m.REFUNDS_COUNT, m.REFUNDS_TOTAL)
        )
        report.row(count).tagrain += 1
        report.row(total).tagrain += record.total
        if sale:
            report.row(m.SALES_TAX).tagrain += record.tax
        if record.status == "completed":
            direction = m.PAYMENTS_IN if sale else m.PAYMENTS_OUT
            for key, amount in record.paid.items():
                report.row(m.payment_figure(direction, key)).tagrain += amount

    def count_sap(self, posting: SapPosting, store_id: str) -> None:
        """Add an SAP posting to SAP's side of the day it is dated."""
        report = self.day(store_id, posting.day)
        if posting.kind == JOURNAL_ENTRY:
            report.row(RECORDS).sap += 1 if posting.live else -1
            figure = m.expense_account_figure(self.rules, _first_account(posting))
            report.row(figure).sap += posting.amount
            return
        if not posting.live:
            return
        if posting.kind in (INVOICE, CREDIT_MEMO):
            report.row(RECORDS).sap += 1
            sale = posting.kind == INVOICE
            count = m.SALES_COUNT if sale else m.REFUNDS_COUNT
            report.row(count).sap += 1
            report.row(m.SALES_TOTAL if sale else m.REFUNDS_TOTAL).sap += posting.amount
            if sale:
                report.row(m.SALES_TAX).sap += posting.tax
            return
        direction = m.PAYMENTS_IN if posting.kind == INCOMING_PAYMENT else m.PAYMENTS_OUT
        for paid in posting.paid_by:
            report.row(m.payment_figure(direction, m.paid_key(paid))).sap += paid.amount

    def figures_of(self, posting: SapPosting) -> frozenset[str]:
        """The rows a posting adds to."""
        if posting.kind == JOURNAL_ENTRY:
            return frozenset({m.expense_account_figure(self.rules, _first_account(posting))})
        if posting.kind == INVOICE:
            return frozenset({m.SALES_COUNT, m.SALES_TOTAL, m.SALES_TAX})
        if posting.kind == CREDIT_MEMO:
            return frozenset({m.REFUNDS_COUNT, m.REFUNDS_TOTAL})
        direction = m.PAYMENTS_IN if posting.kind == INCOMING_PAYMENT else m.PAYMENTS_OUT
        return frozenset(m.payment_figure(direction, m.paid_key(p)) for p in posting.paid_by)

    def figures_of_record(self, record: TillRecord) -> frozenset[str]:
        """The rows a Tagrain record adds to."""
        if record.object == "expenses":
            return frozenset({m.expense_figure(self.rules, record.category or "")})
        if record.object == "sales":
            docs = {m.SALES_COUNT, m.SALES_TOTAL, m.SALES_TAX}
        else:
            docs = {m.REFUNDS_COUNT, m.REFUNDS_TOTAL}
        return frozenset(docs) | self.payment_figures(record)

    def payment_figures(self, record: TillRecord) -> frozenset[str]:
        """The payment rows a record's tenders add to."""
        if record.status != "completed":
            return frozenset()
        direction = m.PAYMENTS_IN if record.object == "sales" else m.PAYMENTS_OUT
        return frozenset(m.payment_figure(direction, k) for k in record.paid)

    def store_of(self, posting: SapPosting) -> str:
        """The store a stray posting belongs to: by warehouse, cash account, then branch."""
        accounts = {p.account for p in posting.paid_by if p.means == "cash"}
        accounts |= {a for a, amount in posting.accounts if amount < 0}
        for rule in self.rules.stores.values():
            if posting.warehouse and rule.warehouse == posting.warehouse:
                return rule.store_id
            if rule.cash_account and rule.cash_account in accounts:
                return rule.store_id
        branches = [r.store_id for r in self.rules.stores.values() if r.branch == posting.branch]
        if posting.branch is not None and len(branches) == 1:
            return branches[0]
        return ""

    # --- the whole comparison -----------------------------------------------------

    def run(self, records: Iterable[TillRecord], postings: dict[str, list[SapPosting]]) -> None:
        """Compare the range's Tagrain records with its SAP postings."""
        known: dict[str, TillRecord] = {}
        voided: set[str] = set()
        for record in records:
            if record.store_id not in self.stores:
                continue
            if record.object == "sales" and record.status == "voided":
                voided.add(record.id)
                continue
            known[record.id] = record
            self.count_till(record)
        index: dict[tuple[str, str], list[SapPosting]] = defaultdict(list)
        strays: list[SapPosting] = []
        for kind, listed in postings.items():
            for posting in listed:
                base = posting.tagrain_id.removesuffix(VOID_SUFFIX)
                if base in voided:
                    continue
                owner = known.get(posting.tagrain_id)
                if owner is not None and OBJECT_OF[kind] == owner.object:
                    self.count_sap(posting, owner.store_id)
                    if posting.day == owner.day:
                        index[(kind, owner.id)].append(posting)
                    elif posting.live:
                        self.add(self.misdated(posting, owner.store_id, owner.day))
                    continue
                if posting.live or posting.kind == JOURNAL_ENTRY:
                    strays.append(posting)
        missing: dict[str, list[_Missing]] = defaultdict(list)
        for record in known.values():
            self.check(record, index, missing)
        self.explain_missing(missing)
        self.explain_strays(strays, voided)

    @property
    def _filtered(self) -> bool:
        return set(self.stores) != set(self.rules.stores) and bool(self.rules.stores)

    def check(
        self,
        record: TillRecord,
        index: dict[tuple[str, str], list[SapPosting]],
        missing: dict[str, list[_Missing]],
    ) -> None:
        """Check one record's postings; what is missing is explained later, in bulk."""
        kind = DOCUMENT_OF[record.object]
        posted = index.get((kind, record.id), [])
        if kind == JOURNAL_ENTRY:
            live = [p for p in posted if p.live]
            effective = len(live) - (len(posted) - len(live))
        else:
            live = [p for p in posted if p.live]
            effective = len(live)
        doc_figures = self.figures_of_record(record) - self.payment_figures(record)
        if effective <= 0:
            missing[record.object].append(_Missing(record, self.figures_of_record(record)))
            return
        if effective > 1:
            self.found(
                record,
                "posted_twice",
                f"{LABEL[kind]} posted {effective} times: {', '.join(p.key for p in live)}",
                live,
                doc_figures,
                sap_amount=sum((p.amount for p in posted), Decimal(0)),
            )
        else:
            document = live[0]
            amount = sum((p.amount for p in posted), Decimal(0))
            if amount != record.total:
                self.found(
                    record,
                    "total_differs",
                    f"{LABEL[kind]} {document.key} totals {amount}, Tagrain {record.total} "
                    f"(by {amount - record.total:+})",
                    [document],
                    doc_figures,
                    sap_amount=amount,
                )
            elif record.object == "sales" and document.tax != record.tax:
                self.found(
                    record,
                    "tax_differs",
                    f"{LABEL[kind]} {document.key} has tax {document.tax}, Tagrain {record.tax}",
                    [document],
                    frozenset({m.SALES_TAX}),
                    sap_amount=document.tax,
                )
            if record.object == "refunds" and not document.based_on:
                self._unbased.append((record, document))
            self._linked.append((record, document))
        if record.object in PAYMENT_OF:
            self.check_payment(record, index.get((PAYMENT_OF[record.object], record.id), []))

    def check_payment(self, record: TillRecord, payments: list[SapPosting]) -> None:
        """A paid record's payment: there once, on the means its tenders map to."""
        expected = record.paid
        if record.status != "completed" or not expected:
            return
        kind = PAYMENT_OF[record.object]
        figures = self.payment_figures(record)
        live = [p for p in payments if p.live]
        if not live:
            cancelled = [p for p in payments if not p.live]
            if cancelled:
                text = ", ".join(p.key for p in cancelled)
                self.found(
                    record,
                    "payment_cancelled",
                    f"{LABEL[kind]} {text} was cancelled in SAP",
                    cancelled,
                    figures,
                    sap_amount=Decimal(0),
                )
            else:
                self._unpaid.append((record, figures))
            return
        if len(live) > 1:
            self.found(
                record,
                "payment_twice",
                f"{LABEL[kind]} posted {len(live)} times: {', '.join(p.key for p in live)}",
                live,
                figures,
                sap_amount=sum((p.amount for p in live), Decimal(0)),
            )
            return
        got: dict[str, Decimal] = {}
        for paid in live[0].paid_by:
            key = m.paid_key(paid)
            got[key] = got.get(key, Decimal(0)) + paid.amount
        if got != expected:
            self.found(
                record,
                "wrong_means",
                f"{LABEL[kind]} {live[0].key} is on {_means(got)}; Tagrain's tenders map to "
                f"{_means(expected)}",
                live,
                figures | self.figures_of(live[0]),
                sap_amount=live[0].amount,
            )

    def found(
        self,
        record: TillRecord,
        kind: str,
        detail: str,
        postings: list[SapPosting],
        figures: frozenset[str],
        *,
        sap_amount: Decimal | None = None,
    ) -> None:
        """A finding about a Tagrain record, on the record's store and day."""
        self.add(
            Finding(
                record.store_id,
                record.day,
                kind,
                f"{_noun(record)} {record.number}",
                detail,
                tuple(p.key for p in postings),
                record.total if kind not in ("tax_differs",) else record.tax,
                sap_amount,
                figures,
            )
        )

    def explain_missing(self, missing: dict[str, list[_Missing]]) -> None:
        """Missing postings: posted on another day, else why not (the record log)."""
        for object_name, items in missing.items():
            kind = DOCUMENT_OF[object_name]
            ids = [item.record.id for item in items]
            elsewhere: dict[str, list[SapPosting]] = defaultdict(list)
            for posting in self.lookups.elsewhere(kind, ids):
                if posting.live:
                    elsewhere[posting.tagrain_id].append(posting)
            why = self.lookups.reasons(object_name, [i for i in ids if i not in elsewhere])
            for item in items:
                other = elsewhere.get(item.record.id)
                if other:
                    days = ", ".join(f"{p.key} dated {p.day}" for p in other)
                    self.found(
                        item.record,
                        "other_day",
                        f"posted on another day: {days}",
                        other,
                        item.figures,
                    )
                else:
                    self.found(
                        item.record,
                        "not_posted",
                        why[item.record.id],
                        [],
                        item.figures,
                        sap_amount=Decimal(0),
                    )

    def explain_unpaid(self) -> None:
        """Paid records whose payment SAP lacks: why, from the record log."""
        by_object: dict[str, list[tuple[TillRecord, frozenset[str]]]] = defaultdict(list)
        for record, figures in self._unpaid:
            by_object[record.object].append((record, figures))
        for object_name, items in by_object.items():
            why = self.lookups.reasons(object_name, [r.id for r, _ in items])
            for record, figures in items:
                self.found(
                    record,
                    "payment_missing",
                    f"no {LABEL[PAYMENT_OF[object_name]]} in SAP: {why[record.id]}",
                    [],
                    figures,
                    sap_amount=Decimal(0),
                )

    def explain_unbased(self) -> None:
        """Credit memos without a base invoice although the refunded sale's invoice is in SAP."""
        if not self._unbased:
            return
        sale_ids = sorted({r.sale_id for r, _ in self._unbased if r.sale_id})
        invoiced = {p.tagrain_id for p in self.lookups.elsewhere(INVOICE, sale_ids) if p.live}
        for record, memo in self._unbased:
            if record.sale_id in invoiced:
                self.found(
                    record,
                    "no_base",
                    f"{LABEL[CREDIT_MEMO]} {memo.key} is not based on the invoice of sale "
                    f"{record.sale_id}, which SAP has",
                    [memo],
                    frozenset({m.REFUNDS_COUNT, m.REFUNDS_TOTAL}),
                    sap_amount=memo.amount,
                )

    def explain_links(self) -> None:
        """Postings the hub has no link for, or links to another document."""
        by_object: dict[str, list[tuple[TillRecord, SapPosting]]] = defaultdict(list)
        for record, document in self._linked:
            by_object[record.object].append((record, document))
        for object_name, items in by_object.items():
            held = self.lookups.links(object_name, [r.id for r, _ in items])
            for record, document in items:
                link = held.get(record.id)
                if link is None:
                    self.found(
                        record,
                        "not_linked",
                        f"{LABEL[document.kind]} {document.key} carries the record's id but the "
                        "hub has no link for it",
                        [document],
                        frozenset(),
                    )
                elif link.sap_key != document.key:
                    self.found(
                        record,
                        "link_differs",
                        f"the hub links it to {link.sap_key}, SAP's posting is {document.key}",
                        [document],
                        frozenset(),
                    )

    def explain_strays(self, strays: list[SapPosting], voided: set[str]) -> None:
        """SAP postings whose Tagrain id is no record of the range: unknown, or another day's.

        A posting of a record Tagrain knows counts on that record's store (when
        it is one of the stores reconciled); one Tagrain does not know on the
        store its warehouse, cash account or branch belongs to. What a void
        posted (``<sale id>:void``) is the sync's business and counts nowhere.
        """
        for posting in strays:
            object_name = OBJECT_OF[posting.kind]
            base = posting.tagrain_id.removesuffix(VOID_SUFFIX)
            is_void = base != posting.tagrain_id
            origin = self.lookups.tagrain_day("sales" if is_void else object_name, base)
            figures = self.figures_of(posting)
            if origin is None:
                store_id = self.store_of(posting)
                if store_id not in self.stores and (store_id or self._filtered):
                    continue
                detail = (
                    f"{LABEL[posting.kind]} {posting.key} carries Tagrain id {posting.tagrain_id}, "
                    f"which Tagrain does not know"
                )
            else:
                store_id, origin_day = origin
                if is_void or base in voided or store_id not in self.stores:
                    continue
                self.count_sap(posting, store_id)
                if posting.live:
                    self.add(self.misdated(posting, store_id, origin_day))
                continue
            self.count_sap(posting, store_id)
            if posting.live:
                self.add(
                    Finding(
                        store_id,
                        posting.day,
                        "unknown_to_tagrain",
                        posting.tagrain_id,
                        detail,
                        (posting.key,),
                        None,
                        posting.amount,
                        figures,
                    )
                )

    def misdated(self, posting: SapPosting, store_id: str, origin_day: date) -> Finding:
        """A posting dated on another day than its Tagrain record's, on the posting's day."""
        return Finding(
            store_id,
            posting.day,
            "other_day",
            posting.tagrain_id,
            f"{LABEL[posting.kind]} {posting.key} is dated {posting.day}; Tagrain's record "
            f"is of {origin_day}",
            (posting.key,),
            None,
            posting.amount,
            self.figures_of(posting),
        )

    def reports(self) -> list[DayReport]:
        """The day reports, store by store and day by day, rows in a fixed order."""
        for report in self.days.values():
            report.rows = dict(sorted(report.rows.items(), key=lambda kv: _row_order(kv[0])))
        return sorted(self.days.values(), key=lambda d: (d.store_code, d.day))


def compare(
    rules: TemplateRules,
    stores: dict[str, Store],
    first_day: date,
    last_day: date,
    lookups: Lookups,
    records: Iterable[TillRecord],
    postings: dict[str, list[SapPosting]],
) -> list[DayReport]:
    """The day reports of a range: figures side by side and the records behind differences."""
    comparison = Comparison(rules, stores, first_day, last_day, lookups)
    comparison.run(records, postings)
    comparison.explain_unpaid()
    comparison.explain_unbased()
    comparison.explain_links()
    return comparison.reports()


_ORDER = (RECORDS, m.SALES_COUNT, m.SALES_TOTAL, m.SALES_TAX, m.REFUNDS_COUNT, m.REFUNDS_TOTAL)


def _row_order(figure: str) -> tuple[int, str]:
    if figure in _ORDER:
        return (_ORDER.index(figure), "")
    for n, prefix in enumerate((m.PAYMENTS_IN, m.PAYMENTS_OUT, m.EXPENSES)):
        if figure.startswith(prefix):
            return (len(_ORDER) + n, figure)
    return (99, figure)


def _first_account(posting: SapPosting) -> str:
    return posting.accounts[0][0] if posting.accounts else "?"


def _means(paid: dict[str, Decimal]) -> str:
    return ", ".join(f"{key} {amount}" for key, amount in sorted(paid.items())) or "nothing"


def _noun(record: TillRecord) -> str:
    return {"sales": "receipt", "refunds": "refund", "expenses": "expense"}[record.object]
