"""Each store's branch on its payments and journal entries, mapped without servers.

A store's own branch wins, else the template's; a one-company setup (no
branch anywhere) sends no branch property at all.
"""

from __future__ import annotations

from dataclasses import replace

from app.connectors.tagrain.records import Tender
from app.sync.context import StoreRule
from app.sync.mapping.expenses import ExpenseDependencies, map_expense
from app.sync.mapping.payments import map_tender_payment
from app.sync.waiting import describe, negative_stock, period_locked, reason_of
from tests.sync.mapping_records import (
    INVOICE,
    LOCAL_DATE,
    NEW_YORK,
    NOW,
    STORE,
    D,
    expense,
    payment_dependencies,
    rules,
)

BRANCHED = replace(STORE, branch=4)
UNBRANCHED = replace(STORE, branch=None)


def test_a_payment_goes_to_its_stores_branch_else_the_templates_else_none() -> None:
    def body(store: StoreRule, template_branch: int | None) -> dict[str, object]:
        payment = map_tender_payment(
            [Tender("cash", D("10.00"), None)],
            payment_dependencies(store_rule=store),
            rules(branch=template_branch),
            doc_date=LOCAL_DATE,
            tagrain_id="sa_1",
            reference="Tagrain receipt R-1",
            applies_to=INVOICE,
        )
        assert payment is not None
        return payment.to_entity()

    assert body(BRANCHED, 1)["BPLID"] == 4
    assert body(UNBRANCHED, 1)["BPLID"] == 1
    assert "BPLID" not in body(UNBRANCHED, None)


def test_a_journal_entry_puts_every_line_in_its_stores_branch() -> None:
    def lines(store: StoreRule) -> list[dict[str, object]]:
        deps = ExpenseDependencies("NYC", store, NEW_YORK, NOW)
        entity = map_expense(expense(), deps, rules(branch=None)).to_entity()
        return list(entity["JournalEntryLines"])

    assert [line["BPLID"] for line in lines(BRANCHED)] == [4, 4]
    assert all("BPLID" not in line for line in lines(UNBRANCHED))


def test_waits_are_grouped_by_reason_with_the_biggest_first() -> None:
    period = str(period_locked(LOCAL_DATE, "Date deviates from permissible range [OINV.DocDate]"))
    stock = str(negative_stock("I00012", "02", "Quantity falls into negative inventory"))
    assert reason_of(period) == f"posting period locked ({LOCAL_DATE:%Y-%m})"
    assert reason_of(stock) == "negative stock (I00012 in 02)"
    assert reason_of("tender 'card' is not mapped") is None
    assert describe([period] * 9 + [stock] * 3 + ["a failure", None]) == (
        f"12 waiting: 9 posting period locked ({LOCAL_DATE:%Y-%m}), 3 negative stock (I00012 in 02)"
    )
    assert describe(["a failure"]) == ""
