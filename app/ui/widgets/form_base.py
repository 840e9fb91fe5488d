"""The frame every Integration Hub form shares: SAP's bottom-left buttons and form modes.

A form opens in OK mode; editing a watched field turns the mode button into
Update. Update saves (the subclass's ``save``) and returns to OK; OK closes
the form; Cancel or Esc closes it, asking first when there are unsaved edits.
Refused input goes to the status bar in red and the field is highlighted.
The form's content scrolls inside the window when the window is smaller than
the content wants; the buttons stay visible at the bottom.

A form names the shared data it shows (``change_scopes``). When another
desktop changes it, a clean form reloads at once (``follow_change``); a form
in Update mode keeps the user's edits, says so in the status bar, and asks
before Update writes over the other desktop's change. Data → Refresh drops
the edits and shows the new data.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.secrets import SecretsUnavailable
from app.ui.context import FormContext
from app.ui.data.activity import writer_words
from app.ui.data.errors import InputError
from app.ui.status import StatusMessenger
from app.ui.widgets.marks import set_invalid

SAVED_MESSAGE = "Operation completed successfully"
DISCARD_QUESTION = "Unsaved data will be lost. Do you want to continue without saving?"
CHANGED_ELSEWHERE = (
    "Changed on {who} — your edits are kept; Data → Refresh (Ctrl+Shift+R) "
    "drops them and shows the new data."
)
OVERWRITE_QUESTION = (
    "{who} changed this data after you started editing. Save your changes over theirs?"
)
NOT_OVERWRITTEN = "Nothing saved. Data → Refresh shows the other desktop's change."


class FormScrollArea(QScrollArea):
    """Scrolls a form's content; asks for the room the content wants, not Qt's capped size."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setObjectName("formScroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(content)
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        return content.sizeHint().expandedTo(content.minimumSizeHint())


class BaseForm(QWidget):
    """A form inside the MDI area; subclasses fill ``body`` and implement ``save``."""

    dirty_changed = Signal(bool)
    change_scopes: tuple[str, ...] = ()
    """The shared data this form shows ("marks", "schedules", "templates")."""

    def __init__(self, context: FormContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self._dirty = False
        self._loading = False
        self.fields: dict[str, QWidget] = {}
        self.changed_by: str | None = None
        self.pending_changes: dict[str, str] = {}
        context.events.changed_elsewhere.connect(self._changed_elsewhere)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        content = QWidget()
        content.setObjectName("formContent")
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)
        self.scroll_area = FormScrollArea(content)
        outer.addWidget(self.scroll_area, 1)

        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(6)
        self.mode_button = QPushButton("OK")
        self.mode_button.setObjectName("modeButton")
        self.mode_button.setProperty("emphasized", True)
        self.mode_button.setDefault(False)
        self.mode_button.setAutoDefault(False)
        self.mode_button.clicked.connect(self.press_mode_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.close_form)
        self.buttons.addWidget(self.mode_button)
        self.buttons.addWidget(self.cancel_button)
        self.buttons.addStretch(1)
        outer.addLayout(self.buttons)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_form)

    @property
    def messenger(self) -> StatusMessenger:
        """The status bar API."""
        return self.context.messenger

    def is_dirty(self) -> bool:
        """Whether there are edits not saved yet (Update mode)."""
        return self._dirty

    def set_dirty(self, dirty: bool) -> None:
        """Switch between OK and Update mode."""
        if self._loading or dirty == self._dirty:
            return
        self._dirty = dirty
        if not dirty:
            self.changed_by = None
        self.mode_button.setText("Update" if dirty else "OK")
        self.dirty_changed.emit(dirty)

    def begin_loading(self) -> None:
        """Field changes made by the form itself until ``end_loading`` do not count as edits."""
        self._loading = True

    def end_loading(self) -> None:
        """Back to counting edits; the form is clean."""
        self._loading = False
        self._dirty = True
        self.set_dirty(False)
        for widget in self.fields.values():
            set_invalid(widget, False)

    def watch(self, name: str, widget: QWidget) -> QWidget:
        """Register a field: edits make the form dirty and clear its red mark."""
        self.fields[name] = widget

        def edited(*_args: object) -> None:
            if not self._loading:
                set_invalid(widget, False)
                self.set_dirty(True)

        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(edited)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(edited)
        elif hasattr(widget, "edited"):
            widget.edited.connect(edited)
        return widget

    def _changed_elsewhere(self, scope: str, by: str) -> None:
        if scope not in self.change_scopes:
            return
        if self._dirty:
            self.changed_by = by
            self.messenger.warning(CHANGED_ELSEWHERE.format(who=writer_words(by)))
            return
        if self.busy():
            self.pending_changes[scope] = by
            return
        self.follow_change(scope)

    def busy(self) -> bool:
        """Whether the form is reading or saving (a change elsewhere waits until it is done)."""
        return False

    def follow_pending(self) -> None:
        """Apply the changes made elsewhere while the form was busy (subclasses call it)."""
        pending, self.pending_changes = self.pending_changes, {}
        for scope, by in sorted(pending.items()):
            self._changed_elsewhere(scope, by)

    def follow_change(self, scope: str) -> None:
        """Another desktop changed ``scope`` and the form is clean: show the new data."""
        self.reload()

    def confirm_overwrite(self) -> bool:
        """Before saving over a change made elsewhere meanwhile: True when the user agrees."""
        if self.changed_by is None:
            return True
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            OVERWRITE_QUESTION.format(who=writer_words(self.changed_by).capitalize()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.messenger.info(NOT_OVERWRITTEN)
            return False
        return True

    def press_mode_button(self) -> None:
        """OK closes; Update saves and returns to OK mode."""
        if not self._dirty:
            self.close_form()
            return
        if not self.confirm_overwrite():
            return
        posted = self.messenger.count
        if self.run_save():
            self.set_dirty(False)
            if self.messenger.count == posted:
                self.messenger.success(SAVED_MESSAGE)

    def run_save(self) -> bool:
        """Call ``save``; refused input and keyring failures become status bar errors."""
        try:
            self.save()
        except InputError as exc:
            self.refuse(exc)
            return False
        except SecretsUnavailable as exc:
            self.messenger.error(str(exc))
            return False
        return True

    def refuse(self, exc: InputError) -> None:
        """Show why input was refused and highlight the field."""
        self.messenger.error(str(exc))
        widget = self.fields.get(exc.field or "")
        if widget is not None:
            set_invalid(widget, True)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        """Write the form to the store in one transaction (raise InputError to refuse)."""
        raise NotImplementedError

    def reload(self) -> None:
        """Read the form again from the store (Data → Refresh)."""

    def view_state(self) -> str:
        """What the form wants back when the client restarts (e.g. the chosen template)."""
        return ""

    def restore_view_state(self, state: str) -> None:
        """Take back what ``view_state`` returned in an earlier session."""

    def confirm_discard(self) -> bool:
        """True when there is nothing to lose or the user agrees to lose it."""
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            DISCARD_QUESTION,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def close_form(self) -> None:
        """Close the form's window (asks first when there are unsaved edits)."""
        frame = self.parentWidget()
        (frame if frame is not None else self).close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_discard():
            self._dirty = False
            event.accept()
        else:
            event.ignore()
