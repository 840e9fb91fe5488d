"""The Set Customers / Set Items for Synchronization matrix: tick the records a template syncs.

Rows are read from SAP on a worker thread (a progress line with Cancel
shows how far it is); the grid is a model/view matrix with a row number, a
Sync checkbox, code and name, sortable by any column, with a quick filter,
Select All / Clear All, Shift+click ranges ticked with Space, a count of
ticked rows and the unsaved changes in the footer. Customers save with OK
(and close), items with Update; the save runs on a worker thread too, in one
transaction. A record marked for another template is moved only after the
user agrees.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QWidget,
)

from app.store import Database
from app.sync import marking
from app.sync.marking import CUSTOMER, Criteria, MarkConflict, MarkRow, SaveOutcome, StoreView
from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.marking_loader import PageReader, RowLoader, share_gil, unshare_gil
from app.ui.models.marking_model import ROW_NUMBER, SYNC, MarkingModel, Rebased
from app.ui.widgets.check_delegate import CheckDelegate
from app.ui.widgets.form_base import CHANGED_ELSEWHERE, BaseForm
from app.ui.widgets.grid_menu import install_grid_menu
from app.ui.words import counted

TITLES = {
    CUSTOMER: "Set Customers for Synchronization",
    marking.ITEM: "Set Items for Synchronization",
}
NOUNS = {CUSTOMER: ("customer", "customers"), marking.ITEM: ("item", "items")}
COLUMN_WIDTHS = {ROW_NUMBER: 56, SYNC: 44}
TEXT_WIDTHS = {
    CUSTOMER: (110, 260, 140, 120, 120),
    marking.ITEM: (100, 220, 120, 100, 110, 120),
}
FILTER_DELAY_MS = 200
ROW_HEIGHT = 20


class MatrixView(QTableView):
    """A dense grid whose Space key ticks or unticks every selected row at once."""

    toggle_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.toggle_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def describe(criteria: Criteria) -> str:
    """The criteria in words, shown above the matrix."""
    code = "Customer code" if criteria.kind == CUSTOMER else "Item code"
    group = "Customer group" if criteria.kind == CUSTOMER else "Item group"

    def span(low: object, high: object) -> str:
        if low in ("", None) and high in ("", None):
            return "all"
        return (
            f"{low if low not in ('', None) else '…'} – {high if high not in ('', None) else '…'}"
        )

    return (
        f"{code}: {span(criteria.code_from, criteria.code_to)}    "
        f"{group}: {span(criteria.group_from, criteria.group_to)}"
    )


def default_reader(database: Database, criteria: Criteria) -> PageReader:
    """Rows from the template's SAP company through the sync core."""
    return lambda cancelled: marking.read_rows(database, criteria, cancelled=cancelled)


