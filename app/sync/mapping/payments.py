"""A receipt's tenders → one SAP payment, split by the template's tender mapping.

Shared by sales (incoming payment on the invoice) and refunds (outgoing
payment on the credit memo); also where a till's cash account is decided,
which expenses credit too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.connectors.sapb1.records import CardPayment, DocumentRef, PaymentDraft
from app.connectors.tagrain.records import Tender
from app.sync.context import StoreRule, TemplateRules
from app.sync.mapping.money import check_money
from app.sync.records import RecordError


def store_not_mapped(store_code: str, store_id: str) -> RecordError:
    """The error of a store no template mapping sends to an SAP warehouse."""
    return RecordError(
        f"Tagrain store {store_code} ({store_id}) is not mapped to an SAP warehouse "
        "(Integration Hub → Mappings → Stores)"
    )


def store_branch(rules: TemplateRules, store_rule: StoreRule | None) -> int | None:
    """The branch a store's postings go to: the store's own, else the template's (or none)."""
    if store_rule is not None and store_rule.branch is not None:
        return store_rule.branch
    return rules.branch


def till_cash_account(
    rules: TemplateRules, store_id: str, store_code: str, store_rule: StoreRule | None
) -> str:
    """The cash account of a store's till: the store's own, else the template's."""
    if store_rule is None:
        raise store_not_mapped(store_code, store_id)
    account = store_rule.cash_account or rules.cash_account
    if not account:
        raise RecordError(
            f"no cash account is set for store {store_code} or in the template's general settings"
        )
    return account


@dataclass(frozen=True)
class PaymentDependencies:
    """What a payment needs from outside its receipt, resolved by the job.

    ``card_code`` None is a walk-in (the template's cash customer);
    ``timezone`` the store's, which dates the payment; ``store_rule`` None is
    an unmapped store (fatal only when cash was paid).
    """

    card_code: str | None
    timezone: str
    store_id: str
    store_code: str
    store_rule: StoreRule | None


def document_card_code(card_code: str | None, rules: TemplateRules) -> str:
    """The CardCode a document goes to: the customer's, or for a walk-in the cash customer."""
    if card_code is not None:
        return card_code
    if not rules.cash_customer:
        raise RecordError("walk-in sale but no default cash customer is set in the template")
    return rules.cash_customer


def map_tender_payment(
    tenders: Iterable[Tender],
    deps: PaymentDependencies,
    rules: TemplateRules,
    *,
    doc_date: date,
    tagrain_id: str,
    reference: str,
    applies_to: DocumentRef,
) -> PaymentDraft | None:
    """The SAP payment for a receipt's tenders, split by the tender mapping (None: nothing paid)."""
    cash = transfer = Decimal(0)
    transfer_account: str | None = None
    cards: list[CardPayment] = []
    for tender in tenders:
        check_money(f"tender {tender.type} amount", tender.amount)
        if tender.amount < 0:
            raise RecordError(f"tender {tender.type} has a negative amount {tender.amount}")
        if tender.amount == 0:
            continue
        rule = rules.tenders.get(tender.type)
        if rule is None:
            raise RecordError(
                f"tender {tender.type!r} is not mapped to an SAP payment means "
                "(Integration Hub → Mappings → Tenders)"
            )
        if rule.means == "cash":
            cash += tender.amount
        elif rule.means == "credit_card":
            if rule.credit_card is None:
                raise RecordError(f"tender {tender.type!r} is mapped to no credit card code")
            cards.append(CardPayment(rule.credit_card, tender.amount, tender.reference or ""))
        elif rule.means == "transfer":
            if not rule.account:
                raise RecordError(f"tender {tender.type!r} is mapped to no transfer account")
            if transfer_account not in (None, rule.account):
                raise RecordError(
                    "the receipt's tenders map to two different transfer accounts; "
                    "SAP takes one transfer account per payment"
                )
            transfer_account = rule.account
            transfer += tender.amount
        else:
            raise RecordError(f"tender {tender.type!r} has an unknown payment means {rule.means!r}")
    if not (cash or transfer or cards):
        return None
    cash_account = None
    if cash:
        cash_rule = rules.tenders.get("cash")
        cash_account = (cash_rule.account if cash_rule else None) or till_cash_account(
            rules, deps.store_id, deps.store_code, deps.store_rule
        )
    return PaymentDraft(
        card_code=document_card_code(deps.card_code, rules),
        doc_date=doc_date,
        tagrain_id=tagrain_id,
        reference=reference,
        applies_to=applies_to.entry,
        applies_to_type="invoice" if applies_to.kind == "Invoices" else "credit_memo",
        cash_sum=cash,
        cash_account=cash_account,
        transfer_sum=transfer,
        transfer_account=transfer_account,
        cards=tuple(cards),
        branch=store_branch(rules, deps.store_rule),
    )
