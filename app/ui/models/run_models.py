"""Table models of the Sync Monitor and the settings: objects, runs and record outcomes.

Every model is read-only over a list of frozen rows; a column is a header and
a function of the row. The Sync Monitor's dashboard and run list keep their
cells in Qt (``CellsModel``: painting them during a run needs no GIL); the
others answer from Python, every role of a cell in one call. Status columns are
coloured as SAP colours messages (red failed, green succeeded, orange partial
and waiting). A preview's run says so after its trigger ("Sync Now (preview)").

A form passes itself as the model's parent, so Qt destroys the model with
the form, on the GUI thread. Without a parent a model whose columns refer to
it (the dashboard's lease columns, the schedule's last runs) is a reference
cycle, freed by whichever thread happens to run Python's garbage collector,
possibly a worker (see ``app.ui.background`` on why that crashes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from app.sync.jobs import JOB_LABELS
from app.ui.data.activity import LeaseView
from app.ui.data.runs import DashboardRow, RecordRow, RunRow
from app.ui.models.cells_model import Cell, CellsModel, cell_of, roles, sort_key
from app.ui.models.one_call import fill_roles

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
ERROR, SUCCESS, WARNING = QColor("#bb0000"), QColor("#2b7c2b"), QColor("#e78c07")
STATUS_COLOURS = {
    "failed": ERROR,
    "succeeded": SUCCESS,
    "ok": SUCCESS,
    "partial": WARNING,
    "cancelled": WARNING,
    "skipped": WARNING,
    "waiting": WARNING,
    "running": QColor("#427cac"),
}
TRIGGERS = {
    "manual": "Sync Now",
    "schedule": "Scheduled",
    "service": "Service",
    "cli": "Command line",
    "retry": "Retry",
    "init": "Initial Load",
}


RECORD_STATUSES = {"failed": "Failed", "waiting": "Waiting"}
PREVIEW_MARK = " (preview)"


def trigger_text(row: RunRow) -> str:
    """Who started a run, and "(preview)" after it when the run wrote nothing."""
    text = TRIGGERS.get(row.trigger, row.trigger)
    return text + PREVIEW_MARK if row.dry_run else text


LONGEST_TIME = "2000-12-28 20:58:58"
"""As wide as any time ``when`` writes (for column widths)."""
LONGEST_TRIGGER = max(TRIGGERS.values(), key=len)
"""As wide as any trigger (for column widths; a preview run's adds ``PREVIEW_MARK``)."""


def when(value: datetime | None) -> str:
    """A time in the user's zone, to the second ("" when there is none)."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else ""


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Read-only rows; ``columns`` are (header, value of a row) pairs."""

    status_column = -1

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[Row], object]]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show these rows (in the order the user sorted by, if any)."""
        self.beginResetModel()
        self._rows = self._sorted(list(rows))
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column's values (numbers as numbers, blanks first)."""
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self._rows
        self._rows = self._sorted(before)
        moved = {id(row): n for n, row in enumerate(self._rows)}
        old = self.persistentIndexList()
        self.changePersistentIndexList(
            old, [self.index(moved[id(before[i.row()])], i.column()) for i in old]
        )
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

    def append_rows(self, rows: Sequence[Row]) -> None:
        """Show these rows after the ones shown (the selection and scroll stay)."""
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def rows(self) -> list[Row]:
        """The rows shown, in order."""
        return list(self._rows)

    def row_at(self, row: int) -> Row:
        """The row shown at a position."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        return roles(self._cell(index)).get(role)

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role of a cell in one call (``app.ui.models.one_call``); the cell found once."""
        if type(self).data is not RowsModel.data:
            fill_roles(roleDataSpan, lambda role: self.data(index, role))
            return
        answers = roles(self._cell(index)) if index.isValid() else {}
        fill_roles(roleDataSpan, answers.get)

    def _cell(self, index: Index) -> Cell:
        column = index.column()
        value = self._columns[column][1](self._rows[index.row()])
        return cell_of(value, STATUS_COLOURS if column == self.status_column else None)


