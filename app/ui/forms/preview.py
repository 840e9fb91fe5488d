"""Synchronization Preview: what Sync Now of an object would write, and nothing written.

Opened by the client when a preview (Preview beside Sync Now) has ended and
its log rows were read on a worker (``SyncCenter.preview_ready``). The line
at the top counts the records by what would happen to them ("12 would be
created, 3 wait, 1 fails — nothing was written"); the grid lists each record:
the object, its source id, the action (would create / update / link, waits,
fails, skipped), the side and what would be written there (SAP A/R invoice,
Tagrain customer…) and the detail. Skipped records show only when asked
for. Export writes the rows to an Excel workbook (or CSV); Sync Now applies
the same object for real.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.ui.context import FormContext
from app.ui.data.preview import PreviewReport, PreviewRow
from app.ui.forms.sync_common import button, fit_columns, grid
from app.ui.models.preview_model import PreviewModel
from app.ui.sync_center import PREVIEW_KEYS
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.grid_menu import install_grid_menu
from app.ui.words import counted

FORM_KEY = "sync_preview"
"""The preview's sub-window key: one preview window, showing the latest preview."""
TITLE = "Synchronization Preview – {}"
NOTE = (
    "A preview reads SAP and Tagrain as Sync Now does and writes nothing to either, "
    "nor to the links and the retry queue. Keys such as Invoices:-3 stand for "
    "documents SAP would number."
)


class PreviewForm(BaseForm):
    """The rows of one preview, counted at the top, skipped ones behind a checkbox."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, TITLE.format(""), parent)
        self.setObjectName("syncPreviewForm")
        self.center = context.sync
        self.report: PreviewReport | None = None

        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.note = QLabel(NOTE)
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        self.body.addWidget(self.note)

        top = QHBoxLayout()
        self.scope = QLabel()
        self.scope.setObjectName("previewScope")
        self.with_skipped = QCheckBox("Show skipped records")
        self.with_skipped.setObjectName("showSkipped")
        self.with_skipped.toggled.connect(self._skipped_toggled)
        top.addWidget(self.scope)
        top.addStretch(1)
        top.addWidget(self.with_skipped)
        self.body.addLayout(top)

        labels = (
            {name: spec.label for name, spec in self.center.objects.items()} if self.center else {}
        )
        self.model = PreviewModel(labels, self)
        self.grid = grid("previewGrid", self.model)
        self.grid_menu = install_grid_menu(self.grid, self.messenger, "sync-preview", "preview row")
        self.grid.selectionModel().currentRowChanged.connect(lambda *_a: self._row_chosen())
        self.body.addWidget(self.grid, 1)
        self.message = QLineEdit()
        self.message.setObjectName("previewMessage")
        self.message.setReadOnly(True)
        self.message.setPlaceholderText("Choose a row to read what it would write in full")
        self.body.addWidget(self.message)

        self.sync_button = button("Sync Now", "previewSyncNow")
        self.sync_button.setToolTip("Apply this object for real, as the toolbar's Sync Now does")
        self.sync_button.clicked.connect(self.sync_now)
        self.sync_button.setEnabled(self.center is not None)
        self.export_button = button("Export…", "previewExport")
        self.export_button.setToolTip(
            "Write the rows shown to an Excel workbook (or CSV), in Documents"
        )
        self.export_button.clicked.connect(self.export)
        self.buttons.insertWidget(2, self.sync_button)
        self.buttons.insertWidget(3, self.export_button)

    def sizeHint(self) -> QSize:
        """Wide enough for an invoice's detail; tall enough for a screenful of records."""
        return QSize(1000, 560)

    def show_report(self, report: PreviewReport) -> None:
        """Show a finished preview (the latest replaces the one shown)."""
        self.report = report
        self.setWindowTitle(TITLE.format(report.label))
        several = report.label in PREVIEW_KEYS
        self.sync_button.setText(report.label if several else "Sync Now")
        self.sync_button.setToolTip(
            f"Run {report.label} for real"
            if several
            else "Apply this object for real, as the toolbar's Sync Now does"
        )
        self.summary.setText(report.summary())
        self.summary.setProperty("kind", report.kind())
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        skipped = report.counts().get("skipped", 0)
        self.with_skipped.setText(f"Show skipped records ({skipped:,})")
        self.with_skipped.setEnabled(bool(skipped))
        runs = ", ".join(str(n) for n in report.run_ids) or "none"
        plural = "s" if len(report.run_ids) > 1 else ""
        scope = f"{counted(len(report.rows), 'record')} · preview run{plural} {runs}"
        if report.truncated:
            scope += f" · only the first {counted(len(report.rows), 'record')} are listed"
        if report.note:
            scope += f" · {report.note}"
        self.scope.setText(scope)
        self.model.set_with_skipped(self.with_skipped.isChecked())
        self.model.show_rows(report.rows)
        fit_columns(self.grid, widest=200)
        self.message.clear()
        if self.model.rowCount():
            self.grid.selectRow(0)

    def rows(self) -> list[PreviewRow]:
        """The rows shown in the grid, in order."""
        return self.model.rows()

    def _skipped_toggled(self, checked: bool) -> None:
        self.model.set_with_skipped(checked)

    def _row_chosen(self) -> None:
        index = self.grid.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        self.message.setText(row.message if row is not None else "")
        self.message.setCursorPosition(0)

    def sync_now(self) -> None:
        """Run for real what was previewed (an object, Synchronize All or the initial load)."""
        if self.center is not None and self.report is not None:
            self.center.apply_preview(self.report.template_id, self.report.object_name)

    def export(self) -> None:
        """Write the rows shown to an Excel workbook (or CSV), into Documents by default."""
        if self.report is None:
            return
        self.grid_menu.name = f"preview-{self.report.object_name}"
        self.grid_menu.export()
