"""Why records wait, in words a user groups and counts.

A waiting record's message starts with ``waiting``; for the two waits SAP's
own settings cause the message names what to fix — the posting period
(``2026-11``) or the item and warehouse short of stock — followed by SAP's
words. ``reason_of`` turns a message back into a short reason, so that the
Sync Monitor and the daily summary can say "12 waiting: 9 posting period
locked (2026-11), 3 negative stock (I00012 in 02)".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date

from app.sync.records import WaitingError

RETRY = "retried on the next run"

_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"posting period (\d{4}-\d{2}) is locked"), "posting period locked ({0})"),
    (
        re.compile(r"not enough stock of (.+?) in warehouse (\S+?) "),
        "negative stock ({0} in {1})",
    ),
    (re.compile(r"waiting for the invoice of sale"), "sale's invoice not in SAP yet"),
    (re.compile(r"waiting for the payment of sale"), "sale's payment not in SAP yet"),
)


def period_locked(day: date, sap_message: str) -> WaitingError:
    """The wait of a posting dated in a period SAP does not accept postings in now."""
    return WaitingError(
        f"waiting: posting period {day:%Y-%m} is locked in SAP (SAP: {sap_message}); "
        f"{RETRY}, once the period is unlocked"
    )


def negative_stock(item_code: str, warehouse: str | None, sap_message: str) -> WaitingError:
    """The wait of a line SAP refuses because it would take stock below zero."""
    return WaitingError(
        f"waiting: not enough stock of {item_code} in warehouse {warehouse or '?'} "
        f"(SAP blocks negative inventory; SAP: {sap_message}); {RETRY}, once goods are received"
    )


def reason_of(message: str | None) -> str | None:
    """The short reason of a waiting record's message (None when it is not waiting)."""
    if not message or not message.startswith("waiting"):
        return None
    for pattern, words in _REASONS:
        found = pattern.search(message)
        if found:
            return words.format(*found.groups())
    return "other"


def describe(messages: Iterable[str | None], limit: int = 5) -> str:
    """``12 waiting: 9 posting period locked (2026-11), 3 negative stock (I00012 in 02)``.

    Empty when nothing waits; reasons beyond ``limit`` are summed as "n other".
    """
    reasons = Counter(r for r in (reason_of(m) for m in messages) if r is not None)
    total = sum(reasons.values())
    if not total:
        return ""
    ranked = reasons.most_common()
    parts = [f"{count} {reason}" for reason, count in ranked[:limit]]
    rest = sum(count for _reason, count in ranked[limit:])
    if rest:
        parts.append(f"{rest} for other reasons")
    return f"{total} waiting: " + ", ".join(parts)
