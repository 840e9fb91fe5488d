"""A template as a file holds it: settings, mappings, schedules and marks, never secrets.

``read_document`` reads one from the store. Its parts are the values the
forms store (``ConnectionSettings``, ``GeneralSettings``, ``ScheduleDraft``)
and one entry per mapping row, always in the same order, so that two
documents of the same template compare equal and write the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select

from app.scheduling.drafts import ScheduleDraft, load_drafts
from app.store import Database, SyncMark, Template
from app.sync.engine import SyncObjectSpec
from app.ui.data.mappings import ExpenseRow, MappingSet, StoreRow, TenderRow
from app.ui.data.settings import (
    ConnectionSettings,
    GeneralSettings,
    load_connection,
    load_general,
)

FORMAT_VERSION = 1
MARK_KINDS = {"customers": "customer", "items": "item"}
"""Marks section key → the ``SyncMark.kind`` it lists."""


@dataclass(frozen=True)
class StoreEntry:
    """Tagrain store → SAP warehouse, with the store's cash account and branch."""

    store_id: str
    store_code: str | None
    warehouse: str
    cash_account: str | None
    branch: int | None


@dataclass(frozen=True)
class TenderEntry:
    """Tagrain tender type → SAP payment means (an account or a credit card)."""

    tender_type: str
    payment_means: str
    account: str | None
    credit_card: int | None


@dataclass(frozen=True)
class ExpenseEntry:
    """Tagrain expense category → SAP G/L account."""

    category: str
    account: str


@dataclass(frozen=True)
class TemplateDocument:
    """Everything a template file holds, in the file's order."""

    name: str
    active: bool
    connection: ConnectionSettings
    sap_sessions: int
    general: GeneralSettings
    stores: tuple[StoreEntry, ...]
    tenders: tuple[TenderEntry, ...]
    expenses: tuple[ExpenseEntry, ...]
    schedules: tuple[ScheduleDraft, ...]
    marks: tuple[tuple[str, tuple[str, ...]], ...]
    """(marks section key, sorted codes) for each of ``MARK_KINDS``."""

    def marked(self, key: str) -> tuple[str, ...]:
        """The codes marked of one kind ("customers" or "items")."""
        return dict(self.marks).get(key, ())

    def renamed(self, name: str) -> TemplateDocument:
        """The same template under another name."""
        return replace(self, name=name)

    def mapping_set(self) -> MappingSet:
        """The mappings as the Mappings form edits them (to check and store them alike)."""
        stores = [
            StoreRow(
                s.store_code or s.store_id,
                "",
                s.warehouse,
                s.cash_account or "",
                s.store_id,
                s.store_code,
                s.branch,
            )
            for s in self.stores
        ]
        tenders = [
            TenderRow(
                t.tender_type,
                "",
                t.payment_means,
                t.account or "",
                "" if t.credit_card is None else str(t.credit_card),
            )
            for t in self.tenders
        ]
        expenses = [ExpenseRow(e.category, "", e.account) for e in self.expenses]
        return MappingSet(stores, tenders, expenses, self.general.cash_account or "")


def ordered_stores(entries: list[StoreEntry]) -> tuple[StoreEntry, ...]:
    """Stores in the file's order: by store code (else id)."""
    return tuple(sorted(entries, key=lambda s: (s.store_code or s.store_id, s.store_id)))


def ordered_schedules(
    drafts: Mapping[str, ScheduleDraft], objects: Mapping[str, SyncObjectSpec]
) -> tuple[ScheduleDraft, ...]:
    """One schedule per object, in the objects' order; an object not given gets the default."""
    found = []
    for name, spec in objects.items():
        draft = drafts.get(name) or ScheduleDraft(name, spec.label)
        weekdays = draft.weekdays if draft.frequency == "weekly" else ""
        found.append(replace(draft, schedule_id=None, weekdays=weekdays))
    return tuple(found)


def empty_document(name: str, objects: Mapping[str, SyncObjectSpec]) -> TemplateDocument:
    """What a template just added holds (the store's defaults)."""
    return TemplateDocument(
        name=name,
        active=True,
        connection=ConnectionSettings("", "v2", "", "", True, "", ""),
        sap_sessions=4,
        general=GeneralSettings(None, None, None, None, None, None, None, None, None),
        stores=(),
        tenders=(),
        expenses=(),
        schedules=ordered_schedules({}, objects),
        marks=tuple((key, ()) for key in MARK_KINDS),
    )


def read_document(
    database: Database, template_id: int, objects: Mapping[str, SyncObjectSpec]
) -> TemplateDocument:
    """The template as stored now (InputError when it no longer exists)."""
    connection = load_connection(database, template_id)
    general = load_general(database, template_id)
    drafts = {d.object: d for d in load_drafts(database, objects, template_id)}
    with database.session() as session:
        t = session.get_one(Template, template_id)
        stores = ordered_stores(
            [
                StoreEntry(m.store_id, m.store_code, m.warehouse_code, m.cash_account, m.branch_id)
                for m in t.store_mappings
            ]
        )
        tenders = tuple(
            sorted(
                (
                    TenderEntry(m.tender_type, m.payment_means, m.account_code, m.credit_card_code)
                    for m in t.tender_mappings
                ),
                key=lambda e: e.tender_type,
            )
        )
        expenses = tuple(
            sorted(
                (ExpenseEntry(m.category, m.account_code) for m in t.expense_mappings),
                key=lambda e: e.category,
            )
        )
        marks = []
        for key, kind in MARK_KINDS.items():
            codes = session.scalars(
                select(SyncMark.sap_key).where(
                    SyncMark.kind == kind, SyncMark.template_id == template_id
                )
            )
            marks.append((key, tuple(sorted(codes))))
        return TemplateDocument(
            name=t.name,
            active=t.active,
            connection=connection,
            sap_sessions=t.sap_sessions,
            general=general,
            stores=stores,
            tenders=tenders,
            expenses=expenses,
            schedules=ordered_schedules(drafts, objects),
            marks=tuple(marks),
        )
