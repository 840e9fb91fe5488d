"""The frame of the Business Partner and Item Master Data forms: browse, find, mark.

A master data form shows one SAP record of the chosen template's company,
read through the sync core on a worker thread (the form says "Reading…"
meanwhile and keeps answering). First / Previous / Next / Last browse by code
(Ctrl+PgUp, PgUp, PgDown, Ctrl+PgDown); typing a code or a name into the
header and pressing Enter or Ctrl+F finds it. The General tab is the
subclass's; the Integration Hub tab is shared. Its Sync checkbox is the one
editable field: ticking turns OK into Update, and Update marks or unmarks the
record for the form's template in one transaction (asking before taking it
from another template). The store is the truth: after saving, the tab shows
what the store holds.
"""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTabWidget,
    QToolButton,
    QWidget,
)

from app.store import Database
from app.sync.marking import CUSTOMER, ITEM, MarkConflict
from app.sync.master_data import HubState, MasterDataReader, MasterRecord, hub_state, set_mark
from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data.templates import list_templates
from app.ui.forms.master_data_hub import HubTab
from app.ui.widgets.form_base import CHANGED_ELSEWHERE, BaseForm

FORM_STYLE = """
QLineEdit[display="true"], QPlainTextEdit[display="true"] {
    background: #f2f2f2;
    border: 1px solid #dddddd;
    color: #333333;
}
QLineEdit[failed="true"] { color: #bb0000; }
QLabel#readingLabel { color: #346187; font-style: italic; }
"""
NO_TEMPLATE = "Choose a Tagrain template first: its SAP Business One company is shown."
STEPS = (
    ("first", "|◀", "First Record", "Ctrl+PgUp"),
    ("previous", "◀", "Previous Record", "PgUp"),
    ("next", "▶", "Next Record", "PgDown"),
    ("last", "▶|", "Last Record", "Ctrl+PgDown"),
)
NOUNS = {CUSTOMER: "business partner", ITEM: "item"}
Work = Callable[[MasterDataReader], MasterRecord | None]
Answer = tuple[int, MasterRecord | None, str]
"""A read's serial number, the record (None when there is none) and why it failed."""


