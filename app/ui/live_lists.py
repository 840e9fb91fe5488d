"""A ListSource that reads each list live for the chosen template.

The reader is injected (the sync core's ``lookups.choices`` fits): a callable
``(template_id, list_name) -> [(code, name), ...]`` that may be slow and may
raise. The client calls it on worker threads only (Choose From List and the
Mappings form read their rows in the background).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.store import Database
from app.ui.lists import CodeName, ListKind, find_in_rows

ListReader = Callable[[int, str], Sequence[tuple[str, str]]]
CodeFinder = Callable[[int, str, str], tuple[str, str] | None]
"""``(template_id, list_name, code) -> (code, name)`` of one code, None when unknown."""
TAGRAIN_KINDS = (ListKind.TAGRAIN_STORES, ListKind.TENDER_TYPES, ListKind.EXPENSE_CATEGORIES)


class LiveLists:
    """Lists of the template's own SAP company and Tagrain account, read when asked."""

    def __init__(self, reader: ListReader, finder: CodeFinder | None = None) -> None:
        self.reader = reader
        self.finder = finder

    def rows(self, kind: ListKind, template_id: int | None) -> Sequence[CodeName]:
        """The list read now; no template, no rows."""
        if template_id is None:
            return []
        return [CodeName(code, name) for code, name in self.reader(template_id, kind.value)]

    def find(self, kind: ListKind, template_id: int | None, code: str) -> CodeName | None:
        """One code asked for alone (or, without a finder, looked up in the whole list)."""
        if template_id is None or not code.strip():
            return None
        if self.finder is None:
            return find_in_rows(self.rows(kind, template_id), code)
        found = self.finder(template_id, kind.value, code.strip())
        return None if found is None else CodeName(*found)

    def origin(self, kind: ListKind) -> str:
        """Says which side the rows were read from."""
        if kind in TAGRAIN_KINDS:
            return "Read live from the template's Tagrain account"
        return "Read live from the template's SAP Business One company"


def live_lists(database: Database) -> LiveLists:
    """Lists read live through the sync core (``app.sync.lookups.choices``) from this store."""

    def read(template_id: int, kind: str) -> Sequence[tuple[str, str]]:
        from app.sync.lookups import choices

        return choices(database, template_id, kind)

    def find(template_id: int, kind: str, code: str) -> tuple[str, str] | None:
        from app.sync.lookups import find_code

        return find_code(database, template_id, kind, code)

    return LiveLists(read, find)
