"""What is left of an A/R invoice after the credit memos based on it.

SAP links each credit memo line to its invoice line (``BaseType 13``,
``BaseEntry``, ``BaseLine``); the invoice's header does not list them, so
they are read from the customer's credit memos dated on or after the invoice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.odata import date_literal, quote
from app.connectors.sapb1.records import CREDIT_MEMO, INVOICE, DocumentRef, to_decimal

_LINE_FIELDS = ["DocEntry", "DocNum", "DocTotal", "Cancelled", "CancelStatus", "DocumentLines"]


@dataclass(frozen=True)
class PostedLine:
    """One invoice line as posted: net amount, tax code, warehouse."""

    line_num: int
    item_code: str
    description: str
    quantity: Decimal
    line_total: Decimal
    tax_code: str
    warehouse: str | None


@dataclass(frozen=True)
class InvoiceCredits:
    """An invoice, the live credit memos based on it, and what they credited per line."""

    invoice: DocumentRef
    card_code: str
    doc_date: dt.date
    branch: int | None
    lines: tuple[PostedLine, ...]
    memos: dict[str, DocumentRef] = field(default_factory=dict)
    """Live credit memos based on the invoice, by their ``U_TG_ID`` (or key)."""
    credited: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    """Per invoice line: quantity and net amount credited so far."""

    def remaining(self) -> tuple[PostedLine, ...]:
        """The invoice lines (quantity and net amount) no credit memo has credited yet."""
        left = []
        for line in self.lines:
            quantity, amount = self.credited.get(line.line_num, (Decimal(0), Decimal(0)))
            if line.quantity - quantity <= 0:
                continue
            left.append(
                PostedLine(
                    line.line_num,
                    line.item_code,
                    line.description,
                    line.quantity - quantity,
                    max(line.line_total - amount, Decimal(0)),
                    line.tax_code,
                    line.warehouse,
                )
            )
        return tuple(left)


def _posted_line(raw: dict[str, Any]) -> PostedLine:
    return PostedLine(
        line_num=int(raw["LineNum"]),
        item_code=raw["ItemCode"],
        description=raw.get("ItemDescription") or raw["ItemCode"],
        quantity=to_decimal(raw.get("Quantity")),
        line_total=to_decimal(raw.get("LineTotal")).quantize(Decimal("0.01")),
        tax_code=raw.get("TaxCode") or "",
        warehouse=raw.get("WarehouseCode") or None,
    )


def read_invoice_credits(client: ServiceLayerClient, entry: int) -> InvoiceCredits:
    """The invoice ``entry`` with the live credit memos based on it."""
    raw = client.get(INVOICE, entry)
    doc_date = dt.date.fromisoformat(str(raw["DocDate"])[:10])
    branch = raw.get("BPL_IDAssignedToInvoice")
    credits = InvoiceCredits(
        invoice=DocumentRef.from_entity(INVOICE, raw),
        card_code=raw["CardCode"],
        doc_date=doc_date,
        branch=int(branch) if branch is not None else None,
        lines=tuple(_posted_line(x) for x in raw.get("DocumentLines") or []),
    )
    condition = (
        f"CardCode eq {quote(raw['CardCode'])} and "
        f"DocDate ge {date_literal(doc_date, client.settings.version)}"
    )
    for memo in client.iter_entities(
        CREDIT_MEMO, filter=condition, select=[*_LINE_FIELDS, "U_TG_ID"], page_size=100
    ):
        if memo.get("Cancelled") == "tYES" or memo.get("CancelStatus") == "csCancellation":
            continue
        based = [
            line
            for line in memo.get("DocumentLines") or []
            if line.get("BaseType") == 13 and line.get("BaseEntry") == entry
        ]
        if not based:
            continue
        ref = DocumentRef.from_entity(CREDIT_MEMO, memo)
        credits.memos[memo.get("U_TG_ID") or ref.key] = ref
        for line in based:
            base_line = int(line["BaseLine"])
            quantity, amount = credits.credited.get(base_line, (Decimal(0), Decimal(0)))
            credits.credited[base_line] = (
                quantity + to_decimal(line.get("Quantity")),
                amount + to_decimal(line.get("LineTotal")).quantize(Decimal("0.01")),
            )
    return credits
