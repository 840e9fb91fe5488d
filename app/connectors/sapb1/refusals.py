"""SAP refusals that go away by themselves: a locked posting period, blocked negative stock.

SAP refuses a posting dated in a locked (or undefined) posting period —
"Date deviates from permissible range [OINV.DocDate]", or message 10000156
"Posting Date deviates from the defined range" — and, where the company
blocks negative inventory, a line that would take stock below zero —
"Quantity falls into negative inventory [INV1.ItemCode][line: 2]". Both are
healed on SAP's side (the period is opened, goods are received), so the sync
waits for them instead of failing the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.connectors.sapb1.errors import BusinessRuleError

_PERIOD = ("Date deviates from permissible range", "Posting Date deviates from the defined range")
_NEGATIVE = re.compile(r"falls into negative inventory(?: \[\w+\.\w+\])?(?:\[line: (\d+)\])?")


@dataclass(frozen=True)
class PostingRefusal:
    """Why SAP refused a posting for now: ``period`` or ``stock`` (with its 1-based line)."""

    kind: str
    message: str
    line: int | None = None


def posting_refusal(exc: BaseException) -> PostingRefusal | None:
    """The passing refusal behind a Service Layer error, or None for any other error."""
    if not isinstance(exc, BusinessRuleError):
        return None
    message = exc.message or ""
    if any(text in message for text in _PERIOD):
        return PostingRefusal("period", message)
    found = _NEGATIVE.search(message)
    if found:
        return PostingRefusal("stock", message, int(found.group(1)) if found.group(1) else None)
    return None
