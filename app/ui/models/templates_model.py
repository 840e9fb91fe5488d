"""The grid of templates on the Templates form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.ui.data.templates import TemplateRow
from app.ui.models.sorting import sort_displayed

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("#", "Template Name", "Sandbox", "Active", "SAP Company", "Tagrain URL")


class TemplatesModel(QAbstractTableModel):
    """Templates, one per row, read-only (the form's buttons change them)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[TemplateRow] = []

    def set_rows(self, rows: Sequence[TemplateRow]) -> None:
        """Show these templates."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by what a column shows (the grid's Sort menu)."""
        sort_displayed(self, self._rows, column, order, self._store_rows)

    def _store_rows(self, rows: list[Any]) -> None:
        self._rows = rows

    def row_at(self, row: int) -> TemplateRow:
        """The template shown at a row."""
        return self._rows[row]

    def row_of(self, template_id: int) -> int:
        """The row of a template, or -1."""
        return next((n for n, r in enumerate(self._rows) if r.id == template_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        t = self._rows[index.row()]
        values = (
            str(index.row() + 1),
            t.name,
            "Yes" if t.is_sandbox else "No",
            "Yes" if t.active else "No",
            t.sap_company_db,
            t.tagrain_url,
        )
        return values[index.column()]
