"""An editable grid model over mapping rows; rows that are not mapped yet are shown loudly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.ui.lists import ListKind
from app.ui.style import ERROR, SUCCESS

Index = QModelIndex | QPersistentModelIndex
UNMAPPED_BACKGROUND = QColor("#ffebeb")
STATUS_HEADER = "Status"


class MappingRow(Protocol):
    """A row of a mapping: its fields are attributes; ``problem`` says what is missing.

    A row may also have ``note()``: what a mapped row does that its cells do not
    show, added to its status and tooltip.
    """

    def problem(self) -> str | None: ...


@dataclass(frozen=True)
class Column:
    """One column: header, row attribute, whether users edit it, how it shows, its list."""

    header: str
    attribute: str
    editable: bool = False
    choices: dict[str, str] | None = None
    list_kind: ListKind | None = None


class MappingModel(QAbstractTableModel):
    """Rows of one mapping with a trailing Status column; edits change the rows in place."""

    edited = Signal()

    def __init__(self, columns: Sequence[Column]) -> None:
        super().__init__()
        self.columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[MappingRow]) -> None:
        """Show these rows (the model edits the very objects)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        """The rows with the user's edits."""
        return list(self._rows)

    def unmapped_count(self) -> int:
        """How many rows still lack their SAP side."""
        return sum(1 for row in self._rows if row.problem() is not None)

    def refresh(self) -> None:
        """Show every row again (what they depend on outside the grid changed)."""
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.columns))
            self.dataChanged.emit(self.index(0, 0), last)

    def column_of(self, attribute: str) -> int:
        """The column index showing a row attribute."""
        return next(i for i, c in enumerate(self.columns) if c.attribute == attribute)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self.columns[section].header if section < len(self.columns) else STATUS_HEADER

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = index.column()
        if index.isValid() and column < len(self.columns) and self.columns[column].editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        problem = row.problem()
        note = getattr(row, "note", lambda: None)()
        status_column = index.column() == len(self.columns)
        if role == Qt.ItemDataRole.DisplayRole:
            if status_column:
                if problem is None:
                    return f"Mapped: {note}" if note else "Mapped"
                return f"Unmapped: {problem}"
            column = self.columns[index.column()]
            value = str(getattr(row, column.attribute))
            return column.choices.get(value, value) if column.choices else value
        if role == Qt.ItemDataRole.EditRole and not status_column:
            return str(getattr(row, self.columns[index.column()].attribute))
        if role == Qt.ItemDataRole.ForegroundRole:
            if problem is not None:
                return QBrush(QColor(ERROR))
            return QBrush(QColor(SUCCESS)) if status_column else None
        if role == Qt.ItemDataRole.BackgroundRole and problem is not None:
            return QBrush(UNMAPPED_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and status_column and problem is not None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and problem is not None:
            return f"Not mapped: {problem}. Sync runs skip or fail on this value."
        if role == Qt.ItemDataRole.ToolTipRole and note:
            return f"Mapped: {note}."
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() >= len(self.columns) or not self.columns[index.column()].editable:
            return False
        row = self._rows[index.row()]
        attribute = self.columns[index.column()].attribute
        text = str(value).strip()
        if getattr(row, attribute) == text:
            return False
        setattr(row, attribute, text)
        last = self.index(index.row(), len(self.columns))
        first = self.index(index.row(), 0)
        self.dataChanged.emit(first, last)
        self.edited.emit()
        return True


def count_label(model: MappingModel, noun: str) -> Callable[[], str]:
    """A function describing how many rows of a grid are still unmapped."""

    def label() -> str:
        missing = model.unmapped_count()
        if missing == 0:
            return f"All {model.rowCount()} {noun} are mapped."
        return f"{missing} of {model.rowCount()} {noun} are not mapped."

    return label
