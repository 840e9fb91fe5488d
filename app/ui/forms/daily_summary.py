"""Daily Summary: what each object did on one day — successes, retries, failures, waiting.

The numbers come from the sync core's ``daily_summary`` over the run history,
the same figures `integration-hub summary` prints and e-mails; the form adds
a date, a grid and Export to CSV.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from app.scheduling import local_zone
from app.sync.summary import SummaryRow, daily_summary
from app.ui.context import FormContext
from app.ui.models.run_models import RowsModel
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.grid_menu import install_grid_menu

COLUMNS = (
    ("Template", lambda r: r.template),
    ("Object", lambda r: r.label),
    ("Runs", lambda r: r.runs),
    ("Succeeded", lambda r: r.succeeded),
    ("Retried", lambda r: r.retried),
    ("Failed", lambda r: r.failed),
    ("Waiting", lambda r: r.waiting),
    ("Why Waiting", lambda r: r.waiting_reasons),
)


class DailySummaryForm(BaseForm):
    """The day's successes, retries and failures per object and template."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Daily Summary", parent)
        top = QHBoxLayout()
        top.addWidget(QLabel("Date"))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.dateChanged.connect(self.refresh)
        top.addWidget(self.date_edit)
        top.addStretch(1)
        self.export_button = QPushButton("Export to Excel…")
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.export_button)
        self.body.addLayout(top)
        self.model: RowsModel[SummaryRow] = RowsModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.grid_menu = install_grid_menu(self.view, self.messenger, "integration-hub-summary")
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        self.body.addWidget(self.view, 1)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.body.addWidget(self.hint)
        self.resize(self.sizeHint())
        self.refresh()

    def sizeHint(self) -> QSize:
        """Wide enough for the counts and a readable Why Waiting (fits 1366×768 beside the menu)."""
        return QSize(980, 460)

    def day(self) -> date:
        """The day shown."""
        chosen = self.date_edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def refresh(self) -> None:
        """Read the summary of the chosen day from the store."""
        rows = daily_summary(self.context.database, self.day(), local_zone())
        self.model.set_rows(rows)
        self.hint.setText(
            "Nothing ran on this day."
            if not rows
            else "Retried: records that failed before and went through this day. "
            "Waiting: records queued for a retry now."
        )

    def export(self) -> None:
        """Write the summary shown to Excel (or CSV), into Documents unless the user moves it."""
        self.grid_menu.name = f"integration-hub-summary-{self.day().isoformat()}"
        self.grid_menu.export()

    def save(self) -> None:
        """Nothing to save: the summary is read-only (OK only closes it)."""

    def reload(self) -> None:
        """Data → Refresh reads the day again."""
        self.refresh()
