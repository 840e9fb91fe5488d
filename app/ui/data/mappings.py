"""A template's three mappings as editable rows: load against the known Tagrain values, save.

Rows for every Tagrain store, tender type and expense category the list
source knows are always shown, mapped or not; stored mappings for values it
no longer knows are kept and shown too. Saving replaces the template's
mappings in one transaction; incomplete rows are refused, empty ones dropped.

A cash tender needs no account of its own: as the sync does
(``app.sync.mapping.payments.till_cash_account``), its cash then goes to each
store's cash account, or where a store has none to the template's Cash
Account in General Settings. Such a tender is refused only while a mapped
store would have no cash account at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    branch_input: str = field(default="", repr=False)
    """Branch text that is not a branch number (BPLID), kept to be shown and refused."""

    @property
    def branch(self) -> str:
        """The branch as the grid shows and edits it: its BPLID, empty for none."""
        if self.branch_input:
            return self.branch_input
        return "" if self.branch_id is None else str(self.branch_id)

    @branch.setter
    def branch(self, text: str) -> None:
        text = text.strip()
        if text and not text.isdigit():
            self.branch_input = text
            return
        self.branch_id = int(text) if text else None
        self.branch_input = ""

    def problem(self) -> str | None:
        """Why the row is not usable yet, or None when it is mapped."""
        if not self.warehouse_code:
            return "No SAP warehouse"
        return "Branch is not a branch number" if self.branch_input else None


@dataclass(frozen=True)
class TillCash:
    """Where each mapped store's cash goes when a cash tender has no account of its own."""

    accounts: tuple[tuple[str, str], ...]
    """(store, account) of every mapped store that has a cash account (its own or general)."""
    missing: tuple[str, ...]
    """Mapped stores without any cash account."""
    general: str
    """The template's Cash Account (General Settings), empty when it has none."""

    def problem(self) -> str | None:
        """Why cash cannot go to the stores' cash accounts, or None when it can."""
        if self.missing:
            names = ", ".join(self.missing)
            return (
                f"Account missing: no cash account for store {names} "
                "(Mappings → Stores, or Cash Account in General Settings)"
            )
        if not self.accounts:
            return "Account missing: no store is mapped to take the cash"
        return None

    def note(self) -> str:
        """Which account each store's cash goes to."""
        pairs = ", ".join(f"{store} → {account}" for store, account in self.accounts)
        return f"each store's cash account: {pairs}"


def till_cash(stores: Sequence[StoreRow], general: str = "") -> TillCash:
    """Each mapped store's cash account as the sync picks it: the store's, else the general."""
    accounts: list[tuple[str, str]] = []
    missing: list[str] = []
    for row in stores:
        if not row.warehouse_code:
            continue
        name = row.store_code or row.store
        account = row.cash_account or general
        if account:
            accounts.append((name, account))
        else:
            missing.append(name)
    return TillCash(tuple(accounts), tuple(missing), general)


@dataclass
class TenderRow:
    """Tagrain tender type → SAP payment means.

    ``tills`` is where cash goes when a cash tender has no account of its own
    (None: not known, so a cash tender needs an account).
    """

    tender_type: str
    tender_name: str
    payment_means: str = ""
    account_code: str = ""
    credit_card_code: str = ""
    tills: TillCash | None = field(default=None, repr=False, compare=False)

    def problem(self) -> str | None:
        """Why the row is not usable yet, or None when it is mapped."""
        if not self.payment_means:
            return "No payment means"
        if self.payment_means == "credit_card" and not self.credit_card_code:
            return "Credit card code missing"
        if self.payment_means == "cash" and not self.account_code:
            return "Account missing" if self.tills is None else self.tills.problem()
        if self.payment_means != "credit_card" and not self.account_code:
            return "Account missing"
        return None

    def note(self) -> str | None:
        """What a mapped row does that its cells do not show (a cash tender's tills)."""
        if self.payment_means == "cash" and not self.account_code and self.tills is not None:
            return None if self.tills.problem() else self.tills.note()
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
    """The three mappings of a template as the form edits them.

    ``general_cash_account`` is the template's Cash Account (General Settings),
    where the cash of a store without its own cash account goes.
    """

    stores: list[StoreRow]
    tenders: list[TenderRow]
    expenses: list[ExpenseRow]
    general_cash_account: str = ""

    def share_tills(self) -> None:
        """Tell every tender row where cash goes with the store rows as they are now."""
        tills = till_cash(self.stores, self.general_cash_account)
        for tender in self.tenders:
            tender.tills = tills


def load_mappings(
    db: Database,
    template_id: int,
    stores: Sequence[CodeName],
    tenders: Sequence[CodeName],
    categories: Sequence[CodeName],
) -> MappingSet:
    """Rows for every known Tagrain value plus every stored mapping."""
    with db.session() as session:
        template = session.get(Template, template_id)
        general_cash = (template.cash_account or "") if template is not None else ""
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
    loaded = MappingSet(store_rows, tender_rows, expense_rows, general_cash)
    loaded.share_tills()
    return loaded


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
    mappings.share_tills()
    for s in mappings.stores:
        if (s.cash_account or s.branch_id is not None) and not s.warehouse_code:
            raise InputError(f"Store {s.store}: choose the SAP warehouse too.", "stores")
        if s.branch_input:
            raise InputError(
                f"Store {s.store}: the branch is a branch number (BPLID), not {s.branch_input!r}.",
                "stores",
            )
    for t in mappings.tenders:
        if not t.payment_means and (t.account_code or t.credit_card_code):
            raise InputError(f"Tender {t.tender_type}: choose the payment means.", "tenders")
        if t.payment_means and t.payment_means not in PAYMENT_MEANS:
            raise InputError(f"Tender {t.tender_type}: unknown payment means.", "tenders")
        if t.payment_means and (problem := t.problem()) is not None:
            raise InputError(
                f"Tender {t.tender_type}: {problem[:1].lower()}{problem[1:]}.", "tenders"
            )
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
        write_mappings(session, template, mappings)
        changes.bump(session, changes.TEMPLATES, this_process())


def write_mappings(session: Session, template: Template, mappings: MappingSet) -> None:
    """Replace a template's mappings with the complete rows, in the caller's transaction.

    The rows are checked first (InputError, as ``validate_mappings``).
    """
    stores, tenders, expenses = mapping_rows(mappings)
    template.store_mappings.clear()
    template.tender_mappings.clear()
    template.expense_mappings.clear()
    session.flush()
    template.store_mappings.extend(stores)
    template.tender_mappings.extend(tenders)
    template.expense_mappings.extend(expenses)


def mapping_rows(
    mappings: MappingSet,
) -> tuple[list[StoreMapping], list[TenderMapping], list[ExpenseMapping]]:
    """The store rows of the complete mappings (checked first: InputError), not yet stored."""
    _check(mappings)
    stores = [
        StoreMapping(
            store_id=s.store_id or s.store,
            store_code=s.store_code,
            warehouse_code=s.warehouse_code,
            cash_account=s.cash_account or None,
            branch_id=s.branch_id,
        )
        for s in mappings.stores
        if s.warehouse_code
    ]
    tenders = [
        TenderMapping(
            tender_type=t.tender_type,
            payment_means=t.payment_means,
            account_code=(t.account_code or None) if t.payment_means != "credit_card" else None,
            credit_card_code=int(t.credit_card_code) if t.payment_means == "credit_card" else None,
        )
        for t in mappings.tenders
        if t.payment_means
    ]
    expenses = [
        ExpenseMapping(category=e.category, account_code=e.account_code)
        for e in mappings.expenses
        if e.account_code
    ]
    return stores, tenders, expenses
