"""What importing a template file would change, section by section, in words.

Each change is added, changed or removed, with the old and the new value as a
user reads them ("(none)" for an empty field); marks are counted and the
first codes named, since a template may mark thousands.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from app.scheduling.calendar import describe
from app.scheduling.drafts import ScheduleDraft
from app.template_files.document import MARK_KINDS, TemplateDocument
from app.ui.data.settings import GENERAL_FIELDS

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
_SIGNS = {ADDED: "+", CHANGED: "~", REMOVED: "-"}
SHOWN_CODES = 10
"""How many marked codes a change names before it only counts."""
CONNECTION_FIELDS = (
    "sap_url",
    "sap_version",
    "sap_company_db",
    "sap_user",
    "sap_verify_tls",
    "sap_ca_file",
    "tagrain_url",
)


@dataclass(frozen=True)
class Change:
    """One key added, changed or removed, with its old and new value in words."""

    kind: str
    key: str
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        sign = _SIGNS[self.kind]
        if self.kind == ADDED:
            return f"{sign} {self.key}: {self.new}"
        if self.kind == REMOVED:
            return f"{sign} {self.key}: {self.old}"
        return f"{sign} {self.key}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Section:
    """The changes of one part of the file (connection, general, stores, …)."""

    title: str
    changes: tuple[Change, ...]

    def lines(self) -> list[str]:
        """The section as printed: its title, then one indented line per change."""
        return [f"{self.title}:", *(f"  {change}" for change in self.changes)]


def shown(value: object) -> str:
    """A value as a user reads it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def differences(old: TemplateDocument, new: TemplateDocument) -> list[Section]:
    """The sections that change from ``old`` to ``new`` (empty: nothing changes)."""
    sections = [
        Section("template", _fields({"active": old.active}, {"active": new.active})),
        Section(
            "connection",
            _fields(_connection(old), _connection(new)),
        ),
        Section(
            "general",
            _fields(
                {n: getattr(old.general, n) for n in GENERAL_FIELDS},
                {n: getattr(new.general, n) for n in GENERAL_FIELDS},
            ),
        ),
        Section("stores", _rows(_stores(old), _stores(new))),
        Section("tenders", _rows(_tenders(old), _tenders(new))),
        Section("expenses", _rows(_expenses(old), _expenses(new))),
        Section("schedules", _schedules(old, new)),
        Section("marks", _marks(old, new)),
    ]
    return [section for section in sections if section.changes]


def _connection(document: TemplateDocument) -> dict[str, object]:
    values: dict[str, object] = {n: getattr(document.connection, n) for n in CONNECTION_FIELDS}
    values["sap_sessions"] = document.sap_sessions
    return values


def _fields(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[Change, ...]:
    return tuple(
        Change(CHANGED, key, shown(old.get(key)), shown(new.get(key)))
        for key in dict.fromkeys([*old, *new])
        if old.get(key) != new.get(key)
    )


def _rows(
    old: Mapping[str, Mapping[str, object]], new: Mapping[str, Mapping[str, object]]
) -> tuple[Change, ...]:
    found = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            found.append(Change(ADDED, key, new=_summary(after, after.keys())))
        elif after is None and before is not None:
            found.append(Change(REMOVED, key, old=_summary(before, before.keys())))
        elif before is not None and after is not None and before != after:
            differing = {
                k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)
            }
            found.append(
                Change(CHANGED, key, _summary(before, differing), _summary(after, differing))
            )
    return tuple(found)


def _summary(values: Mapping[str, object], keys: Collection[str]) -> str:
    return ", ".join(f"{k} {shown(v)}" for k, v in values.items() if k in keys)


def _stores(document: TemplateDocument) -> dict[str, dict[str, object]]:
    return {
        s.store_code or s.store_id: {
            "store id": s.store_id,
            "warehouse": s.warehouse,
            "cash account": s.cash_account,
            "branch": s.branch,
        }
        for s in document.stores
    }


def _tenders(document: TemplateDocument) -> dict[str, dict[str, object]]:
    return {
        t.tender_type: {
            "payment means": t.payment_means,
            "account": t.account,
            "credit card": t.credit_card,
        }
        for t in document.tenders
    }


def _expenses(document: TemplateDocument) -> dict[str, dict[str, object]]:
    return {e.category: {"account": e.account} for e in document.expenses}


def _schedules(old: TemplateDocument, new: TemplateDocument) -> tuple[Change, ...]:
    before = {d.object: d for d in old.schedules}
    found = []
    for draft in new.schedules:
        was = before.get(draft.object)
        if was is None or was == draft:
            continue
        old_text, new_text = describe(was), describe(draft)
        if old_text == new_text:
            old_text, new_text = _window(was), _window(draft)
        found.append(Change(CHANGED, draft.label, old_text, new_text))
    return tuple(found)


def _window(draft: ScheduleDraft) -> str:
    start, end = draft.window_start.strftime("%H:%M"), draft.window_end.strftime("%H:%M")
    return f"{describe(draft)} (window {start}–{end}, interval {draft.interval_minutes} min)"


def _marks(old: TemplateDocument, new: TemplateDocument) -> tuple[Change, ...]:
    found = []
    for key in MARK_KINDS:
        before, after = set(old.marked(key)), set(new.marked(key))
        if added := sorted(after - before):
            found.append(Change(ADDED, key, new=f"{len(added):,} marked: {codes(added)}"))
        if removed := sorted(before - after):
            found.append(Change(REMOVED, key, old=f"{len(removed):,} unmarked: {codes(removed)}"))
    return tuple(found)


def codes(values: list[str]) -> str:
    """The first codes of a list, and how many more there are."""
    named = ", ".join(values[:SHOWN_CODES])
    more = len(values) - SHOWN_CODES
    return f"{named} and {more:,} more" if more > 0 else named
