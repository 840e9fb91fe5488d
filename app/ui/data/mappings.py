"""A template's three mappings as editable rows: load against the known Tagrain values, save.

Rows for every Tagrain store, tender type and expense category the list
source knows are always shown, mapped or not; stored mappings for values it
no longer knows are kept and shown too. Saving replaces the template's
mappings in one transaction; incomplete rows are refused, empty ones dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.store import Database, ExpenseMapping, StoreMapping, Template, TenderMapping, changes
from app.sync.leases import this_process
from app.ui.data.errors import InputError
from app.ui.lists import CodeName

if TYPE_CHECKING:
    from app.sync.preflight import Problem

PAYMENT_MEANS = ("cash", "credit_card", "transfer")
PAYMENT_MEANS_LABELS = {"cash": "Cash", "credit_card": "Credit Card", "transfer": "Bank Transfer"}
UNKNOWN_NAME = "(no longer in Tagrain's list)"


@dataclass
class StoreRow:
    """Tagrain store → SAP warehouse and cash account.

    ``store`` is the list's code shown in the grid; ``store_id`` is what the
    mapping is saved under (the Tagrain store id the sync looks up). They
    differ when a stored mapping was matched by its store code.
    """

    store: str
    store_name: str
    warehouse_code: str = ""
    cash_account: str = ""
    store_id: str = ""
    store_code: str | None = None
    branch_id: int | None = None

    def problem(self) -> str | None:
        """Why the row is not usable yet, or None when it is mapped."""
        return None if self.warehouse_code else "No SAP warehouse"


@dataclass
class TenderRow:
    """Tagrain tender type → SAP payment means."""

    tender_type: str
    tender_name: str
    payment_means: str = ""
    account_code: str = ""
    credit_card_code: str = ""

    def problem(self) -> str | None:
        """Why the row is not usable yet, or None when it is mapped."""
        if not self.payment_means:
            return "No payment means"
        if self.payment_means == "credit_card" and not self.credit_card_code:
            return "Credit card code missing"
        if self.payment_means != "credit_card" and not self.account_code:
            return "Account missing"
        return None


@dataclass
class ExpenseRow:
    """Tagrain expense category → SAP G/L account."""

    category: str
    category_name: str
    account_code: str = ""

    def problem(self) -> str | None:
        """Why the row is not usable yet, or None when it is mapped."""
        return None if self.account_code else "No G/L account"


@dataclass
class MappingSet:
    """The three mappings of a template as the form edits them."""

    stores: list[StoreRow]
    tenders: list[TenderRow]
    expenses: list[ExpenseRow]


def load_mappings(
    db: Database,
    template_id: int,
    stores: Sequence[CodeName],
    tenders: Sequence[CodeName],
    categories: Sequence[CodeName],
) -> MappingSet:
    """Rows for every known Tagrain value plus every stored mapping."""
    with db.session() as session:
        stored_stores = {
            m.store_id: m
            for m in session.scalars(
                select(StoreMapping).where(StoreMapping.template_id == template_id)
            )
        }
        stored_tenders = {
            m.tender_type: m
            for m in session.scalars(
                select(TenderMapping).where(TenderMapping.template_id == template_id)
            )
        }
        stored_expenses = {
            m.category: m
            for m in session.scalars(
                select(ExpenseMapping).where(ExpenseMapping.template_id == template_id)
            )
        }
    tender_names = _names(tenders, stored_tenders)
    category_names = _names(categories, stored_expenses)
    store_rows = _store_rows(stores, list(stored_stores.values()))
    tender_rows = []
    for code, name in tender_names.items():
        tender = TenderRow(code, name)
        if (t := stored_tenders.get(code)) is not None:
            tender.payment_means = t.payment_means
            tender.account_code = t.account_code or ""
            tender.credit_card_code = "" if t.credit_card_code is None else str(t.credit_card_code)
        tender_rows.append(tender)
    expense_rows = []
    for code, name in category_names.items():
        expense = ExpenseRow(code, name)
        if (e := stored_expenses.get(code)) is not None:
            expense.account_code = e.account_code
        expense_rows.append(expense)
    return MappingSet(store_rows, tender_rows, expense_rows)


def _store_rows(known: Sequence[CodeName], stored: list[StoreMapping]) -> list[StoreRow]:
    """A row per known store, matched to its mapping by store id or else by store code."""
    by_id = {m.store_id: m for m in stored}
    by_code = {m.store_code: m for m in stored if m.store_code}
    used: set[str] = set()
    rows = []
    for entry in known:
        mapping = by_id.get(entry.code) or by_code.get(entry.code)
        row = StoreRow(entry.code, entry.name, store_id=entry.code)
        if mapping is not None and mapping.store_id not in used:
            used.add(mapping.store_id)
            row.warehouse_code = mapping.warehouse_code
            row.cash_account = mapping.cash_account or ""
            row.store_id = mapping.store_id
            row.store_code = mapping.store_code
            row.branch_id = mapping.branch_id
        rows.append(row)
    for mapping in stored:
        if mapping.store_id not in used:
            rows.append(
                StoreRow(
                    mapping.store_code or mapping.store_id,
                    UNKNOWN_NAME,
                    mapping.warehouse_code,
                    mapping.cash_account or "",
                    mapping.store_id,
                    mapping.store_code,
                    mapping.branch_id,
                )
            )
    return rows


def _names(known: Sequence[CodeName], stored: Mapping[str, object]) -> dict[str, str]:
    names = {row.code: row.name for row in known}
    for code in stored:
        names.setdefault(code, UNKNOWN_NAME)
    return names


def _check(mappings: MappingSet) -> None:
    for s in mappings.stores:
        if s.cash_account and not s.warehouse_code:
            raise InputError(f"Store {s.store}: choose the SAP warehouse too.", "stores")
    for t in mappings.tenders:
        if not t.payment_means and (t.account_code or t.credit_card_code):
            raise InputError(f"Tender {t.tender_type}: choose the payment means.", "tenders")
        if t.payment_means and t.payment_means not in PAYMENT_MEANS:
            raise InputError(f"Tender {t.tender_type}: unknown payment means.", "tenders")
        if t.payment_means and (problem := t.problem()) is not None:
            raise InputError(f"Tender {t.tender_type}: {problem.lower()}.", "tenders")
        if t.credit_card_code and not t.credit_card_code.isdigit():
            raise InputError(
                f"Tender {t.tender_type}: the credit card code is a number.", "tenders"
            )


def validate_mappings(mappings: MappingSet) -> None:
    """Refuse incomplete rows (InputError naming the grid) before anything else is asked."""
    _check(mappings)


def check_mappings(db: Database, template_id: int, mappings: MappingSet) -> list[Problem]:
    """The codes of the rows about to be saved that SAP does not know (the run's pre-flight).

    The rows are read as ``save_mappings`` stores them; raises the sync core's
    errors when SAP cannot be asked.
    """
    from app.sync.context import StoreRule, TenderRule
    from app.sync.preflight import check_mappings as preflight_mappings

    _check(mappings)
    stores = [
        StoreRule(
            s.store_id or s.store,
            s.store_code,
            s.warehouse_code,
            s.cash_account or None,
            s.branch_id,
        )
        for s in mappings.stores
        if s.warehouse_code
    ]
    tenders = [
        TenderRule(
            t.tender_type,
            t.payment_means,
            (t.account_code or None) if t.payment_means != "credit_card" else None,
            int(t.credit_card_code) if t.payment_means == "credit_card" else None,
        )
        for t in mappings.tenders
        if t.payment_means
    ]
    expenses = {e.category: e.account_code for e in mappings.expenses if e.account_code}
    return preflight_mappings(db, template_id, stores, tenders, expenses)


def save_mappings(db: Database, template_id: int, mappings: MappingSet) -> None:
    """Replace the template's mappings with the complete rows, in one transaction."""
    _check(mappings)
    with db.session() as session:
        template = session.get(Template, template_id)
        if template is None:
            raise InputError("The template no longer exists; it was removed elsewhere.")
        template.store_mappings.clear()
        template.tender_mappings.clear()
        template.expense_mappings.clear()
        session.flush()
        template.store_mappings.extend(
            StoreMapping(
                store_id=s.store_id or s.store,
                store_code=s.store_code,
                warehouse_code=s.warehouse_code,
                cash_account=s.cash_account or None,
                branch_id=s.branch_id,
            )
            for s in mappings.stores
            if s.warehouse_code
        )
        template.tender_mappings.extend(
            TenderMapping(
                tender_type=t.tender_type,
                payment_means=t.payment_means,
                account_code=(t.account_code or None) if t.payment_means != "credit_card" else None,
                credit_card_code=int(t.credit_card_code)
                if t.payment_means == "credit_card"
                else None,
            )
            for t in mappings.tenders
            if t.payment_means
        )
        template.expense_mappings.extend(
            ExpenseMapping(category=e.category, account_code=e.account_code)
            for e in mappings.expenses
            if e.account_code
        )
        changes.bump(session, changes.TEMPLATES, this_process())