class MasterDataForm(BaseForm):
    """One SAP master record at a time; subclasses build and fill the General tab."""

    shown = Signal()
    saved = Signal(bool)
    reading_changed = Signal(bool)
    followed = Signal()
    change_scopes = ("marks", "templates")

    def __init__(
        self, context: FormContext, kind: str, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, title, parent)
        self.setStyleSheet(FORM_STYLE)
        self.kind = kind
        self.noun = NOUNS[kind]
        self.record: MasterRecord | None = None
        self.reader: MasterDataReader | None = None
        self.reading = False
        self.saving = False
        self._not_found = ""
        self._move = False
        self._start_code = ""
        self._serial = 0

        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(QLabel("Tagrain Template"))
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.setMinimumWidth(200)
        top.addWidget(self.template_combo)
        top.addSpacing(12)
        self.step_buttons: dict[str, QToolButton] = {}
        for step, text, tip, key in STEPS:
            button = QToolButton()
            button.setObjectName(f"{step}Record")
            button.setText(text)
            button.setToolTip(f"{tip} ({QKeySequence(key).toString()})")
            button.clicked.connect(lambda _checked=False, s=step: self.browse(s))
            top.addWidget(button)
            self.step_buttons[step] = button
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.browse(s))
        self.find_button = QToolButton()
        self.find_button.setObjectName("findRecord")
        self.find_button.setText("Find")
        self.find_button.setToolTip("Find the code or name typed in the header (Ctrl+F)")
        self.find_button.clicked.connect(self.find_typed)
        top.addWidget(self.find_button)
        top.addSpacing(8)
        self.reading_label = QLabel(f"Reading {self.noun} from SAP Business One…")
        self.reading_label.setObjectName("readingLabel")
        self.reading_label.setVisible(False)
        top.addWidget(self.reading_label)
        top.addStretch(1)
        self.body.addLayout(top)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.find_typed)

        header = QGridLayout()
        header.setHorizontalSpacing(8)
        header.setVerticalSpacing(4)
        code_word, name_word = self.header_words()
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText("Type a code, then Enter")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("Or part of a name, then Enter")
        self.code_edit.returnPressed.connect(lambda: self.find_text(self.code_edit.text()))
        self.name_edit.returnPressed.connect(lambda: self.find_text(self.name_edit.text()))
        header.addWidget(QLabel(code_word), 0, 0)
        header.addWidget(self.code_edit, 0, 1)
        header.addWidget(QLabel(name_word), 1, 0)
        header.addWidget(self.name_edit, 1, 1)
        header.setColumnMinimumWidth(0, 140)
        header.setColumnStretch(1, 1)
        self.body.addLayout(header)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("masterTabs")
        self.tabs.addTab(self.build_general(), "General")
        self.hub = HubTab()
        self.tabs.addTab(self.hub, "Integration Hub")
        self.body.addWidget(self.tabs, 1)
        self.fields["sync"] = self.hub.sync_box
        self.hub.sync_box.toggled.connect(self._sync_toggled)

        self.refresh_templates()
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        context.events.templates_changed.connect(self.refresh_templates)
        self._set_reading(False)
        QTimer.singleShot(0, self, self._first_read)

    # ---- subclass hooks --------------------------------------------------------------

    def header_words(self) -> tuple[str, str]:
        """The labels of the code and name fields in the header."""
        raise NotImplementedError

    def build_general(self) -> QWidget:
        """The General tab's widget."""
        raise NotImplementedError

    def fill_general(self, record: MasterRecord | None) -> None:
        """Show a record on the General tab (None: empty it)."""
        raise NotImplementedError

    def sizeHint(self) -> QSize:
        return QSize(720, 560)

    # ---- templates -------------------------------------------------------------------

    @property
    def template_id(self) -> int | None:
        """The template whose SAP company the form shows and marks for."""
        value = self.template_combo.currentData()
        return int(value) if value is not None else None

    def refresh_templates(self) -> None:
        """Fill the Template combo from the store, keeping the choice."""
        keep = self.template_id
        with QSignalBlocker(self.template_combo):
            self.template_combo.clear()
            for row in list_templates(self.context.database):
                self.template_combo.addItem(row.name, row.id)
            index = self.template_combo.findData(keep) if keep is not None else 0
            self.template_combo.setCurrentIndex(
                max(index, 0) if self.template_combo.count() else -1
            )
        if self.template_id != keep and keep is not None:
            self._switch_reader()

    def choose_template(self, template_id: int) -> None:
        """Select a template in the combo (the form then reads its first record)."""
        index = self.template_combo.findData(template_id)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)

    def _template_changed(self) -> None:
        shown = self.reader.template_id if self.reader is not None else None
        if shown is not None and shown != self.template_id and not self.confirm_discard():
            with QSignalBlocker(self.template_combo):
                self.choose_template(shown)
            return
        if self._switch_reader():
            self.browse("first")

    def _switch_reader(self) -> bool:
        """Drop the old template's reader and its pending read; whether to read anew."""
        self._serial += 1
        self._set_reading(False)
        self._close_reader()
        self.show_record(None)
        return self.template_id is not None

    def _reader(self) -> MasterDataReader | None:
        template_id = self.template_id
        if template_id is None:
            return None
        if self.reader is None or self.reader.template_id != template_id:
            self._close_reader()
            self.reader = MasterDataReader(self.context.database, self.kind, template_id)
        return self.reader

    def _close_reader(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            BackgroundCall(reader.close).start()

    # ---- reading ---------------------------------------------------------------------

    def _first_read(self) -> None:
        if self.template_id is None:
            self.messenger.info(NO_TEMPLATE)
            return
        if self._start_code:
            code, self._start_code = self._start_code, ""
            self._request(lambda reader: reader.read(code), "")
        else:
            self.browse("first")

    def browse(self, step: str) -> None:
        """Show the first, previous, next or last record."""
        current = self.record.code if self.record is not None else None
        ends = {"previous": "first", "next": "last"}
        not_found = (
            f"This is the {ends[step]} {self.noun}."
            if step in ends and current is not None
            else f"There is no {self.noun} in this company."
        )
        self._request(lambda reader: reader.browse(step, current), not_found)

    def find_text(self, text: str) -> None:
        """Show the record with this code, or whose code starts with or name contains it."""
        wanted = text.strip()
        if not wanted:
            self.messenger.warning(f"Type a {self.noun} code or name to find.")
            return
        self._request(lambda reader: reader.find(wanted), f'No {self.noun} matches "{wanted}".')

    def find_typed(self) -> None:
        """Ctrl+F: find what was typed in the code field, else in the name field."""
        code = self.code_edit.text().strip()
        shown = self.record.code if self.record is not None else ""
        if code and code != shown:
            self.find_text(code)
        elif self.name_edit.text().strip() and self.name_edit.isModified():
            self.find_text(self.name_edit.text())
        else:
            self.code_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.code_edit.selectAll()

    def _request(self, work: Work, not_found: str, *, ask: bool = True) -> None:
        if self.reading or self.saving:
            return
        if ask and not self.confirm_discard():
            return
        reader = self._reader()
        if reader is None:
            self.messenger.error(NO_TEMPLATE)
            return
        self._not_found = not_found
        self._serial += 1
        serial = self._serial
        self._set_reading(True)

        def run() -> Answer:
            try:
                return serial, work(reader), ""
            except Exception as exc:
                return serial, None, str(exc) or type(exc).__name__

        call = BackgroundCall(run)
        call.finished.connect(self._read_done)
        call.start()

    def _set_reading(self, reading: bool) -> None:
        self.reading = reading
        self.reading_label.setVisible(reading)
        for button in self.step_buttons.values():
            button.setEnabled(not reading)
        self.find_button.setEnabled(not reading)
        self.template_combo.setEnabled(not reading)
        self.reading_changed.emit(reading)

    def _read_done(self, answer: Answer) -> None:
        serial, record, failure = answer
        if serial != self._serial:
            return
        self._set_reading(False)
        if failure:
            self.messenger.error(f"The {self.noun} could not be read: {failure}")
        elif record is None and self._not_found:
            self.messenger.error(self._not_found)
        self.show_record(record if record is not None else self.record)
        self.shown.emit()
        self.follow_pending()

    def show_record(self, record: MasterRecord | None) -> None:
        """Show a record (None: an empty form); the form is clean afterwards."""
        self.begin_loading()
        self.record = record
        self._move = False
        self.code_edit.setText(record.code if record is not None else "")
        self.name_edit.setText(record.name if record is not None else "")
        self.code_edit.setModified(False)
        self.name_edit.setModified(False)
        self.fill_general(record)
        template_id = self.template_id
        if record is None or template_id is None:
            self.hub.clear()
        else:
            self.hub.show_state(record.hub, template_id, self.template_combo.currentText())
        self.hub.sync_box.setEnabled(record is not None)
        self.end_loading()

    # ---- marking ---------------------------------------------------------------------

    def _sync_toggled(self, checked: bool) -> None:
        record, template_id = self.record, self.template_id
        if self._loading or record is None or template_id is None:
            return
        hub = record.hub
        if checked and hub.owner_id is not None and hub.owner_id != template_id:
            if not self.ask_move(hub.owner):
                with QSignalBlocker(self.hub.sync_box):
                    self.hub.sync_box.setChecked(False)
                return
            self._move = True
        self.set_dirty(checked != hub.marked_for(template_id))

    def ask_move(self, owner: str) -> bool:
        """Whether the user lets the record move from template ``owner`` to this one."""
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            f"This {self.noun} is marked for template {owner}. A {self.noun} is "
            f"synchronized by one template at a time. "
            f"Move it to template {self.template_combo.currentText()}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def press_mode_button(self) -> None:
        """OK closes; Update saves the Sync mark on a worker thread."""
        if not self.is_dirty():
            self.close_form()
            return
        self.save()

    def save(self) -> None:
        """Mark or unmark the shown record for the template; ``saved`` tells the outcome."""
        record, template_id = self.record, self.template_id
        if self.saving or self.reading or record is None or template_id is None:
            return
        self._start_save(record, template_id, self._move)

    def _start_save(self, record: MasterRecord, template_id: int, move: bool) -> None:
        database: Database = self.context.database
        kind, sync, user = self.kind, self.hub.sync_box.isChecked(), getpass.getuser()

        def work() -> MarkConflict | MasterRecord:
            try:
                set_mark(database, kind, template_id, record.code, sync, move=move, user=user)
            except MarkConflict as conflict:
                return conflict
            fallback = record.hub.cross_reference or None
            state = hub_state(database, kind, template_id, record.code, fallback)
            return dataclasses.replace(record, hub=state)

        self.saving = True
        self.mode_button.setEnabled(False)
        call = BackgroundCall(work)
        call.finished.connect(self._save_done)
        call.failed.connect(self._save_failed)
        call.start()

    def _save_done(self, result: MarkConflict | MasterRecord) -> None:
        self.saving = False
        self.mode_button.setEnabled(True)
        record, template_id = self.record, self.template_id
        if isinstance(result, MarkConflict):
            owner = next(iter(result.owners.values()), "")
            if record is not None and template_id is not None and self.ask_move(owner):
                self._start_save(record, template_id, True)
                return
            self.messenger.error(f"Nothing was saved: the {self.noun} is marked for {owner}.")
            self.saved.emit(False)
            return
        marked = template_id is not None and result.hub.marked_for(template_id)
        self.show_record(result)
        self.messenger.success(
            f"{self.noun.capitalize()} {result.code} "
            f"{'marked' if marked else 'unmarked'} for template "
            f"{self.template_combo.currentText()}"
        )
        self.saved.emit(True)
        self.follow_pending()

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self.mode_button.setEnabled(True)
        self.messenger.error(f"The mark could not be saved: {message}")
        self.saved.emit(False)
        self.follow_pending()

    # ---- changes made on another desktop ---------------------------------------------

    def busy(self) -> bool:
        """Reading or saving a record."""
        return self.reading or self.saving

    def follow_change(self, scope: str) -> None:
        """Templates: refill the combo. Marks: read the shown record's Integration Hub tab again."""
        if scope != "marks":
            self.refresh_templates()
            return
        record, template_id = self.record, self.template_id
        if record is None or template_id is None:
            return
        database, kind, serial = self.context.database, self.kind, self._serial
        fallback = record.hub.cross_reference or None

        def read() -> tuple[int, MasterRecord, object]:
            state = hub_state(database, kind, template_id, record.code, fallback)
            return serial, record, state

        call = BackgroundCall(read)
        call.finished.connect(self._hub_read)
        call.failed.connect(self.messenger.error)
        call.start()

    def _hub_read(self, answer: tuple[int, MasterRecord, HubState]) -> None:
        serial, record, state = answer
        if serial != self._serial or record is not self.record or self.busy():
            return
        if self.is_dirty():
            self.messenger.warning(CHANGED_ELSEWHERE.format(who="another desktop"))
            return
        self.show_record(dataclasses.replace(record, hub=state))
        self.followed.emit()

    # ---- window ----------------------------------------------------------------------

    def reload(self) -> None:
        """Data → Refresh: read the shown record again."""
        record = self.record
        if record is None:
            self._request(lambda reader: reader.browse("first"), "", ask=False)
            return
        code = record.code
        self._request(
            lambda reader: reader.read(code),
            f"{self.noun.capitalize()} {code} no longer exists.",
            ask=False,
        )

    def view_state(self) -> str:
        """The template and the record shown, so the form reopens on them."""
        if self.template_id is None:
            return ""
        return f"{self.template_id}:{self.record.code if self.record is not None else ''}"

    def restore_view_state(self, state: str) -> None:
        """Reopen on the remembered template and record."""
        template, _, code = state.partition(":")
        if template.isdigit() and self.template_combo.findData(int(template)) >= 0:
            with QSignalBlocker(self.template_combo):
                self.choose_template(int(template))
        self._start_code = code

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:
            self.messenger.warning("Wait until the mark is saved.")
            event.ignore()
            return
        super().closeEvent(event)
        if event.isAccepted():
            self._close_reader()
