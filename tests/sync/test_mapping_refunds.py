"""A refund → its credit memo, based on the sale's invoice, and its payment; no servers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.connectors.tagrain.records import RefundLine
from app.sync.mapping.refunds import RefundDependencies, map_refund, map_refund_payment
from app.sync.records import RecordError
from tests.sync.mapping_records import (
    INVOICE,
    LOCAL_DATE,
    MEMO,
    NEW_YORK,
    NOW,
    TAXES,
    D,
    payment_dependencies,
    refund,
    rules,
    sale,
)


def deps(**changes: Any) -> RefundDependencies:
    base = RefundDependencies("C0042", "WH-NYC", 3, NEW_YORK, TAXES, INVOICE, sale(), NOW)
    return replace(base, **changes)


def gift_card_line(**changes: Any) -> RefundLine:
    line = RefundLine(2, 2, "pr_card", "GC-10", D("1"), D("9.29"), D("0"), D("9.29"))
    return replace(line, **changes)


def test_a_credit_memo_is_based_on_the_sales_invoice_line_by_line() -> None:
    both = refund(lines=(gift_card_line(), refund().lines[0]), total=D("28.89"))
    draft, message = map_refund(both, deps(), rules())

    assert message is None
    assert draft.card_code == "C0042"
    assert draft.doc_date == LOCAL_DATE
    assert draft.num_at_card == "RF-2001"
    assert draft.tagrain_id == "rf_1"
    assert draft.branch == 3
    assert draft.comments == "Tagrain refund RF-2001 of sale sa_1"
    assert [
        (ln.item_code, ln.line_total, ln.tax_code, ln.base_entry, ln.base_line)
        for ln in draft.lines
    ] == [
        ("SH-1", D("18.00"), "NY8", 41, 0),
        ("GC-10", D("9.29"), "EX", 41, 1),
    ], "BaseLine: the sale line's place on the invoice (line_no order, from 0)"
    assert {ln.warehouse for ln in draft.lines} == {"WH-NYC"}
    rows = draft.to_entity(base_type=13)["DocumentLines"]
    assert (rows[0]["BaseType"], rows[0]["BaseEntry"], rows[0]["BaseLine"]) == (13, 41, 0)


def test_a_return_of_a_sale_not_in_tagrain_stands_alone_and_says_why() -> None:
    draft, message = map_refund(refund(), deps(invoice=None, sale=None), rules())

    assert message == (
        "standalone return: sale sa_1 is not in Tagrain (not ours to post), "
        "so the credit memo has no base invoice"
    )
    assert draft.comments == (
        "Tagrain refund RF-2001 of sale sa_1 (standalone return: sale not in Tagrain)"
    )
    assert [(ln.base_entry, ln.base_line) for ln in draft.lines] == [(None, None)]


def test_a_walk_in_refund_goes_to_the_cash_customer() -> None:
    draft, _ = map_refund(refund(customer_id=None), deps(card_code=None), rules())
    assert draft.card_code == "C-WALKIN"


def test_a_refund_larger_than_its_sale_is_refused() -> None:
    line = replace(refund().lines[0], quantity=D("3"), line_total=D("54.00"), tax_amount=D("4.79"))
    with pytest.raises(RecordError) as raised:
        map_refund(refund(lines=(line,), total=D("58.79")), deps(), rules())
    assert str(raised.value) == "refund RF-2001 of 58.79 is larger than its sale's total 48.49"


def test_a_total_larger_than_the_sale_is_named_before_the_lines_that_do_not_add_up() -> None:
    with pytest.raises(RecordError, match=r"larger than its sale's total 48.49"):
        map_refund(refund(total=D("58.49")), deps(), rules())


def test_a_line_of_a_sale_line_the_sale_does_not_have_is_refused() -> None:
    line = replace(refund().lines[0], sale_line_no=9)
    with pytest.raises(RecordError) as raised:
        map_refund(refund(lines=(line,)), deps(), rules())
    assert str(raised.value) == "line 1 refers to sale line 9, which the sale does not have"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ()}, "refund RF-2001 has no lines"),
        ({"total": D("19.601")}, "refund RF-2001: total 19.601 has more than 2 decimals"),
        ({"total": D("20.60")}, "refund RF-2001: lines add up to 19.60 but the total is 20.60"),
        (
            {"lines": (replace(refund().lines[0], quantity=D("0")),)},
            "line 1: quantity 0 is not positive",
        ),
        (
            {"lines": (replace(refund().lines[0], unit_price=D("18.005")),)},
            "line 1: unit_price 18.005 has more than 2 decimals",
        ),
    ],
)
def test_a_bad_refund_is_refused_with_its_reason(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError) as raised:
        map_refund(refund(**changes), deps(), rules())
    assert str(raised.value) == message


def test_the_money_paid_back_is_an_outgoing_payment_on_the_memo() -> None:
    payment = map_refund_payment(refund(), payment_dependencies(), rules(), MEMO)

    assert payment is not None
    assert (payment.applies_to, payment.applies_to_type) == (7, "credit_memo")
    assert (payment.cash_sum, payment.cash_account) == (D("19.60"), "1010-NYC")
    assert payment.reference == "Tagrain refund RF-2001"
    assert payment.tagrain_id == "rf_1"


def test_an_on_account_refund_pays_nothing_back() -> None:
    assert map_refund_payment(refund(tenders=()), payment_dependencies(), rules(), MEMO) is None
