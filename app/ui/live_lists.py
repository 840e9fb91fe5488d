"""A ListSource that reads each list live for the chosen template.

The reader is injected (the sync core's ``lookups.choices`` fits): a callable
``(template_id, list_name) -> [(code, name), ...]`` that may be slow and may
raise. The client calls it on worker threads only (Choose From List and the
Mappings form read their rows in the background).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.store import Database
from app.ui.lists import CodeName, ListKind

ListReader = Callable[[int, str], Sequence[tuple[str, str]]]
TAGRAIN_KINDS = (ListKind.TAGRAIN_STORES, ListKind.TENDER_TYPES, ListKind.EXPENSE_CATEGORIES)


class LiveLists:
    """Lists of the template's own SAP company and Tagrain account, read when asked."""

    def __init__(self, reader: ListReader) -> None:
        self.reader = reader

    def rows(self, kind: ListKind, template_id: int | None) -> Sequence[CodeName]:
        """The list read now; no template, no rows."""
        if template_id is None:
            return []
        return [CodeName(code, name) for code, name in self.reader(template_id, kind.value)]

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

    return LiveLists(read)
