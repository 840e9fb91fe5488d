"""A Tagrain sale → the A/R invoice and incoming payment SAP gets.

Money rule: each invoice line is the receipt line's net amount
(``quantity × unit price − discount``) with an SAP tax code whose rate gives
exactly the receipt line's tax; the invoice total therefore equals the
receipt total to the cent, or the receipt is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from app.connectors.sapb1.records import DocumentDraft, DocumentLineDraft, DocumentRef, PaymentDraft
from app.connectors.tagrain.records import Sale, SaleLine
from app.sync.context import TemplateRules
from app.sync.mapping.money import (
    TaxTable,
    check_money,
    check_not_future,
    line_tax_code,
    local_date,
)
from app.sync.mapping.payments import PaymentDependencies, document_card_code, map_tender_payment
from app.sync.mapping.tracking import scanned_numbers
from app.sync.records import RecordError


@dataclass(frozen=True)
class SaleDependencies:
    """What a sale's invoice needs from outside the receipt, resolved by the job.

    ``card_code`` None is a walk-in; ``timezone`` is the store's (the invoice
    is dated by the local date there); ``now`` is when the record is mapped
    (dates ahead of it are a wrong till clock); ``tracking`` how SAP tracks
    each SKU's units ("serial", "batch"; absent: neither).
    """

    card_code: str | None
    store_code: str
    warehouse: str
    branch: int | None
    timezone: str
    taxes: TaxTable
    now: datetime
    tracking: Mapping[str, str] = field(default_factory=dict)


def check_sale(sale: Sale, now: datetime) -> None:
    """What is wrong with the receipt itself, before anything is looked up or created for it."""
    if not sale.lines:
        raise RecordError(f"receipt {sale.receipt_number} has no lines")
    check_not_future(f"receipt {sale.receipt_number}: sold_at", sale.sold_at, now)
    for name in ("subtotal", "tax_total", "total"):
        check_money(f"receipt {sale.receipt_number}: {name}", getattr(sale, name))
    for line in sorted(sale.lines, key=lambda ln: ln.line_no):
        for name in ("unit_price", "discount", "tax_amount", "line_total"):
            check_money(f"line {line.line_no}: {name}", getattr(line, name))
        if line.quantity <= 0:
            raise RecordError(
                f"line {line.line_no}: quantity {line.quantity} is not positive "
                "(returns are refunds in Tagrain)"
            )
        if line.line_total < 0:
            raise RecordError(f"line {line.line_no}: negative amount {line.line_total}")
    net = sum((ln.line_total for ln in sale.lines), start=sale.total * 0)
    tax = sum((ln.tax_amount for ln in sale.lines), start=sale.total * 0)
    if net + tax != sale.total:
        raise RecordError(
            f"receipt {sale.receipt_number}: lines add up to {net + tax} "
            f"but the total is {sale.total}"
        )


def map_sale(sale: Sale, deps: SaleDependencies, rules: TemplateRules) -> DocumentDraft:
    """The A/R invoice of a receipt; RecordError names what is wrong with it.

    WaitingError when a serial or batch item's line lacks the numbers SAP needs.
    """
    check_sale(sale, deps.now)
    lines = tuple(
        _invoice_line(line, deps, rules) for line in sorted(sale.lines, key=lambda ln: ln.line_no)
    )
    return DocumentDraft(
        card_code=document_card_code(deps.card_code, rules),
        doc_date=local_date(sale.sold_at, deps.timezone),
        num_at_card=sale.receipt_number,
        tagrain_id=sale.id,
        currency=sale.currency,
        lines=lines,
        comments=f"Tagrain receipt {sale.receipt_number}, store {deps.store_code}",
        branch=deps.branch or rules.branch,
    )


def _invoice_line(
    line: SaleLine, deps: SaleDependencies, rules: TemplateRules
) -> DocumentLineDraft:
    serials, batches = scanned_numbers(
        line_no=line.line_no,
        sku=line.sku,
        quantity=line.quantity,
        tracking=deps.tracking.get(line.sku, "none"),
        serials=line.serial_numbers,
        batches=line.batches,
    )
    return DocumentLineDraft(
        item_code=line.sku,
        description=line.description,
        quantity=line.quantity,
        line_total=line.line_total,
        tax_code=line_tax_code(
            deps.taxes,
            rules,
            product_id=line.product_id,
            net=line.line_total,
            tax=line.tax_amount,
            line_no=line.line_no,
        ),
        warehouse=deps.warehouse,
        serials=serials,
        batches=batches,
    )


def map_sale_payment(
    sale: Sale, deps: PaymentDependencies, rules: TemplateRules, invoice: DocumentRef
) -> PaymentDraft | None:
    """The incoming payment of a paid receipt on its invoice (None when nothing was tendered)."""
    paid = sum((t.amount for t in sale.tenders), start=sale.total * 0)
    if sale.tenders and paid != sale.total:
        raise RecordError(
            f"receipt {sale.receipt_number}: tenders add up to {paid} but the total is {sale.total}"
        )
    return map_tender_payment(
        sale.tenders,
        deps,
        rules,
        doc_date=local_date(sale.sold_at, deps.timezone),
        tagrain_id=sale.id,
        reference=f"Tagrain receipt {sale.receipt_number}",
        applies_to=invoice,
    )
