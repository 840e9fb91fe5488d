"""An expense → a balanced journal entry, mapped without servers."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from app.sync.context import StoreRule
from app.sync.mapping.expenses import ExpenseDependencies, map_expense
from app.sync.records import RecordError
from tests.sync.mapping_records import LOCAL_DATE, NEW_YORK, NOW, STORE, D, expense, rules


def deps(**changes: Any) -> ExpenseDependencies:
    return replace(ExpenseDependencies("NYC", STORE, NEW_YORK, NOW), **changes)


def test_an_expense_debits_its_category_and_credits_the_till() -> None:
    entry = map_expense(expense(), deps(), rules())

    assert entry.reference_date == LOCAL_DATE
    assert entry.memo == "Tagrain expense: Printer paper"
    assert entry.reference == entry.tagrain_id == "ex_1"
    assert [(ln.account, ln.debit, ln.credit, ln.memo) for ln in entry.lines] == [
        ("6100", D("12.50"), D("0"), "Printer paper"),
        ("1010-NYC", D("0"), D("12.50"), "Printer paper"),
    ]
    assert sum(ln.debit for ln in entry.lines) == sum(ln.credit for ln in entry.lines)


def test_an_expense_without_a_description_is_named_by_its_category() -> None:
    entry = map_expense(expense(description=None, category="travel"), deps(), rules())
    assert entry.memo == "Tagrain expense: travel"
    assert entry.lines[0].account == "6200"


def test_a_store_without_a_cash_account_credits_the_templates() -> None:
    store = StoreRule("st_1", "NYC", "WH-NYC", None, None)
    entry = map_expense(expense(), deps(store_rule=store), rules())
    assert entry.lines[1].account == "1000"


@pytest.mark.parametrize(
    ("changes", "dep_changes", "rule_changes", "message"),
    [
        ({"amount": D("0")}, {}, {}, "expense amount 0 is not positive"),
        ({"amount": D("-5.00")}, {}, {}, "expense amount -5.00 is not positive"),
        ({"amount": D("1.005")}, {}, {}, "expense amount 1.005 has more than 2 decimals"),
        (
            {"category": "parking_fines"},
            {},
            {},
            "expense category 'parking_fines' is not mapped to a G/L account "
            "(Integration Hub → Mappings → Expense categories)",
        ),
        (
            {},
            {"store_rule": None},
            {},
            "Tagrain store NYC (st_1) is not mapped to an SAP warehouse "
            "(Integration Hub → Mappings → Stores)",
        ),
        (
            {},
            {"store_rule": StoreRule("st_1", "NYC", "WH-NYC", None, None)},
            {"cash_account": None},
            "no cash account is set for store NYC or in the template's general settings",
        ),
    ],
)
def test_an_expense_that_cannot_be_booked_is_refused(
    changes: dict[str, Any], dep_changes: dict[str, Any], rule_changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(RecordError) as raised:
        map_expense(expense(**changes), deps(**dep_changes), rules(**rule_changes))
    assert str(raised.value) == message


def test_an_expense_dated_ahead_of_the_clock_is_refused() -> None:
    with pytest.raises(RecordError, match=r"^expense paid_at .* is in the future"):
        map_expense(expense(paid_at=NOW + timedelta(days=3)), deps(), rules())
