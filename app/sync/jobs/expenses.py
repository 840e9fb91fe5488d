"""Expenses: petty cash paid out of a Tagrain till becomes a balanced SAP journal entry.

Debit the expense account mapped from the category, credit the store's cash
account, dated by the store's local date. Exactly once by ``U_TG_ID``. An
unmapped category fails the record with a reason that says where to map it,
and the record is retried after the mapping is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from app.connectors.sapb1.records import JOURNAL_ENTRY, JournalEntryDraft
from app.connectors.tagrain.records import Expense
from app.sync.jobs.common_down import Malformed, TagrainSourceJob, tolerant
from app.sync.jobs.posting import waiting_on_sap
from app.sync.mapping.expenses import ExpenseDependencies, check_expense, map_expense
from app.sync.records import Action, LinkWrite, Outcome


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
        with waiting_on_sap(draft.reference_date):
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
        check_expense(expense, datetime.now(UTC))
        deps = ExpenseDependencies(
            store_code=self.down.store(expense.store_id).code,
            store_rule=self.ctx.rules.stores.get(expense.store_id),
            timezone=self.down.store(expense.store_id).timezone,
            now=datetime.now(UTC),
        )
        return map_expense(expense, deps, self.ctx.rules)
