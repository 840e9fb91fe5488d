"""Tenders → one SAP payment, and the till's cash account, mapped without servers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.connectors.sapb1.records import DocumentRef, PaymentDraft
from app.connectors.tagrain.records import Tender
from app.sync.context import StoreRule, TenderRule
from app.sync.mapping.money import cents, check_money
from app.sync.mapping.payments import PaymentDependencies, map_tender_payment
from app.sync.records import RecordError
from tests.sync.mapping_records import INVOICE, LOCAL_DATE, MEMO, D, payment_dependencies, rules


def pay(
    *tenders: Tender,
    deps: PaymentDependencies | None = None,
    applies_to: DocumentRef = INVOICE,
    **rule_changes: Any,
) -> PaymentDraft | None:
    return map_tender_payment(
        tenders,
        deps or payment_dependencies(),
        rules(**rule_changes),
        doc_date=LOCAL_DATE,
        tagrain_id="sa_1",
        reference="Tagrain receipt R-1001",
        applies_to=applies_to,
    )


def test_gift_cards_and_store_credit_go_to_one_transfer_account() -> None:
    payment = pay(
        Tender("gift_card", D("5.00"), None),
        Tender("store_credit", D("2.50"), None),
        applies_to=MEMO,
    )
    assert payment is not None
    assert (payment.transfer_sum, payment.transfer_account) == (D("7.50"), "2400")
    assert payment.cash_sum == 0 and payment.cash_account is None and payment.cards == ()
    assert (payment.applies_to, payment.applies_to_type) == (7, "credit_memo")


def test_zero_tenders_pay_nothing() -> None:
    assert pay(Tender("cash", D("0.00"), None)) is None


def test_a_cash_tender_with_its_own_account_uses_it() -> None:
    tenders = {"cash": TenderRule("cash", "cash", "1001", None)}
    payment = pay(Tender("cash", D("1.00"), None), tenders=tenders)
    assert payment is not None and payment.cash_account == "1001"


def test_a_store_without_a_cash_account_uses_the_templates() -> None:
    store = StoreRule("st_1", "NYC", "WH-NYC", None, None)
    payment = pay(
        Tender("cash", D("1.00"), None),
        deps=payment_dependencies(store_rule=store),
    )
    assert payment is not None and payment.cash_account == "1000"


def test_cash_without_any_cash_account_is_refused() -> None:
    store = StoreRule("st_1", "NYC", "WH-NYC", None, None)
    with pytest.raises(RecordError) as raised:
        pay(
            Tender("cash", D("1.00"), None),
            deps=payment_dependencies(store_rule=store),
            cash_account=None,
        )
    assert str(raised.value) == (
        "no cash account is set for store NYC or in the template's general settings"
    )


def test_cash_at_an_unmapped_store_is_refused() -> None:
    with pytest.raises(RecordError) as raised:
        pay(
            Tender("cash", D("1.00"), None),
            deps=payment_dependencies(store_rule=None),
        )
    assert str(raised.value) == (
        "Tagrain store NYC (st_1) is not mapped to an SAP warehouse "
        "(Integration Hub → Mappings → Stores)"
    )


def test_a_card_at_an_unmapped_store_is_paid() -> None:
    payment = pay(
        Tender("card", D("1.00"), None),
        deps=payment_dependencies(store_rule=None),
    )
    assert payment is not None and payment.total == D("1.00")


@pytest.mark.parametrize(
    ("tender", "tenders", "message"),
    [
        (
            Tender("voucher", D("1.00"), None),
            None,
            "tender 'voucher' is not mapped to an SAP payment means "
            "(Integration Hub → Mappings → Tenders)",
        ),
        (Tender("cash", D("-1.00"), None), None, "tender cash has a negative amount -1.00"),
        (
            Tender("cash", D("1.001"), None),
            None,
            "tender cash amount 1.001 has more than 2 decimals",
        ),
        (
            Tender("card", D("1.00"), None),
            {"card": TenderRule("card", "credit_card", None, None)},
            "tender 'card' is mapped to no credit card code",
        ),
        (
            Tender("gift_card", D("1.00"), None),
            {"gift_card": TenderRule("gift_card", "transfer", None, None)},
            "tender 'gift_card' is mapped to no transfer account",
        ),
        (
            Tender("other", D("1.00"), None),
            {"other": TenderRule("other", "cheque", None, None)},
            "tender 'other' has an unknown payment means 'cheque'",
        ),
    ],
)
def test_a_tender_that_cannot_be_paid_is_refused(
    tender: Tender, tenders: dict[str, TenderRule] | None, message: str
) -> None:
    changes = {} if tenders is None else {"tenders": tenders}
    with pytest.raises(RecordError) as raised:
        pay(tender, **changes)
    assert str(raised.value) == message


def test_two_transfer_accounts_in_one_payment_are_refused() -> None:
    tenders = {
        "gift_card": TenderRule("gift_card", "transfer", "2400", None),
        "store_credit": TenderRule("store_credit", "transfer", "2410", None),
    }
    with pytest.raises(RecordError, match="map to two different transfer accounts"):
        pay(
            Tender("gift_card", D("1.00"), None),
            Tender("store_credit", D("1.00"), None),
            tenders=tenders,
        )


def test_cents_round_half_up_and_money_has_two_decimals() -> None:
    assert cents(Decimal("3.195")) == Decimal("3.20")
    assert cents(Decimal("-0.005")) == Decimal("-0.01")
    check_money("amount", Decimal("1.10"))
    check_money("amount", Decimal("100"))
    with pytest.raises(RecordError, match=r"^amount 0.001 has more than 2 decimals$"):
        check_money("amount", Decimal("0.001"))
