"""Choose From List: the code field with its list button, and the list dialog.

The dialog reads its rows from a row provider (any callable returning
CodeName rows), so the same dialog shows demo rows today and live SAP rows
later. Tab or Shift+F2 in an empty code field opens it; the Find box filters
code and name; Enter or a double-click picks the current row.

Tab in a field with a code checks it as SAP Business One does when the user
leaves a field: on a worker thread (``CodeLookup``), a known code takes the
list's spelling and its name and focus moves on; an unknown one opens the
list filtered by what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.background import BackgroundCall
from app.ui.lists import CodeName, RowProvider
from app.ui.resources import icon

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("#", "Code", "Name")
CFL_BUTTON_SIZE = 20
CFL_BUTTON_GAP = 2

CodeLookup = Callable[[str], Callable[[], CodeName | None]]
"""Given a typed code (on the GUI thread), the work a worker runs to find its row."""


class CodeNameModel(QAbstractTableModel):
    """Rows of a list: a row number, the code and the name."""

    def __init__(self, rows: Sequence[CodeName] = ()) -> None:
        super().__init__()
        self._rows = list(rows)

    def set_rows(self, rows: Sequence[CodeName]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CodeName:
        """The list row at a model row."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        return (str(index.row() + 1), row.code, row.name)[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class ChooseFromListDialog(QDialog):
    """SAP's "List of ..." window: a Find box, a grid, Choose and Cancel."""

    picked = Signal(object)
    read_failed = Signal(str)

    def __init__(
        self, title: str, origin: str, provider: RowProvider, parent: QWidget | None = None
    ) -> None:
        """Build the dialog and read the rows from ``provider`` on a worker thread.

        A failed read closes the dialog and emits ``read_failed`` with the reason.
        """
        super().__init__(parent)
        self.setObjectName("chooseFromList")
        self.setWindowTitle(title)
        self.resize(460, 360)
        self._chosen = False
        self.reading = True
        self.model = CodeNameModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        find_row = QHBoxLayout()
        find_row.addWidget(QLabel("Find"))
        self.find_box = QLineEdit()
        self.find_box.setObjectName("cflFind")
        self.find_box.textChanged.connect(self._filter)
        self.find_box.returnPressed.connect(self.choose)
        find_row.addWidget(self.find_box, 1)
        layout.addLayout(find_row)

        self.origin = QLabel(origin)
        self.origin.setObjectName("listOrigin")
        self.origin.setWordWrap(True)
        layout.addWidget(self.origin)
        self.progress = QLabel("Reading the list…")
        self.progress.setObjectName("listProgress")
        layout.addWidget(self.progress)

        self.grid = QTableView()
        self.grid.setObjectName("cflGrid")
        self.grid.setModel(self.proxy)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setAlternatingRowColors(True)
        self.grid.verticalHeader().hide()
        self.grid.verticalHeader().setDefaultSectionSize(20)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.grid.activated.connect(self.choose)
        self.grid.doubleClicked.connect(self.choose)
        layout.addWidget(self.grid, 1)

        buttons = QHBoxLayout()
        self.choose_button = QPushButton("Choose")
        self.choose_button.setProperty("emphasized", True)
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(self.choose)
        self.find_box.setFocus()
        call = BackgroundCall(lambda: list(provider()))
        call.finished.connect(self._rows_read)
        call.failed.connect(self._read_failed)
        call.start()

    @Slot(object)
    def _rows_read(self, rows: list[CodeName]) -> None:
        self.reading = False
        self.progress.hide()
        self.model.set_rows(rows)
        self._select_first()

    @Slot(str)
    def _read_failed(self, message: str) -> None:
        self.reading = False
        self.read_failed.emit(f"{self.windowTitle()} could not be read: {message}")
        self.reject()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._select_first()

    def _select_first(self) -> None:
        if self.proxy.rowCount() > 0:
            self.grid.selectRow(0)

    def current(self) -> CodeName | None:
        """The highlighted row."""
        index = self.grid.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def choose(self) -> None:
        """Pick the highlighted row and close."""
        row = self.current()
        if row is None or self._chosen:
            return
        self._chosen = True
        self.picked.emit(row)
        self.accept()


