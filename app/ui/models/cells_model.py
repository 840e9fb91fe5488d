"""Read-only rows whose cells live in Qt's own item model, so painting them runs no Python.

A table model written in Python is asked, for every cell it paints, for its
row and column counts (``index`` checks them) and for the cell's roles; each
of those calls takes the GIL back from whichever thread holds it. During a
Sync Now the run's threads hold it most of the time, and the perf profile of
the Sync Monitor at the start of a run showed the GUI thread waiting for the
GIL in ``QAbstractItemModel::hasIndex`` and ``QHeaderView::paintEvent``, up
to 140 ms without an event handled.

``CellsModel`` keeps what every cell shows (text, alignment, colour, header
labels) in a ``QStandardItemModel``: painting it is all C++. Python runs only
when rows are shown: ``set_rows`` writes just the cells whose text changed,
inserts rows that came first (a new run at the top) or last, and never
resets the model, so selection and scrolling stay where the user left them.
The rows themselves stay available as Python objects (``row_at``, ``rows``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

Row = TypeVar("Row")
Cell = tuple[str, int, "QColor | None"]
"""What a cell shows: its text, its alignment (0: the view's default) and its colour."""

FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def sort_key(value: object) -> tuple[int, float, str]:
    """Blanks first, then numbers as numbers, then text without case."""
    if value is None or value == "":
        return (0, 0.0, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, float(value), "")
    return (2, 0.0, str(value).casefold())


def cell_of(value: object, colours: Mapping[str, QColor] | None = None) -> Cell:
    """How a value shows: as text, whole numbers right-aligned, coloured by ``colours``."""
    text = "" if value is None else str(value)
    numeric = isinstance(value, int) and not isinstance(value, bool)
    colour = colours.get(text.lower()) if colours is not None else None
    return (text, RIGHT if numeric else 0, colour)


def roles(cell: Cell) -> dict[int, object]:
    """What an item holds for a cell, by role (None clears a role; the text is the tooltip)."""
    text, alignment, colour = cell
    return {
        Qt.ItemDataRole.DisplayRole: text,
        Qt.ItemDataRole.ToolTipRole: text or None,
        Qt.ItemDataRole.TextAlignmentRole: alignment or None,
        Qt.ItemDataRole.ForegroundRole: colour,
    }


def make_item(cell: Cell) -> QStandardItem:
    """A read-only item showing a cell."""
    item = QStandardItem()
    item.setFlags(FLAGS)
    for role, value in roles(cell).items():
        if value is not None:
            item.setData(value, role)
    return item


class CellsModel(QStandardItemModel, Generic[Row]):
    """Read-only rows; ``columns`` are (header, value of a row) pairs; ``key`` names a row.

    ``status_column``'s text picks its colour from ``colours`` (lower case);
    whole numbers are right-aligned.
    """

    status_column = -1
    colours: ClassVar[Mapping[str, QColor]] = {}

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[Row], object]]],
        key: Callable[[Row], Hashable],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(0, len(columns), parent)
        self._columns = list(columns)
        self._key = key
        self._rows: list[Row] = []
        self._shown: list[tuple[Cell, ...]] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.setHorizontalHeaderLabels([header for header, _ in self._columns])

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show these rows (in the order the user sorted by, if any)."""
        self._apply(self._sorted(list(rows)))

    def refresh(self) -> None:
        """Show the rows again after something their cells depend on changed."""
        self._apply(self._rows)

    def rows(self) -> list[Row]:
        """The rows shown, in order."""
        return list(self._rows)

    def row_at(self, row: int) -> Row:
        """The row shown at a position."""
        return self._rows[row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column's values; the selection follows its rows."""
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        before = self._rows
        after = self._sorted(before)
        moved = {id(row): n for n, row in enumerate(after)}
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        new = [self.index(moved[id(before[i.row()])], i.column()) for i in old]
        blocked = self.blockSignals(True)
        try:
            self._rows = after
            self._update([self._cells(row) for row in after], self._shown)
        finally:
            self.blockSignals(blocked)
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[Row]) -> list[Row]:
        if self._sort is None:
            return rows
        column, order = self._sort
        value_of = self._columns[column][1]
        return sorted(
            rows,
            key=lambda row: sort_key(value_of(row)),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def _cells(self, row: Row) -> tuple[Cell, ...]:
        return tuple(
            cell_of(value_of(row), self.colours if column == self.status_column else None)
            for column, (_, value_of) in enumerate(self._columns)
        )

    def _apply(self, rows: list[Row]) -> None:
        """Make the shown rows these: insert at the top or the end when that is the change.

        New rows come in whole (``insertRow``: one rowsInserted each); a changed cell is
        updated in place (``setItemData``: one dataChanged). Replacing an item would make
        Qt announce a layout change for every cell.
        """
        old_keys = [self._key(row) for row in self._rows]
        new_keys = [self._key(row) for row in rows]
        cells = [self._cells(row) for row in rows]
        added = len(new_keys) - len(old_keys)
        shown = self._shown
        if added > 0 and new_keys[added:] == old_keys:
            for number in range(added):
                self.insertRow(number, [make_item(cell) for cell in cells[number]])
            shown = cells[:added] + shown
        elif added > 0:
            for number in range(len(shown), len(cells)):
                self.appendRow([make_item(cell) for cell in cells[number]])
            shown = shown + cells[len(shown) :]
        elif added < 0:
            self.removeRows(len(rows), -added)
            shown = shown[: len(rows)]
        self._rows = rows
        self._update(cells, shown)

    def _update(self, cells: list[tuple[Cell, ...]], shown: list[tuple[Cell, ...]]) -> None:
        for number, (now, before) in enumerate(zip(cells, shown, strict=True)):
            if now == before:
                continue
            for column, cell in enumerate(now):
                if cell != before[column]:
                    self.setItemData(self.index(number, column), roles(cell))
        self._shown = cells
