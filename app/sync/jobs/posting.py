"""Posting to SAP with the refusals that heal by themselves turned into waits.

A posting SAP refuses because its date lies in a locked posting period, or
because a line would take stock below zero where negative inventory is
blocked, *waits* (``WaitingError``) with SAP's words and what to fix; it is
retried on later runs and goes through once the period is opened or the
goods are received. Every other error passes unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from app.connectors.sapb1.refusals import posting_refusal
from app.sync import waiting

Line = tuple[str, str | None]
"""An item code and the warehouse it moves in."""


@contextmanager
def waiting_on_sap(day: date, lines: Sequence[Line] = ()) -> Iterator[None]:
    """Post inside this block; a locked period or blocked negative stock becomes a wait."""
    try:
        yield
    except Exception as exc:
        refusal = posting_refusal(exc)
        if refusal is None:
            raise
        if refusal.kind == "period":
            raise waiting.period_locked(day, refusal.message) from exc
        n = (refusal.line or 1) - 1
        item, warehouse = lines[n] if 0 <= n < len(lines) else ("an item", None)
        raise waiting.negative_stock(item, warehouse, refusal.message) from exc