class MarkingMatrixForm(BaseForm):
    """The matrix of one selection: tick, then OK (customers) or Update (items) saves."""

    loaded = Signal()
    saved = Signal(bool)
    followed = Signal()
    change_scopes = ("marks",)

    def __init__(
        self,
        context: FormContext,
        criteria: Criteria,
        template_name: str,
        reader: PageReader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, TITLES[criteria.kind], parent)
        self.setObjectName("markingMatrix")
        self.criteria = criteria
        self.template_name = template_name
        self.save_closes = criteria.kind == CUSTOMER
        self.noun, self.plural = NOUNS[criteria.kind]

        heading = QLabel(f"Tagrain Template: {template_name}    {describe(criteria)}")
        heading.setObjectName("matrixCriteria")
        self.body.addWidget(heading)

        find_row = QHBoxLayout()
        find_row.addWidget(QLabel("Find"))
        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("matrixFilter")
        self.filter_box.setPlaceholderText(f"Filter {self.plural} by code, name, group, template")
        self.filter_box.setClearButtonEnabled(True)
        find_row.addWidget(self.filter_box, 1)
        self.body.addLayout(find_row)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_box.textChanged.connect(lambda _text: self._filter_timer.start())
        self.filter_box.returnPressed.connect(self.apply_filter)

        self.progress_row = QWidget()
        progress = QHBoxLayout(self.progress_row)
        progress.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setObjectName("matrixProgress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(12)
        self.progress_label = QLabel(f"Reading {self.plural} from SAP Business One…")
        self.progress_label.setObjectName("listProgress")
        self.stop_button = QPushButton("Stop Reading")
        self.stop_button.setObjectName("stopReading")
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.stop_reading)
        progress.addWidget(self.progress)
        progress.addWidget(self.progress_label, 1)
        progress.addWidget(self.stop_button)
        self.body.addWidget(self.progress_row)

        self.model = MarkingModel(criteria.kind, criteria.template_id)
        self.model.tick_guard = self.ask_move
        self.grid = MatrixView()
        self.grid.setObjectName("markingGrid")
        self.grid.setModel(self.model)
        install_grid_menu(self.grid, self.messenger, f"set-{criteria.kind}s-for-synchronization")
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.setSortingEnabled(True)
        self.grid.sortByColumn(ROW_NUMBER, Qt.SortOrder.AscendingOrder)
        vertical = self.grid.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        widths = (COLUMN_WIDTHS[ROW_NUMBER], COLUMN_WIDTHS[SYNC], *TEXT_WIDTHS[criteria.kind])
        for column, width in enumerate(widths):
            self.grid.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.grid.setItemDelegateForColumn(SYNC, CheckDelegate(self.grid))
        self.grid.toggle_requested.connect(self.toggle_selected)
        self.body.addWidget(self.grid, 1)

        self.footer = QLabel()
        self.footer.setObjectName("matrixFooter")
        self.body.addWidget(self.footer)

        self.select_all_button = QPushButton("Select All")
        self.select_all_button.setObjectName("selectAll")
        self.select_all_button.setAutoDefault(False)
        self.select_all_button.clicked.connect(lambda: self.model.set_all(True))
        self.clear_all_button = QPushButton("Clear All")
        self.clear_all_button.setObjectName("clearAll")
        self.clear_all_button.setAutoDefault(False)
        self.clear_all_button.clicked.connect(lambda: self.model.set_all(False))
        self.buttons.insertWidget(2, self.select_all_button)
        self.buttons.insertWidget(3, self.clear_all_button)

        self.model.counts_changed.connect(self._counts_changed)
        self._counts_changed()
        self.read_failure: str | None = None
        self.saving = False
        self.following = False
        self._move: set[str] = set()
        self.loader = RowLoader(reader or default_reader(context.database, criteria))
        self.loader.page.connect(self._page)
        self.loader.finished.connect(self._finished)
        self.loader.failed.connect(self._failed)
        self.loader.start()

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    @property
    def reading(self) -> bool:
        """Whether rows are still being read."""
        return self.loader.active

    # ---- reading -------------------------------------------------------------------

    def _page(self, rows: list[MarkRow]) -> None:
        self.model.append(rows)
        self.progress_label.setText(
            f"Reading {self.plural} from SAP Business One… {self.model.total():,} so far"
        )

    def _finished(self, cancelled: bool) -> None:
        self.progress_row.hide()
        self.model.resort()
        if cancelled:
            self.messenger.warning(
                f"Reading stopped: the matrix shows the first {self.model.total():,} {self.plural}"
            )
        self.loaded.emit()
        self.follow_pending()

    # ---- marks changed on another desktop ------------------------------------------

    def busy(self) -> bool:
        """Reading rows, saving, or already following a change."""
        return self.reading or self.saving or self.following

    def follow_change(self, scope: str) -> None:
        """Marks changed elsewhere and nothing is ticked here: show the store's marks."""
        database, kind = self.context.database, self.criteria.kind
        template_id = self.criteria.template_id
        self.following = True
        call = BackgroundCall(lambda: StoreView.load(database, kind, template_id))
        call.finished.connect(self._followed)
        call.failed.connect(self._follow_failed)
        call.start()

    def _followed(self, store: StoreView) -> None:
        self.following = False
        if self.is_dirty():
            self.messenger.warning(CHANGED_ELSEWHERE.format(who="another desktop"))
        else:
            self.model.adopt(self.model.rebase(store))
            self.messenger.info("Marks were changed on another desktop: the matrix shows them.")
        self.followed.emit()

    def _follow_failed(self, message: str) -> None:
        self.following = False
        self.messenger.error(f"The marks changed elsewhere could not be read: {message}")

    def _failed(self, message: str) -> None:
        self.progress_row.hide()
        self.read_failure = message
        self.messenger.error(f"The {self.plural} could not be read: {message}")
        self.loaded.emit()

    def stop_reading(self) -> None:
        """Stop reading; the rows read so far stay."""
        self.loader.cancel()
        self.stop_button.setEnabled(False)

    # ---- ticking -------------------------------------------------------------------

    def apply_filter(self) -> None:
        """Apply the quick filter now."""
        self._filter_timer.stop()
        self.model.set_filter(self.filter_box.text())

    def toggle_selected(self) -> None:
        """Space: tick the selected rows, or untick them when all are ticked."""
        selection = self.grid.selectionModel()
        rows = sorted({index.row() for index in selection.selectedRows()})
        if not rows and self.grid.currentIndex().isValid():
            rows = [self.grid.currentIndex().row()]
        if not rows:
            return
        tick = not all(self.model.is_ticked(row) for row in rows)
        self.model.set_ticked(rows, tick)

    def ask_move(self, rows: list[MarkRow]) -> set[str]:
        """Ask before ticking records marked for another template; the codes the user lets move."""
        owners = sorted({row.owner for row in rows})
        noun = self.noun if len(rows) == 1 else self.plural
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            f"{len(rows):,} {noun} marked for template {', '.join(owners)}. "
            f"A {self.noun} is synchronized by one template at a time. "
            f"Move {'it' if len(rows) == 1 else 'them'} to template {self.template_name}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return {row.code for row in rows}
        return set()

    def _counts_changed(self) -> None:
        model = self.model
        shown = model.rowCount()
        parts = [f"Ticked: {model.ticked_count:,} of {model.total():,}"]
        if shown != model.total():
            parts.append(f"shown: {shown:,}")
        if model.changed_count:
            parts.append(f"{counted(model.changed_count, 'change')} not saved")
        self.footer.setText("    ".join(parts))
        self.footer.setProperty("unsaved", bool(model.changed_count))
        self.footer.style().unpolish(self.footer)
        self.footer.style().polish(self.footer)
        self.set_dirty(model.changed_count > 0)

    # ---- saving --------------------------------------------------------------------

    def set_dirty(self, dirty: bool) -> None:
        """Customers keep SAP's OK button; items switch to Update."""
        super().set_dirty(dirty)
        if self.save_closes:
            self.mode_button.setText("OK")

    def press_mode_button(self) -> None:
        """OK on a clean matrix closes; with changes OK (customers) or Update (items) saves."""
        if not self.is_dirty():
            self.close_form()
            return
        self.save()

    def save(self) -> None:
        """Start writing the changes as marks on a worker thread; ``saved`` tells the outcome."""
        if self.saving:
            return
        if self.reading:
            self.messenger.error(f"Wait until the {self.plural} are read, or stop reading first.")
            return
        self.start_save(set(self.model.moves))

    def start_save(self, move: set[str]) -> None:
        """Save in one transaction off the GUI thread; moving only the codes in ``move``."""
        database = self.context.database
        kind, template_id = self.criteria.kind, self.criteria.template_id
        tick, untick = self.model.changes()
        user = getpass.getuser()

        snapshot = self.model.snapshot()

        def work() -> MarkConflict | tuple[SaveOutcome, Rebased]:
            try:
                outcome = marking.save_marks(
                    database, kind, template_id, tick, untick, move=move, user=user
                )
            except MarkConflict as conflict:
                return conflict
            return outcome, snapshot.rebase(StoreView.load(database, kind, template_id))

        self._move = move
        self._set_saving(True, len(tick) + len(untick))
        call = BackgroundCall(work)
        call.finished.connect(self._save_done)
        call.failed.connect(self._save_failed)
        call.start()

    def _set_saving(self, saving: bool, changes: int = 0) -> None:
        if saving != self.saving:
            (share_gil if saving else unshare_gil)()
        self.saving = saving
        for widget in (self.mode_button, self.cancel_button, self.select_all_button):
            widget.setEnabled(not saving)
        self.clear_all_button.setEnabled(not saving)
        self.grid.setEnabled(not saving)
        self.filter_box.setEnabled(not saving)
        self.stop_button.setVisible(not saving)
        self.progress_label.setText(f"Saving {counted(changes, 'change')}…")
        self.progress_row.setVisible(saving)

    def _save_done(self, result: MarkConflict | tuple[SaveOutcome, Rebased]) -> None:
        self._set_saving(False)
        if isinstance(result, MarkConflict):
            rows = [
                MarkRow(code, "", "", "", None, name, None) for code, name in result.owners.items()
            ]
            allowed = self.ask_move(rows)
            if allowed:
                self.start_save(self._move | allowed)
                return
            self.messenger.error(
                f"Nothing was saved: {len(result.owners):,} ticked "
                f"{self.noun if len(result.owners) == 1 else self.plural} "
                f"{'is' if len(result.owners) == 1 else 'are'} marked for another template."
            )
            self.saved.emit(False)
            return
        outcome, rebased = result
        self.model.adopt(rebased)
        self.messenger.success(
            f"{counted(outcome.marked + outcome.moved, self.noun, self.plural)} marked and "
            f"{outcome.unmarked:,} unmarked for template {self.template_name}"
        )
        self.saved.emit(True)
        if self.save_closes:
            self.close_form()
        else:
            self.follow_pending()

    def _save_failed(self, message: str) -> None:
        self._set_saving(False)
        self.messenger.error(f"The marks could not be saved: {message}")
        self.saved.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:
            self.messenger.warning("Wait until the marks are saved.")
            event.ignore()
            return
        super().closeEvent(event)
        if event.isAccepted():
            self.loader.cancel()
