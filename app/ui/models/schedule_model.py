"""The Synchronization Settings grid: one object per row, its schedule, last and next run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFont

from app.scheduling.drafts import ScheduleDraft
from app.ui.data.runs import DashboardRow
from app.ui.models.run_models import STATUS_COLOURS, Index, RowsModel, when

TIMING_COLUMNS = range(2, 7)
DISABLED = QColor("#8c8c8c")


def _interval(minutes: int) -> str:
    if not minutes:
        return "Once"
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


class ScheduleModel(RowsModel[ScheduleDraft]):
    """Drafts with the last run of each object; edited rows are shown in bold."""

    status_column = 8

    def __init__(self, tz: tzinfo, parent: QObject | None = None) -> None:
        self.tz = tz
        self._last: Mapping[str, DashboardRow] = {}
        self._edited: set[str] = set()
        super().__init__(
            [
                ("Enabled", lambda d: "Yes" if d.enabled else "No"),
                ("Object", lambda d: d.label),
                ("Frequency", lambda d: d.frequency.capitalize()),
                ("Weekdays", lambda d: d.weekdays.title() if d.frequency == "weekly" else ""),
                ("From", lambda d: d.window_start.strftime("%H:%M")),
                ("To", lambda d: d.window_end.strftime("%H:%M")),
                ("Interval", lambda d: _interval(d.interval_minutes)),
                ("Last Run", lambda d: when(self._last_started(d))),
                ("Outcome", lambda d: self._outcome(d)),
                ("Next Run", lambda d: when(d.next_run(self.tz)) or "—"),
            ],
            parent,
        )

    def _last_started(self, draft: ScheduleDraft) -> datetime | None:
        row = self._last.get(draft.object)
        return row.last_started if row is not None else None

    def _outcome(self, draft: ScheduleDraft) -> str:
        row = self._last.get(draft.object)
        return row.outcome.capitalize() if row is not None else ""

    def set_drafts(self, drafts: Sequence[ScheduleDraft], last: Sequence[DashboardRow]) -> None:
        """Show stored drafts (nothing edited) with each object's last run."""
        self._last = {row.object: row for row in last}
        self._edited = set()
        self.set_rows(drafts)

    def replace_draft(self, row: int, draft: ScheduleDraft) -> None:
        """Put an edited draft in a row."""
        self._rows[row] = draft
        self._edited.add(draft.object)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def edited(self) -> bool:
        """Whether any row was edited since the last load."""
        return bool(self._edited)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            if self._rows[index.row()].object in self._edited:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            enabled = self._rows[index.row()].enabled
            if index.column() == 0:
                return STATUS_COLOURS["succeeded"] if enabled else None
            if not enabled and index.column() in TIMING_COLUMNS:
                return DISABLED
        return super().data(index, role)

    def index_of(self, name: str) -> QModelIndex:
        """The first cell of an object's row."""
        for row, draft in enumerate(self._rows):
            if draft.object == name:
                return self.index(row, 0)
        return QModelIndex()
