"""Reconciliation: per store and business day, the till's figures next to SAP's books.

Choose a template, a date range and optionally stores (codes, comma
separated) and press Reconcile: both systems are read live on a worker, and
the grid lists each figure green when it matches and red when it does not.
Selecting a line shows the records behind it below (the receipt not posted
and why, the invoice posted twice, the payment cancelled ...). Export to CSV
writes the whole report.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.sync.reconcile import Finding, Reconciliation
from app.sync.reconcile.export import amount
from app.sync.reconcile.model import RECORDS
from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data.reconciliation import (
    FigureLine,
    drill_down,
    export_csv,
    figure_lines,
    parse_stores,
    run_reconciliation,
)
from app.ui.models.run_models import ERROR, SUCCESS, RowsModel
from app.ui.widgets.template_form import TemplateForm

Index = QModelIndex | QPersistentModelIndex
MATCH_BACKGROUND, DIFFER_BACKGROUND = QColor("#e3f1e3"), QColor("#f8dede")
READING = "Reconciling: reading Tagrain's receipts and SAP's postings…"
FIGURE_COLUMNS = (
    ("Store", lambda r: r.store),
    ("Day", lambda r: r.date),
    ("Figure", lambda r: r.row.figure),
    ("Tagrain", lambda r: r.tagrain),
    ("SAP", lambda r: r.sap),
    ("Difference", lambda r: r.difference),
    ("Status", lambda r: r.status),
)
FINDING_COLUMNS = (
    ("What", lambda f: f.label),
    ("Record", lambda f: f.record),
    ("SAP Documents", lambda f: ", ".join(f.sap_keys)),
    ("Tagrain", lambda f: amount(f.tagrain_amount)),
    ("SAP", lambda f: amount(f.sap_amount)),
    ("Detail", lambda f: f.detail),
)


class FiguresModel(RowsModel[FigureLine]):
    """Figure lines on green (matches) or red (differs), the status in the same colour."""

    status_column = 6

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self.row_at(index.row())
        if role == Qt.ItemDataRole.BackgroundRole:
            return MATCH_BACKGROUND if line.matches else DIFFER_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.status_column:
            return SUCCESS if line.matches else ERROR
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (3, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class ReconciliationForm(TemplateForm):
    """Administration → Integration Hub → Reconciliation."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Reconciliation", parent)
        self.setObjectName("reconciliationForm")
        self.report: Reconciliation | None = None
        self._pending = 0
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._range_bar())
        self.summary = QLabel("Choose the days and press Reconcile.")
        self.summary.setObjectName("reconcileSummary")
        self.summary.setWordWrap(True)
        column.addWidget(self.summary)
        self.figures = FiguresModel(FIGURE_COLUMNS, self)
        self.grid = self._table("figuresGrid", self.figures, stretch=2)
        self.grid.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.records = RowsModel[Finding](FINDING_COLUMNS, self)
        self.records_grid = self._table("recordsGrid", self.records, stretch=5)
        self.records_label = QLabel("Records behind the selected figure")
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.setContentsMargins(0, 0, 0, 0)
        lower_column.addWidget(self.records_label)
        lower_column.addWidget(self.records_grid, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.grid)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 160])
        column.addWidget(splitter, 1)
        self.refresh_templates()

    def _range_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        yesterday = QDate.currentDate().addDays(-1)
        self.from_edit = self._date_edit("fromDate", yesterday)
        self.to_edit = self._date_edit("toDate", yesterday)
        self.store_edit = QLineEdit()
        self.store_edit.setObjectName("storeFilter")
        self.store_edit.setPlaceholderText("all stores (or codes: NYC, CHI)")
        self.only_differences = QCheckBox("Only differences")
        self.only_differences.setObjectName("onlyDifferences")
        self.only_differences.toggled.connect(self._show_report)
        self.reconcile_button = QPushButton("Reconcile")
        self.reconcile_button.setObjectName("reconcileButton")
        self.reconcile_button.setDefault(True)
        self.reconcile_button.clicked.connect(self.start)
        self.export_button = QPushButton("Export to CSV")
        self.export_button.setObjectName("exportButton")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        for label, widget in (("From", self.from_edit), ("To", self.to_edit)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(QLabel("Stores"))
        bar.addWidget(self.store_edit, 1)
        bar.addWidget(self.only_differences)
        bar.addWidget(self.reconcile_button)
        bar.addWidget(self.export_button)
        return bar

    def _date_edit(self, name: str, day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _table(self, name: str, model: QAbstractItemModel, stretch: int) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setModel(model)
        view.verticalHeader().setVisible(False)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        view.setWordWrap(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        return view

    def sizeHint(self) -> QSize:
        """Room for the figures and their records."""
        return QSize(980, 600)

    def load(self, template_id: int | None) -> None:
        """A new template: nothing shown until Reconcile is pressed."""
        self.report = None
        self.figures.set_rows([])
        self.records.set_rows([])
        self.export_button.setEnabled(False)
        self.summary.setText("Choose the days and press Reconcile.")

    def busy(self) -> bool:
        """Whether a reconciliation is running."""
        return self._pending > 0

    @staticmethod
    def _day(edit: QDateEdit) -> date:
        chosen = edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def start(self) -> None:
        """Reconcile the chosen days on a worker; the window stays responsive."""
        template_id = self.template_id
        if template_id is None or self.busy():
            return
        first, last = self._day(self.from_edit), self._day(self.to_edit)
        if last < first:
            self.summary.setText(f"The range ends ({last}) before it starts ({first}).")
            self.messenger.error("Choose a To date on or after the From date.")
            return
        if last - first > timedelta(days=92):
            self.summary.setText("Reconcile at most three months at a time.")
            self.messenger.error("Choose a shorter range.")
            return
        database, stores = self.context.database, parse_stores(self.store_edit.text())
        self._pending += 1
        self.reconcile_button.setEnabled(False)
        self.summary.setText(READING)
        self.messenger.info(READING)
        call = BackgroundCall(
            lambda: run_reconciliation(database, template_id, first, last, stores)
        )
        call.finished.connect(self._finished)
        call.failed.connect(self._failed)
        call.start()

    @Slot(object)
    def _finished(self, report: Reconciliation) -> None:
        self._pending -= 1
        self.reconcile_button.setEnabled(True)
        self.report = report
        self.export_button.setEnabled(True)
        self._show_report()
        unmatched = len(report.unmatched_days)
        if unmatched:
            verb = "does" if unmatched == 1 else "do"
            self.messenger.warning(f"{_days(unmatched)} {verb} not match.")
        else:
            self.messenger.success("Everything matches.")

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._pending -= 1
        self.reconcile_button.setEnabled(True)
        self.summary.setText(f"Reconciliation failed: {message}")
        self.messenger.error(f"Reconciliation failed: {message}")

    def _show_report(self) -> None:
        report = self.report
        if report is None:
            return
        self.figures.set_rows(figure_lines(report, self.only_differences.isChecked()))
        self.records.set_rows([])
        unmatched = report.unmatched_days
        if not report.days:
            text = "No store to reconcile."
        elif unmatched:
            found = len(report.findings)
            text = (
                f"{len(unmatched)} of {_days(len(report.days))} "
                f"{'does' if len(unmatched) == 1 else 'do'} not match "
                f"({found} record{'' if found == 1 else 's'} behind the differences). "
                "Select a figure to see its records."
            )
        else:
            text = f"All {_days(len(report.days))} match: SAP's books agree with the tills."
        self.summary.setText(text)
        if self.figures.rowCount():
            lines = self.figures.rows()
            red = [n for n, line in enumerate(lines) if not line.matches]
            first_red = next(
                (n for n in red if lines[n].row.figure != RECORDS), red[0] if red else 0
            )
            self.grid.selectRow(first_red)

    @Slot(QModelIndex, QModelIndex)
    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.records.set_rows([])
            return
        line = self.figures.row_at(current.row())
        found = drill_down(line)
        self.records.set_rows(found)
        self.records_label.setText(
            f"Records behind {line.row.figure} of {line.store} on {line.date}: {len(found)}"
        )

    def export(self) -> None:
        """Write the whole report to a CSV file the user chooses."""
        report = self.report
        if report is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Export to CSV",
            f"reconciliation-{report.first_day}-{report.last_day}.csv",
            "CSV files (*.csv)",
        )
        if not path:
            return
        rows = export_csv(Path(path), report)
        self.messenger.success(f"{rows} rows exported to {path}.")

    def save(self) -> None:
        """Nothing to save: the report is read-only."""


def _days(n: int) -> str:
    return f"{n} store day{'' if n == 1 else 's'}"