class DashboardModel(CellsModel[DashboardRow]):
    """One row per object: last run, outcome, next run, waiting records, failures.

    The last three columns say who runs the object right now (machine, process,
    since when); they come from ``set_leases``, read every few seconds.
    """

    status_column = 3
    colours = STATUS_COLOURS
    lease_columns = range(8, 11)
    room: ClassVar[Mapping[int, str]] = {1: LONGEST_TIME, 2: LONGEST_TRIGGER, 4: LONGEST_TIME}
    """Columns often empty when first shown (Last Run, Trigger, Next Run): the longest
    text each will hold, so its width can be kept for it without reading any cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        self._leases: Mapping[str, LeaseView] = {}
        super().__init__(
            [
                ("Object", lambda r: r.label),
                ("Last Run", lambda r: when(r.last_started)),
                ("Trigger", lambda r: TRIGGERS.get(r.last_trigger, r.last_trigger)),
                ("Outcome", lambda r: r.outcome.capitalize() if r.outcome else "Never run"),
                ("Next Run", lambda r: when(r.next_run) or "—"),
                ("Schedule", lambda r: r.schedule),
                ("Retry Queue", lambda r: r.waiting),
                ("Failures", lambda r: r.failures),
                ("Running On", lambda r: self._lease_text(r, "machine")),
                ("Process", lambda r: self._lease_text(r, "process")),
                ("Since", lambda r: self._lease_text(r, "since")),
                ("Why Waiting", lambda r: r.waiting_reasons),
            ],
            lambda r: r.object,
            parent,
        )

    def _lease_text(self, row: DashboardRow, part: str) -> str:
        lease = self._leases.get(row.object)
        if lease is None:
            return ""
        if part == "since":
            return when(lease.since)
        holder = lease.holder
        if part == "machine":
            return "this desktop" if holder.this_process else holder.machine
        return str(holder.pid) if holder.pid is not None else ""

    def lease_of(self, name: str) -> LeaseView | None:
        """The live lease shown for an object."""
        return self._leases.get(name)

    def set_leases(self, leases: Mapping[str, LeaseView]) -> bool:
        """Show who runs each object now (only the lease columns change); whether any did."""
        if dict(leases) == dict(self._leases):
            return False
        self._leases = dict(leases)
        self.refresh()
        return True


class RunsModel(CellsModel[RunRow]):
    """The run history: object (the user's name), trigger (previews marked), status, counts."""

    status_column = 3
    colours = STATUS_COLOURS

    room: ClassVar[Mapping[int, str]] = {
        2: LONGEST_TRIGGER + PREVIEW_MARK,
        4: LONGEST_TIME,
        5: LONGEST_TIME,
    }
    """Trigger, Started and Finished (a running run has no Finished yet): the longest text
    each will hold, so its width can be kept for it without reading any cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                ("Run", lambda r: r.id),
                ("Object", lambda r: JOB_LABELS.get(r.object, r.object)),
                ("Trigger", trigger_text),
                ("Status", lambda r: r.status.capitalize()),
                ("Started", lambda r: when(r.started_at)),
                ("Finished", lambda r: when(r.finished_at)),
                ("Total", lambda r: r.total),
                ("Created", lambda r: r.created),
                ("Updated", lambda r: r.updated),
                ("Skipped", lambda r: r.skipped),
                ("Failed", lambda r: r.failed),
                ("Waiting", lambda r: r.waiting),
                ("Message", lambda r: r.message or ""),
                ("Why Waiting", lambda r: r.waiting_reasons),
            ],
            lambda r: r.id,
            parent,
        )


class RecordsModel(RowsModel[RecordRow]):
    """Every record of a run: source id, target, action, status and SAP's message.

    Status is OK, Failed or Waiting (the record needs another object's record
    that is not in SAP yet); Retry Queued says the record is in the retry queue.
    """

    status_column = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                ("Source Id", lambda r: r.source_id),
                ("Target Key", lambda r: r.target_key or ""),
                ("Action", lambda r: r.action.capitalize()),
                ("Status", lambda r: RECORD_STATUSES.get(r.status, "OK")),
                ("Retry Queued", lambda r: "Yes" if r.waiting else ""),
                ("Message", lambda r: r.message or ""),
            ],
            parent,
        )
        self.ids: set[int] = set()
        self.last_id = 0

    def set_rows(self, rows: Sequence[RecordRow]) -> None:
        """Show these records; remember their ids so a live read appends only new ones."""
        super().set_rows(rows)
        self.ids = {row.id for row in rows}
        self.last_id = max(self.ids, default=0)

    def append_rows(self, rows: Sequence[RecordRow]) -> None:
        """Show the records not shown yet after the ones shown."""
        fresh = [row for row in rows if row.id not in self.ids]
        super().append_rows(fresh)
        self.ids.update(row.id for row in fresh)
        self.last_id = max(self.last_id, max((row.id for row in fresh), default=0))
