"""A Tagrain expense → a balanced SAP journal entry.

Debit the G/L account the template maps the category to, credit the till's
cash account, dated by the store's local date, in the store's branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.connectors.sapb1.records import JournalEntryDraft, JournalLineDraft
from app.connectors.tagrain.records import Expense
from app.sync.context import StoreRule, TemplateRules
from app.sync.mapping.money import check_money, check_not_future, local_date
from app.sync.mapping.payments import store_branch, till_cash_account
from app.sync.records import RecordError


@dataclass(frozen=True)
class ExpenseDependencies:
    """What an expense's journal entry needs from outside it, resolved by the job.

    ``store_rule`` None is an unmapped store; ``timezone`` the store's (the
    entry is dated by the local date there).
    """

    store_code: str
    store_rule: StoreRule | None
    timezone: str
    now: datetime


def check_expense(expense: Expense, now: datetime) -> None:
    """What is wrong with the expense itself, before anything is looked up for it."""
    if expense.amount <= 0:
        raise RecordError(f"expense amount {expense.amount} is not positive")
    check_money("expense amount", expense.amount)
    check_not_future("expense paid_at", expense.paid_at, now)


def map_expense(
    expense: Expense, deps: ExpenseDependencies, rules: TemplateRules
) -> JournalEntryDraft:
    """The balanced journal entry of an expense; RecordError names what is missing."""
    check_expense(expense, deps.now)
    account = rules.expenses.get(expense.category)
    if account is None:
        raise RecordError(
            f"expense category {expense.category!r} is not mapped to a G/L account "
            "(Integration Hub → Mappings → Expense categories)"
        )
    cash = till_cash_account(rules, expense.store_id, deps.store_code, deps.store_rule)
    memo = (expense.description or expense.category)[:50]
    zero = Decimal(0)
    return JournalEntryDraft(
        reference_date=local_date(expense.paid_at, deps.timezone),
        memo=f"Tagrain expense: {memo}",
        reference=expense.id,
        tagrain_id=expense.id,
        lines=(
            JournalLineDraft(account, expense.amount, zero, memo),
            JournalLineDraft(cash, zero, expense.amount, memo),
        ),
        branch=store_branch(rules, deps.store_rule),
    )
