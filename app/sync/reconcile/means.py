"""How a tender, a payment means and an expense account are named as figures.

Tagrain's side goes through the template's mappings exactly as posting does
(a tender type → payment means and account; a category → G/L account), so a
tender and the payment means SAP booked it on land on the same row.
"""

from __future__ import annotations

from app.connectors.sapb1.records import PaidBy
from app.sync.context import TemplateRules

SALES_COUNT = "Sales: count"
SALES_TOTAL = "Sales: total"
SALES_TAX = "Sales: tax"
REFUNDS_COUNT = "Refunds: count"
REFUNDS_TOTAL = "Refunds: total"
PAYMENTS_IN = "Payments in"
PAYMENTS_OUT = "Payments out"
EXPENSES = "Expenses"


def tender_key(rules: TemplateRules, tender_type: str, store_id: str) -> str:
    """The payment means (and account or card) a tender type is posted on at a store."""
    rule = rules.tenders.get(tender_type)
    if rule is None:
        return f"{tender_type} (not mapped)"
    if rule.means == "cash":
        store = rules.stores.get(store_id)
        account = rule.account or (store.cash_account if store else None) or rules.cash_account
        return f"cash {account or '?'}"
    if rule.means == "credit_card":
        return f"credit card {rule.credit_card}"
    return f"{rule.means} {rule.account or '?'}"


def paid_key(paid: PaidBy) -> str:
    """The same name for what an SAP payment booked."""
    means = "credit card" if paid.means == "credit_card" else paid.means
    return f"{means} {paid.account}"


def payment_figure(direction: str, key: str) -> str:
    """``Payments in: credit card 1``."""
    return f"{direction}: {key}"


def expense_account_figure(rules: TemplateRules, account: str) -> str:
    """``Expenses: cleaning · _SYS00000000610`` (the categories mapped to the account)."""
    categories = sorted(c for c, a in rules.expenses.items() if a == account)
    if categories:
        return f"{EXPENSES}: {', '.join(categories)} · {account}"
    return f"{EXPENSES}: {account}"


def expense_figure(rules: TemplateRules, category: str) -> str:
    """The figure of an expense category: its account's, or its own when it is not mapped."""
    account = rules.expenses.get(category)
    if account is None:
        return f"{EXPENSES}: {category} · not mapped"
    return expense_account_figure(rules, account)
