"""A sale → its A/R invoice and incoming payment, mapped without servers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from app.connectors.sapb1.records import CardPayment
from app.connectors.tagrain.records import SaleLine, Tender
from app.sync.mapping.money import TaxTable
from app.sync.mapping.sales import SaleDependencies, map_sale, map_sale_payment
from app.sync.records import RecordError
from tests.sync.mapping_records import (
    INVOICE,
    LOCAL_DATE,
    NEW_YORK,
    NOW,
    TAXES,
    D,
    payment_dependencies,
    rules,
    sale,
)


def deps(**changes: Any) -> SaleDependencies:
    base = SaleDependencies("C0042", "NYC", "WH-NYC", 3, NEW_YORK, TAXES, NOW)
    return replace(base, **changes)


def shirt(**changes: Any) -> SaleLine:
    return replace(sale().lines[1], **changes)


def test_an_invoice_carries_the_receipt_line_by_line() -> None:
    draft = map_sale(sale(), deps(), rules())

    assert draft.card_code == "C0042"
    assert draft.doc_date == LOCAL_DATE, "the date in the store's time zone"
    assert draft.num_at_card == "R-1001"
    assert draft.tagrain_id == "sa_1"
    assert draft.currency == "USD"
    assert draft.branch == 3
    assert draft.comments == "Tagrain receipt R-1001, store NYC"
    assert [(ln.item_code, ln.quantity, ln.line_total, ln.tax_code) for ln in draft.lines] == [
        ("SH-1", D("2"), D("36.00"), "NY8"),
        ("GC-10", D("1"), D("9.29"), "EX"),
    ], "in line_no order, net amounts, the exempt code on an untaxed line"
    assert {ln.warehouse for ln in draft.lines} == {"WH-NYC"}
    assert draft.lines[0].description == "Shirt"
    body = draft.to_entity()
    assert body["U_TG_ID"] == "sa_1" and body["NumAtCard"] == "R-1001"
    assert body["DocDate"] == "2025-03-01"


def test_the_invoice_is_dated_by_the_stores_time_zone() -> None:
    assert map_sale(sale(), deps(timezone="Asia/Tokyo"), rules()).doc_date == date(2025, 3, 2)
    assert map_sale(sale(), deps(timezone="UTC"), rules()).doc_date == date(2025, 3, 2)
    assert map_sale(sale(), deps(), rules()).doc_date == date(2025, 3, 1), "New York"


def test_a_walk_in_sale_goes_to_the_cash_customer() -> None:
    draft = map_sale(sale(customer_id=None), deps(card_code=None), rules())
    assert draft.card_code == "C-WALKIN"


def test_a_walk_in_sale_without_a_cash_customer_is_refused() -> None:
    with pytest.raises(RecordError, match=r"^walk-in sale but no default cash customer is set"):
        map_sale(sale(customer_id=None), deps(card_code=None), rules(cash_customer=None))


def test_a_store_without_a_branch_takes_the_templates() -> None:
    assert map_sale(sale(), deps(branch=None), rules()).branch == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ()}, "receipt R-1001 has no lines"),
        ({"total": D("48.499")}, "receipt R-1001: total 48.499 has more than 2 decimals"),
        ({"tax_total": D("3.201")}, "receipt R-1001: tax_total 3.201 has more than 2 decimals"),
        ({"total": D("49.49")}, "receipt R-1001: lines add up to 48.49 but the total is 49.49"),
    ],
)
def test_a_bad_receipt_is_refused_with_its_reason(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError) as raised:
        map_sale(sale(**changes), deps(), rules())
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"quantity": D("-1.000")},
            "line 1: quantity -1.000 is not positive (returns are refunds in Tagrain)",
        ),
        (
            {"quantity": D("0.000")},
            "line 1: quantity 0.000 is not positive (returns are refunds in Tagrain)",
        ),
        ({"unit_price": D("4.995")}, "line 1: unit_price 4.995 has more than 2 decimals"),
        ({"discount": D("0.001")}, "line 1: discount 0.001 has more than 2 decimals"),
        ({"line_total": D("-36.00")}, "line 1: negative amount -36.00"),
    ],
)
def test_a_bad_line_is_refused_with_its_reason(changes: dict[str, Any], message: str) -> None:
    bad = sale(lines=(shirt(**changes), sale().lines[0]))
    with pytest.raises(RecordError) as raised:
        map_sale(bad, deps(), rules())
    assert str(raised.value) == message


def test_a_tax_no_sap_code_gives_exactly_is_refused() -> None:
    bad = sale(
        lines=(shirt(tax_amount=D("3.19")), sale().lines[0]), tax_total=D("3.19"), total=D("48.48")
    )
    with pytest.raises(RecordError) as raised:
        map_sale(bad, deps(), rules())
    assert str(raised.value) == (
        "line 1: the receipt's tax 3.19 is not NY8 (8.875%) of 36.00, "
        "which SAP would compute as 3.20"
    )


def test_a_tax_code_sap_does_not_have_is_refused() -> None:
    taxes = TaxTable({"pr_shirt": "NY9"}, TAXES.rates)
    with pytest.raises(RecordError, match=r"^line 1: tax code 'NY9' does not exist in SAP$"):
        map_sale(sale(), deps(taxes=taxes), rules())


def test_a_receipt_dated_ahead_of_the_clock_is_refused() -> None:
    ahead = NOW + timedelta(days=2)
    with pytest.raises(RecordError, match=r"sold_at .* is in the future; correct the date"):
        map_sale(sale(sold_at=ahead), deps(), rules())
    assert map_sale(sale(sold_at=NOW + timedelta(hours=20)), deps(), rules()).lines


def test_the_payment_is_split_by_the_tender_mapping() -> None:
    payment = map_sale_payment(sale(), payment_dependencies(), rules(), INVOICE)

    assert payment is not None
    assert payment.card_code == "C0042"
    assert payment.doc_date == LOCAL_DATE
    assert payment.tagrain_id == "sa_1"
    assert payment.reference == "Tagrain receipt R-1001"
    assert (payment.applies_to, payment.applies_to_type) == (41, "invoice")
    assert (payment.cash_sum, payment.cash_account) == (D("20.00"), "1010-NYC")
    assert payment.cards == (CardPayment(2, D("28.49"), "A-77"),)
    assert payment.transfer_sum == 0 and payment.transfer_account is None
    assert payment.total == sale().total


def test_an_on_account_receipt_has_no_payment() -> None:
    assert map_sale_payment(sale(tenders=()), payment_dependencies(), rules(), INVOICE) is None


def test_tenders_that_do_not_add_up_to_the_total_are_refused() -> None:
    tenders = (Tender("cash", D("25.00"), None), Tender("card", D("28.49"), None))
    with pytest.raises(RecordError) as raised:
        map_sale_payment(sale(tenders=tenders), payment_dependencies(), rules(), INVOICE)
    assert str(raised.value) == "receipt R-1001: tenders add up to 53.49 but the total is 48.49"
