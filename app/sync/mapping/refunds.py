"""A Tagrain refund → the A/R credit memo and outgoing payment SAP gets.

The credit memo is based on the sale's invoice (its ``DocEntry``, and per
line the invoice line the refunded sale line became); a refund of a sale that
is not in Tagrain stands alone, and says so in its remarks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.connectors.sapb1.records import DocumentDraft, DocumentLineDraft, DocumentRef, PaymentDraft
from app.connectors.tagrain.records import Refund, Sale
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
class RefundDependencies:
    """What a refund's credit memo needs from outside the refund, resolved by the job.

    ``invoice`` and ``sale`` are the base invoice in SAP and the refunded sale,
    both None for a standalone return (the sale is not in Tagrain);
    ``card_code`` None is a walk-in; ``timezone`` the store's (the memo is
    dated by the local date there); ``tracking`` how SAP tracks each SKU's
    units ("serial", "batch"; absent: neither).
    """

    card_code: str | None
    warehouse: str
    branch: int | None
    timezone: str
    taxes: TaxTable
    invoice: DocumentRef | None
    sale: Sale | None
    now: datetime
    tracking: Mapping[str, str] = field(default_factory=dict)


def check_refund(refund: Refund, now: datetime) -> None:
    """What is wrong with the refund's money and date, before anything is looked up for it."""
    if not refund.lines:
        raise RecordError(f"refund {refund.refund_number} has no lines")
    check_not_future(f"refund {refund.refund_number}: refunded_at", refund.refunded_at, now)
    check_money(f"refund {refund.refund_number}: total", refund.total)
    for line in refund.lines:
        for name in ("unit_price", "tax_amount", "line_total"):
            check_money(f"line {line.line_no}: {name}", getattr(line, name))


def base_lines(refund: Refund, sale: Sale | None) -> dict[int, int]:
    """The invoice line (``BaseLine``) of each refund line; RecordError for a bad refund.

    The invoice has the sale's lines in ``line_no`` order, numbered from 0.
    Checked in this order: a refund larger than its sale, each line's
    quantity and sale line, then the lines against the refund's total.
    Empty for a standalone return (``sale`` None).
    """
    if sale is not None and refund.total > sale.total:
        raise RecordError(
            f"refund {refund.refund_number} of {refund.total} is larger than "
            f"its sale's total {sale.total}"
        )
    ordered = [] if sale is None else sorted(sale.lines, key=lambda ln: ln.line_no)
    invoice_lines = {line.line_no: n for n, line in enumerate(ordered)}
    found = {}
    for line in sorted(refund.lines, key=lambda ln: ln.line_no):
        if line.quantity <= 0:
            raise RecordError(f"line {line.line_no}: quantity {line.quantity} is not positive")
        if sale is None:
            continue
        if line.sale_line_no not in invoice_lines:
            raise RecordError(
                f"line {line.line_no} refers to sale line {line.sale_line_no}, "
                "which the sale does not have"
            )
        found[line.line_no] = invoice_lines[line.sale_line_no]
    gross = sum((ln.line_total + ln.tax_amount for ln in refund.lines), start=Decimal(0))
    if gross != refund.total:
        raise RecordError(
            f"refund {refund.refund_number}: lines add up to {gross} "
            f"but the total is {refund.total}"
        )
    return found


def map_refund(
    refund: Refund, deps: RefundDependencies, rules: TemplateRules
) -> tuple[DocumentDraft, str | None]:
    """The credit memo of a refund and, when it cannot refer to an invoice, why.

    WaitingError when a serial or batch item's line lacks the numbers coming back.
    """
    check_refund(refund, deps.now)
    invoice = deps.invoice
    based = base_lines(refund, deps.sale)
    message = None
    if deps.sale is None:
        message = (
            f"standalone return: sale {refund.sale_id} is not in Tagrain (not ours to "
            "post), so the credit memo has no base invoice"
        )
    lines = []
    for line in sorted(refund.lines, key=lambda ln: ln.line_no):
        base_line = based.get(line.line_no) if invoice is not None else None
        serials, batches = scanned_numbers(
            line_no=line.line_no,
            sku=line.sku,
            quantity=line.quantity,
            tracking=deps.tracking.get(line.sku, "none"),
            serials=line.serial_numbers,
            batches=line.batches,
        )
        lines.append(
            DocumentLineDraft(
                item_code=line.sku,
                description=line.sku,
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
                base_entry=invoice.entry if invoice is not None else None,
                base_line=base_line,
                serials=serials,
                batches=batches,
            )
        )
    draft = DocumentDraft(
        card_code=document_card_code(deps.card_code, rules),
        doc_date=local_date(refund.refunded_at, deps.timezone),
        num_at_card=refund.refund_number,
        tagrain_id=refund.id,
        currency=refund.currency,
        lines=tuple(lines),
        comments=f"Tagrain refund {refund.refund_number} of sale {refund.sale_id}"
        + ("" if invoice is not None else " (standalone return: sale not in Tagrain)"),
        branch=deps.branch or rules.branch,
    )
    return draft, message


def map_refund_payment(
    refund: Refund, deps: PaymentDependencies, rules: TemplateRules, memo: DocumentRef
) -> PaymentDraft | None:
    """The outgoing payment of the money that left the till (None when nothing did)."""
    return map_tender_payment(
        refund.tenders,
        deps,
        rules,
        doc_date=local_date(refund.refunded_at, deps.timezone),
        tagrain_id=refund.id,
        reference=f"Tagrain refund {refund.refund_number}",
        applies_to=memo,
    )
