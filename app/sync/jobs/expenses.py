"""Expenses: petty cash paid out of a Tagrain till becomes a balanced SAP journal entry.

Debit the expense account mapped from the category, credit the store's cash
account, dated by the store's local date. Exactly once by ``U_TG_ID``. An
unmapped category fails the record with a reason that says where to map it,
and the record is retried after the mapping is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from app.connectors.sapb1.company import JOURNAL_ENTRY, JournalEntryDraft, JournalLineDraft
from app.connectors.tagrain.records import Expense
from app.sync.jobs.common_down import (
    Malformed,
    TagrainSourceJob,
    check_money,
    check_not_future,
    tolerant,
)
from app.sync.records import Action, LinkWrite, Outcome, RecordError


class ExpensesJob(TagrainSourceJob[Expense]):
    """Tagrain expenses → SAP journal entries."""

    object_name = "expenses"

    def list_records(self, since: datetime | None) -> Iterator[Expense | Malformed]:
        return self.ctx.tagrain.iter_records(
            "expenses", tolerant(Expense.from_json), updated_since=since
        )

    def get_record(self, record_id: str) -> Expense:
        return self.ctx.tagrain.get_expense(record_id)

    def apply_record(self, expense: Expense) -> Outcome:
        if self.ctx.binder.by_tagrain("expenses", expense.id) is not None:
            return Outcome(Action.SKIPPED)
        found = self.ctx.sap.find_document(JOURNAL_ENTRY, expense.id)
        if found is not None and not found.cancelled:
            return Outcome(
                Action.LINKED,
                target_key=found.key,
                message="already in SAP (found by its Tagrain id); linked",
                link=LinkWrite(tagrain_id=expense.id, sap_key=found.key),
            )
        draft = self.journal_entry(expense)
        entry = self.ctx.sap.create_journal_entry(draft)
        return Outcome(
            Action.CREATED,
            target_key=entry.key,
            link=LinkWrite(
                tagrain_id=expense.id,
                sap_key=entry.key,
                sap_doc_num=str(entry.number) if entry.number is not None else None,
            ),
        )

    def journal_entry(self, expense: Expense) -> JournalEntryDraft:
        """The balanced journal entry of an expense; RecordError names what is missing."""
        if expense.amount <= 0:
            raise RecordError(f"expense amount {expense.amount} is not positive")
        check_money("expense amount", expense.amount)
        check_not_future("expense paid_at", expense.paid_at)
        account = self.ctx.rules.expenses.get(expense.category)
        if account is None:
            raise RecordError(
                f"expense category {expense.category!r} is not mapped to a G/L account "
                "(Integration Hub → Mappings → Expense categories)"
            )
        cash = self.down.cash_account(expense.store_id)
        memo = (expense.description or expense.category)[:50]
        zero = Decimal(0)
        return JournalEntryDraft(
            reference_date=self.down.local_date(expense.store_id, expense.paid_at),
            memo=f"Tagrain expense: {memo}",
            reference=expense.id,
            tagrain_id=expense.id,
            lines=(
                JournalLineDraft(account, expense.amount, zero, memo),
                JournalLineDraft(cash, zero, expense.amount, memo),
            ),
        )
