"""The preview window's grid: one row per record a preview went through.

A read-only ``QAbstractTableModel`` (``RowsModel``) over the ``PreviewRow``s of
a preview, skipped records hidden unless asked for. The action column is
coloured as SAP colours messages: writes in the brand blue, waits orange,
failures red, skipped grey.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from app.ui.data.preview import PreviewRow
from app.ui.models.run_models import ERROR, WARNING, Index, RowsModel

WRITE, SKIPPED = QColor("#346187"), QColor("#6a6d70")
KIND_COLOURS = {
    "created": WRITE,
    "updated": WRITE,
    "cancelled": WRITE,
    "linked": WRITE,
    "waiting": WARNING,
    "failed": ERROR,
    "skipped": SKIPPED,
}


class PreviewModel(RowsModel[PreviewRow]):
    """Object, source id, what would happen, on which side to what, and the detail."""

    status_column = 3

    def __init__(self, labels: dict[str, str] | None = None, parent: QObject | None = None) -> None:
        self._labels = dict(labels or {})
        self._all: list[PreviewRow] = []
        self.with_skipped = False
        super().__init__(
            [
                ("#", lambda _r: ""),
                ("Object", lambda r: self._labels.get(r.object, r.object)),
                ("Source Id", lambda r: r.source_id),
                ("Action", lambda r: r.action),
                ("Side", lambda r: r.side),
                ("Would Write", lambda r: r.what),
                ("Detail", lambda r: r.detail),
            ],
            parent,
        )

    def set_labels(self, labels: dict[str, str]) -> None:
        """The user's words for the job names ("customers_up" → "Customers")."""
        self._labels = dict(labels)

    def show_rows(self, rows: Sequence[PreviewRow]) -> None:
        """Every row of the preview; skipped ones show only with ``set_with_skipped(True)``."""
        self._all = list(rows)
        self._refilter()

    def set_with_skipped(self, with_skipped: bool) -> None:
        """Show or hide the skipped records."""
        if with_skipped != self.with_skipped:
            self.with_skipped = with_skipped
            self._refilter()

    def all_rows(self) -> list[PreviewRow]:
        """Every row of the preview, skipped ones included."""
        return list(self._all)

    def _refilter(self) -> None:
        self.set_rows([r for r in self._all if self.with_skipped or r.kind != "skipped"])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.column() == 0 and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return str(index.row() + 1)
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.status_column:
            return KIND_COLOURS.get(row.kind)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == len(self._columns) - 1:
            return row.message or row.detail
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)
