"""What a preview (a dry run) would have written, read back from its runs' record log.

A preview runs the real jobs with clients that write nothing; each record's
log row says what the record would have written ("would create SAP A/R
invoice Invoices:-3 (C00012, …); would create SAP incoming payment …"), or
why it waits or fails. ``read_preview`` turns the log rows of the preview's
runs into ``PreviewRow``s: the object, the source id, what would happen, on
which side, to what, and the detail, with counts for the form's summary
line. It reads the store, so it runs on a worker. A first link of twins puts the
field changes it would make (``SAP e-mail: 'a' → 'b'``) first in the detail.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.store import Database, RecordLog
from app.sync.first_link import FIRST_LINK

PREVIEW_LIMIT = 50_000
"""Rows a preview window reads at most; the counts of the runs cover every record."""

ACTIONS = {
    "created": "Would create",
    "updated": "Would update",
    "cancelled": "Would cancel",
    "linked": "Would link",
    "waiting": "Waits",
    "failed": "Fails",
    "skipped": "Skipped",
}
"""The user's words for a record's action in a preview."""

TARGETS = {
    "customer_groups": ("Tagrain", "customer group"),
    "product_groups": ("Tagrain", "product group"),
    "manufacturers": ("Tagrain", "manufacturer"),
    "customers": ("SAP", "business partner"),
    "customers_up": ("Tagrain", "customer"),
    "products_up": ("Tagrain", "product"),
    "products_down": ("SAP", "item"),
    "inventory": ("Tagrain", "inventory"),
    "sales": ("SAP", "A/R invoice"),
    "refunds": ("SAP", "A/R credit memo"),
    "expenses": ("SAP", "journal entry"),
}
"""Where each job writes, for rows whose log names no write (links, waits, failures)."""

_WRITE = re.compile(r"would (\w+) (SAP|Tagrain) (.+?) (\S+)$")


@dataclass(frozen=True)
class PlannedWrite:
    """One write a record would have made, as the record log describes it."""

    verb: str
    side: str
    what: str
    key: str
    detail: str


@dataclass(frozen=True)
class PreviewRow:
    """One record of a preview as the preview window shows it."""

    object: str
    source_id: str
    kind: str
    action: str
    side: str
    what: str
    target_key: str
    detail: str
    message: str


@dataclass(frozen=True)
class PreviewReport:
    """A finished preview: what it covered, its rows and their counts."""

    label: str
    object_name: str
    template_id: int
    run_ids: tuple[int, ...]
    rows: tuple[PreviewRow, ...]
    status: str = "succeeded"
    note: str = ""
    truncated: bool = False

    def counts(self, *, with_skipped: bool = True) -> Counter[str]:
        """Rows by kind (created, updated, cancelled, linked, waiting, failed, skipped)."""
        counts = Counter(row.kind for row in self.rows)
        if not with_skipped:
            counts.pop("skipped", None)
        return counts

    def kind(self) -> str:
        """How the summary is coloured: "error" (failures), "warning" (waits), "success"."""
        counts = self.counts()
        if self.status == "failed" or counts.get("failed"):
            return "error"
        if self.status == "cancelled" or counts.get("waiting"):
            return "warning"
        return "success"

    def summary(self) -> str:
        """The line at the top of the preview window."""
        return summary_line(self.counts(), cancelled=self.status == "cancelled")


def summary_line(counts: Mapping[str, int], *, cancelled: bool = False) -> str:
    """E.g. "12 would be created, 3 wait, 1 fails — nothing was written"."""
    parts = []
    for kind, words in (
        ("created", "would be created"),
        ("updated", "would be updated"),
        ("cancelled", "would be cancelled"),
        ("linked", "would be linked"),
        ("waiting", ("waits", "wait")),
        ("failed", ("fails", "fail")),
        ("skipped", "skipped"),
    ):
        count = counts.get(kind, 0)
        if count:
            verb = words if isinstance(words, str) else words[0 if count == 1 else 1]
            parts.append(f"{count} {verb}")
    text = ", ".join(parts) or "Nothing to write"
    if cancelled:
        text += " (cancelled before the end)"
    return f"{text} — nothing was written"


def split_writes(message: str | None) -> tuple[list[PlannedWrite], str]:
    """The writes a log message names and what it says besides ("" when nothing)."""
    text = (message or "").strip()
    writes: list[PlannedWrite] = []
    while text.startswith("would "):
        head, detail, rest = _take_write(text)
        match = _WRITE.match(head)
        if match is None:
            break
        verb, side, what, key = match.groups()
        writes.append(PlannedWrite(verb, side, what, key, detail))
        text = rest
    return writes, text


def _take_write(text: str) -> tuple[str, str, str]:
    """Split "would … KEY (detail); rest" into its head, detail and the rest."""
    depth, start = 0, -1
    for position, char in enumerate(text):
        if char == "(":
            if depth == 0 and start < 0:
                start = position
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                return (
                    text[:start].rstrip(),
                    text[start + 1 : position],
                    _rest(text[position + 1 :]),
                )
        elif depth == 0 and (text.startswith("; ", position) or text.startswith(" — ", position)):
            return text[:position].rstrip(), "", _rest(text[position:])
    return text.rstrip(), "", ""


def _rest(text: str) -> str:
    for separator in ("; ", " — "):
        if text.startswith(separator):
            return text[len(separator) :].strip()
    return text.strip()


def preview_row(
    object_name: str,
    source_id: str,
    action: str,
    status: str,
    message: str | None,
    target_key: str | None,
) -> PreviewRow:
    """One log row of a preview run as the window shows it."""
    kind = "waiting" if status == "waiting" else "failed" if status == "failed" else action
    writes, rest = split_writes(message)
    if writes:
        sides = list(dict.fromkeys(w.side for w in writes))
        whats = list(dict.fromkeys(w.what for w in writes))
        side = ", ".join(sides)
        what = ", ".join(whats)
        parts = "; ".join(f"{w.key} ({w.detail})" if w.detail else w.key for w in writes)
        if rest and kind in ("failed", "waiting"):
            detail = f"{rest} — would have written {parts}"
        else:
            detail = parts + (f" — {rest}" if rest else "")
    else:
        side, what = TARGETS.get(object_name, ("", ""))
        detail = rest
    if kind == "linked" and FIRST_LINK in rest:
        matched, _, changes = rest.partition(FIRST_LINK)
        writes_text = detail.partition(" — ")[0] if writes else ""
        detail = "; ".join(p for p in (changes, matched.rstrip("; "), writes_text) if p)
    return PreviewRow(
        object=object_name,
        source_id=source_id,
        kind=kind,
        action=ACTIONS.get(kind, kind.capitalize()),
        side=side,
        what=what,
        target_key=target_key or "",
        detail=detail,
        message=message or "",
    )


def read_preview(
    db: Database,
    label: str,
    object_name: str,
    template_id: int,
    run_ids: Sequence[int],
    status: str = "succeeded",
    note: str = "",
) -> PreviewReport:
    """The log rows of a preview's runs, in the order they were applied (on a worker)."""
    query = (
        select(
            RecordLog.object,
            RecordLog.source_id,
            RecordLog.action,
            RecordLog.status,
            RecordLog.message,
            RecordLog.target_key,
        )
        .where(RecordLog.run_id.in_(list(run_ids)))
        .order_by(RecordLog.id)
        .limit(PREVIEW_LIMIT + 1)
    )
    with db.session() as session:
        found = session.execute(query).all()
    rows = tuple(preview_row(*row) for row in found[:PREVIEW_LIMIT])
    return PreviewReport(
        label=label,
        object_name=object_name,
        template_id=template_id,
        run_ids=tuple(run_ids),
        rows=rows,
        status=status,
        note=note,
        truncated=len(found) > PREVIEW_LIMIT,
    )