class CodeField(QWidget):
    """A code field with SAP's Choose From List button beside it."""

    edited = Signal()
    list_failed = Signal(str)
    name_found = Signal(str)

    def __init__(
        self,
        provider: RowProvider | None,
        title: str,
        origin: str,
        parent: QWidget | None = None,
        *,
        lookup: CodeLookup | None = None,
    ) -> None:
        super().__init__(parent)
        self.provider = provider
        self.title = title
        self.origin = origin
        self.lookup = lookup
        self.dialog: ChooseFromListDialog | None = None
        self.checking: str | None = None
        self._known: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(CFL_BUTTON_GAP)
        self.edit = _CodeLineEdit(self)
        self.edit.textEdited.connect(lambda _text: self.edited.emit())
        layout.addWidget(self.edit, 1)
        self.button = QToolButton()
        self.button.setObjectName("cflButton")
        self.button.setFixedSize(CFL_BUTTON_SIZE, CFL_BUTTON_SIZE)
        self.button.setIcon(icon("list-search"))
        self.button.setToolTip(f"Choose From List (Shift+F2) — {title}")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_list)
        self.button.setEnabled(provider is not None)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        """The code typed or chosen."""
        return self.edit.text()

    def setText(self, text: str) -> None:
        """Set the code without counting it as a user edit (Tab checks it again)."""
        self._known = None
        self.edit.setText(text)

    def open_list(self) -> None:
        """Open the Choose From List dialog (non-blocking; the pick fills the field)."""
        if self.provider is None:
            return
        self.dialog = ChooseFromListDialog(self.title, self.origin, self.provider, self.window())
        self.dialog.read_failed.connect(self.list_failed)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.picked.connect(self._picked)
        self.dialog.finished.connect(self._closed)
        self.dialog.find_box.setText(self.edit.text())
        self.dialog.open()

    def check_code(self) -> bool:
        """Tab in a field with a code: check it on a worker; False when there is nothing to check.

        A code the list knows takes the list's spelling and name and focus moves
        on; an unknown code opens the list filtered by the typed text. When the
        list cannot be asked, focus moves on (Update checks the codes again).
        """
        text = self.edit.text().strip()
        if self.lookup is None or not text or text == self._known:
            return False
        self.checking = text
        call = BackgroundCall(self.lookup(text))
        call.finished.connect(self._code_found)
        call.failed.connect(self._code_not_checked)
        call.start()
        return True

    @Slot(object)
    def _code_found(self, row: CodeName | None) -> None:
        text, self.checking = self.checking, None
        if text is None or text != self.edit.text().strip():
            return
        if row is None:
            self.open_list()
            return
        self._accept(row)
        self._move_on()

    @Slot(str)
    def _code_not_checked(self, _message: str) -> None:
        text, self.checking = self.checking, None
        if text is not None and text == self.edit.text().strip():
            self._move_on()

    def _move_on(self) -> None:
        if self.edit.hasFocus():
            self.edit.focusNextPrevChild(True)

    def _accept(self, row: CodeName) -> None:
        self._known = row.code
        if self.edit.text() != row.code:
            self.edit.setText(row.code)
            self.edited.emit()
        self.edit.setToolTip(row.name)
        self.name_found.emit(row.name)

    def _picked(self, row: CodeName) -> None:
        self._accept(row)
        self.edited.emit()
        self.edit.setFocus()

    def _closed(self, _result: int) -> None:
        self.dialog = None


class _CodeLineEdit(QLineEdit):
    """The line edit of a CodeField: Tab or Shift+F2 in an empty field opens the list."""

    def __init__(self, owner: CodeField) -> None:
        super().__init__(owner)
        self.owner = owner

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            opens = (key == Qt.Key.Key_F2 and mods & Qt.KeyboardModifier.ShiftModifier) or (
                key == Qt.Key.Key_Tab and not self.text() and self.owner.provider is not None
            )
            if opens and self.owner.provider is not None:
                self.owner.open_list()
                return True
            if key == Qt.Key.Key_Tab and not mods and self.owner.check_code():
                return True
        return super().event(event)
