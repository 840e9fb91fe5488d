"""The Set Customers / Set Items matrix model: 100,000 rows with a Sync checkbox each.

The rows live in flat Python lists; the model sorts and filters them itself
through an index list (``view``) instead of a ``QSortFilterProxyModel``: a
proxy calls back into Python for every comparison, which freezes a 100,000
row matrix for seconds, while one ``list.sort`` with a key takes a tenth of
that. Ticks are kept apart from what the store said (``saved``) so that the
matrix shows unsaved changes and saves only the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.sync.marking import CUSTOMER, MarkRow, StoreView
from app.ui.models.one_call import OneCallPerCell

Index = QModelIndex | QPersistentModelIndex
ROW_NUMBER = 0
SYNC = 1
CHANGED_BACKGROUND = QBrush(QColor("#fff1d6"))
OTHER_TEMPLATE = QBrush(QColor("#b36b00"))
CHANGED_TIP = "Changed, not saved yet"
FEW_PERSISTENT = 8


@dataclass(frozen=True)
class MatrixColumns:
    """The headers of a matrix and how each text column reads a row."""

    headers: tuple[str, ...]
    text: tuple[Callable[[MarkRow], str], ...]
    template_column: int


def _last_sync(row: MarkRow) -> str:
    return row.last_sync.strftime("%Y-%m-%d %H:%M") if row.last_sync else ""


CUSTOMER_COLUMNS = MatrixColumns(
    ("#", "Sync", "Customer Code", "BP Name", "Customer Group", "Template", "Last Sync"),
    (
        lambda r: r.code,
        lambda r: r.name,
        lambda r: r.group,
        lambda r: r.owner,
        _last_sync,
    ),
    5,
)
ITEM_COLUMNS = MatrixColumns(
    ("#", "Sync", "Item Code", "Item Name", "Item Group", "Item Type", "Template", "Last Sync"),
    (
        lambda r: r.code,
        lambda r: r.name,
        lambda r: r.group,
        lambda r: r.item_type,
        lambda r: r.owner,
        _last_sync,
    ),
    6,
)


@dataclass(frozen=True)
class Rebased:
    """Rows and ticks re-read against the store, ready to be shown."""

    rows: list[MarkRow]
    text: list[tuple[str, ...]]
    hay: list[str]
    ticked: list[bool]
    foreign: set[int]
    """Rows marked for another template."""


@dataclass(frozen=True)
class RowsSnapshot:
    """The matrix's rows copied on the GUI thread, so a worker can rebase them without the model.

    A worker must hold no Qt object: if its closure kept the model alive and
    dropped the last reference there, Qt would destroy it on the wrong thread.
    """

    rows: list[MarkRow]
    text: list[tuple[str, ...]]
    hay: list[str]
    readers: Sequence[Callable[[MarkRow], str]]
    template_id: int

    def rebase(self, store: StoreView) -> Rebased:
        """The rows as the store has them now (owners and last syncs re-read)."""
        rows, text, hay = list(self.rows), list(self.text), list(self.hay)
        owners, names, synced = store.owners, store.names, store.synced
        for source, row in enumerate(rows):
            owner_id = owners.get(row.code)
            last_sync = synced.get(row.code, row.last_sync)
            if owner_id != row.owner_id or last_sync != row.last_sync:
                fresh = replace(
                    row,
                    owner_id=owner_id,
                    owner=names.get(owner_id, "") if owner_id is not None else "",
                    last_sync=last_sync,
                )
                rows[source] = fresh
                text[source] = tuple(read(fresh) for read in self.readers)
                hay[source] = "\n".join(text[source]).casefold()
        template_id = self.template_id
        ticked = [row.owner_id == template_id for row in rows]
        foreign = {
            source
            for source, row in enumerate(rows)
            if row.owner_id is not None and row.owner_id != template_id
        }
        return Rebased(rows, text, hay, ticked, foreign)


TickGuard = Callable[[list[MarkRow]], set[str]]
"""Asked before ticking rows marked for another template; returns the codes that may move."""


def _checked(value: object) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return value == Qt.CheckState.Checked.value


class MarkingModel(OneCallPerCell, QAbstractTableModel):
    """Rows of a marking matrix for one kind (customer or item) and one template."""

    counts_changed = Signal()

    def __init__(self, kind: str, template_id: int) -> None:
        super().__init__()
        self.kind = kind
        self.template_id = template_id
        self.columns = CUSTOMER_COLUMNS if kind == CUSTOMER else ITEM_COLUMNS
        self.tick_guard: TickGuard | None = None
        self.moves: set[str] = set()
        self._rows: list[MarkRow] = []
        self._text: list[tuple[str, ...]] = []
        self._hay: list[str] = []
        self._ticked: list[bool] = []
        self._saved: list[bool] = []
        self._order: list[int] = []
        self._view: list[int] = []
        self._foreign: set[int] = set()
        self._keys: dict[int, list[str]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._sorted_rows = 0
        self._needle = ""
        self.ticked_count = 0
        self.changed_count = 0

    # ---- Qt model API ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        source = self._view[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ROW_NUMBER:
                return str(index.row() + 1)
            if column == SYNC:
                return None
            return self._text[source][column - 2]
        if role == Qt.ItemDataRole.CheckStateRole and column == SYNC:
            return Qt.CheckState.Checked if self._ticked[source] else Qt.CheckState.Unchecked
        changed = self._ticked[source] != self._saved[source]
        if role == Qt.ItemDataRole.BackgroundRole and changed:
            return CHANGED_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and column == self.columns.template_column:
            return OTHER_TEMPLATE if self._owned_elsewhere(source) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(source, changed)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROW_NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns.headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == SYNC:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != SYNC:
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.set_ticked([index.row()], _checked(value))
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        wanted = (column, order) if column >= 0 else None
        if wanted == self._sort and self._sorted_rows == len(self._rows):
            return
        self._sort = wanted
        self._sorted_rows = len(self._rows)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [(self._view[p.row()], p.column()) for p in persistent]
        self._order = self._sorted_order()
        self._view = self._filtered(self._order)
        if persistent:
            position = self._positions([source for source, _column in before])
            after = [
                self.index(position[source], column) if source in position else QModelIndex()
                for source, column in before
            ]
            self.changePersistentIndexList(persistent, after)
        self.layoutChanged.emit()

    def _positions(self, sources: list[int]) -> dict[int, int]:
        """Where some source rows are in the view: ``list.index`` for a few, a C-built map else."""
        view = self._view
        if len(set(sources)) > FEW_PERSISTENT:
            return dict(zip(view, range(len(view)), strict=True))
        found: dict[int, int] = {}
        for source in sources:
            if source not in found:
                try:
                    found[source] = view.index(source)
                except ValueError:
                    continue
        return found

    # ---- rows ----------------------------------------------------------------------

    def append(self, rows: Sequence[MarkRow]) -> None:
        """Add rows read from SAP (ticked when marked for this template)."""
        if not rows:
            return
        start = len(self._rows)
        for row in rows:
            self._add(row)
        self._keys.clear()
        fresh = range(start, len(self._rows))
        self._order.extend(fresh)
        shown = self._filtered(fresh)
        if shown:
            first = len(self._view)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._view.extend(shown)
            self.endInsertRows()
        self.counts_changed.emit()

    def _add(self, row: MarkRow) -> None:
        marked = row.marked_for(self.template_id)
        text = tuple(read(row) for read in self.columns.text)
        self._rows.append(row)
        self._text.append(text)
        self._hay.append("\n".join(text).casefold())
        self._ticked.append(marked)
        self._saved.append(marked)
        self.ticked_count += marked
        if row.owner_id is not None and row.owner_id != self.template_id:
            self._foreign.add(len(self._rows) - 1)

    def total(self) -> int:
        """Rows read, filtered or not."""
        return len(self._rows)

    def row_at(self, row: int) -> MarkRow:
        """The record shown at a model row."""
        return self._rows[self._view[row]]

    def is_ticked(self, row: int) -> bool:
        """Whether the Sync box of a model row is ticked."""
        return self._ticked[self._view[row]]

    def set_ticked(self, rows: Iterable[int], ticked: bool) -> int:
        """Tick or untick model rows; rows of another template are ticked only when allowed."""
        view, flags, saved = self._view, self._ticked, self._saved
        shown = view if isinstance(rows, range) and rows == range(len(view)) else None
        picked = shown if shown is not None else [view[row] for row in rows]
        sources = [s for s in picked if flags[s] != ticked]
        if ticked:
            sources = self._allowed(sources)
        if not sources:
            return 0
        for source in sources:
            flags[source] = ticked
        # A source whose saved state equals the new tick is no longer changed; the rest now are.
        back = sum(map(saved.__getitem__, sources))
        back = back if ticked else len(sources) - back
        self.changed_count += len(sources) - 2 * back
        self.ticked_count += len(sources) if ticked else -len(sources)
        self._emit_rows_changed(sources)
        self.counts_changed.emit()
        return len(sources)

    def set_all(self, ticked: bool) -> int:
        """Select All / Clear All over the rows the filter shows."""
        return self.set_ticked(range(len(self._view)), ticked)

    def _allowed(self, sources: list[int]) -> list[int]:
        if not self._foreign:
            return sources
        foreign = sorted(self._foreign.intersection(sources))
        asking = [self._rows[s] for s in foreign if self._rows[s].code not in self.moves]
        if asking:
            consent = self.tick_guard(asking) if self.tick_guard is not None else set()
            self.moves |= consent
        refused = {s for s in foreign if self._rows[s].code not in self.moves}
        return [s for s in sources if s not in refused] if refused else sources

    def _owned_elsewhere(self, source: int) -> bool:
        owner = self._rows[source].owner_id
        return owner is not None and owner != self.template_id

    def _emit_rows_changed(self, sources: list[int]) -> None:
        if len(sources) > len(self._view) // 4:
            first, last = 0, len(self._view) - 1
        else:
            position = set(sources)
            rows = [row for row, source in enumerate(self._view) if source in position]
            if not rows:
                return
            first, last = min(rows), max(rows)
        if last >= first:
            self.dataChanged.emit(
                self.index(first, 0), self.index(last, self.columnCount() - 1), []
            )

    def _tooltip(self, source: int, changed: bool) -> str | None:
        if changed:
            return CHANGED_TIP
        if self._owned_elsewhere(source):
            return f"Marked for template {self._rows[source].owner}"
        return None

    # ---- saving ----------------------------------------------------------------------

    def changes(self) -> tuple[list[str], list[str]]:
        """Codes newly ticked and codes newly unticked since the store was read."""
        rows, saved = self._rows, self._saved
        changed = [s for s, flag in enumerate(self._ticked) if flag != saved[s]]
        tick = [rows[s].code for s in changed if not saved[s]]
        untick = [rows[s].code for s in changed if saved[s]]
        return tick, untick

    def apply_store(self, store: StoreView) -> None:
        """Take the store's marks as the truth again (after a save): every change is gone."""
        self.adopt(self.rebase(store))

    def rebase(self, store: StoreView) -> Rebased:
        """The rows as the store has them now."""
        return self.snapshot().rebase(store)

    def snapshot(self) -> RowsSnapshot:
        """A copy of the rows (plain Python, no Qt) that a worker thread may rebase."""
        return RowsSnapshot(
            list(self._rows), list(self._text), list(self._hay), self.columns.text, self.template_id
        )

    def adopt(self, rebased: Rebased) -> None:
        """Show rows rebased on the store (same records, same order)."""
        self.beginResetModel()
        self._rows, self._text, self._hay = rebased.rows, rebased.text, rebased.hay
        self._ticked = rebased.ticked
        self._saved = list(rebased.ticked)
        self._keys.clear()
        self._foreign = rebased.foreign
        self.ticked_count = sum(rebased.ticked)
        self.changed_count = 0
        self.moves.clear()
        self._sorted_rows = -1
        self._view = self._filtered(self._order)
        self.endResetModel()
        self.counts_changed.emit()

    # ---- sorting and filtering ---------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only rows whose texts contain ``text`` (any case)."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._view = self._filtered(self._order)
        self.endResetModel()
        self.counts_changed.emit()

    def resort(self) -> None:
        """Apply the current sort again (after rows were appended)."""
        if self._sort is not None:
            self._sorted_rows = -1
            self.sort(*self._sort)

    def _filtered(self, sources: Iterable[int]) -> list[int]:
        if not self._needle:
            return list(sources)
        needle, hay = self._needle, self._hay
        return [s for s in sources if needle in hay[s]]

    def _sorted_order(self) -> list[int]:
        order = list(range(len(self._rows)))
        if self._sort is None:
            return order
        column, direction = self._sort
        reverse = direction == Qt.SortOrder.DescendingOrder
        if column == ROW_NUMBER:
            return order[::-1] if reverse else order
        if column == SYNC:
            ticked = self._ticked
            order.sort(key=ticked.__getitem__, reverse=reverse)
            return order
        keys = self._keys.get(column)
        if keys is None:
            field = column - 2
            keys = self._keys[column] = [text[field].casefold() for text in self._text]
        order.sort(key=keys.__getitem__, reverse=reverse)
        return order
