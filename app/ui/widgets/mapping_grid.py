"""The grid of one mapping: dense table view, a payment-means combo, Choose From List on codes.

Tab out of a code cell checks the typed code in the list (on a worker), as SAP
Business One does: a known code takes the list's spelling and the cursor
moves on; an unknown one opens the Choose From List filtered by it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.ui.background import BackgroundCall
from app.ui.lists import LIST_TITLES, CodeName, ListKind, ListSource
from app.ui.models.mapping_model import MappingModel
from app.ui.widgets.cfl import ChooseFromListDialog

Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor over fixed choices (key → label)."""

    def __init__(self, choices: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem("", "")
        for key, label in self.choices.items():
            combo.addItem(label, key)
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class MappingGrid(QTableView):
    """A mapping's grid; Shift+F2 on a code cell opens its Choose From List."""

    list_failed = Signal(str)

    def __init__(
        self, model: MappingModel, lists: ListSource, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.mapping_model = model
        self.lists = lists
        self.template_id: int | None = None
        self.dialog: ChooseFromListDialog | None = None
        self.checking: tuple[QPersistentModelIndex, str] | None = None
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.verticalHeader().setDefaultSectionSize(20)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for number, column in enumerate(model.columns):
            if column.choices:
                self.setItemDelegateForColumn(number, ChoiceDelegate(column.choices, self))

    def fit_columns(self) -> None:
        """Size the columns to their contents, leaving room to type codes."""
        self.resizeColumnsToContents()
        for number, column in enumerate(self.mapping_model.columns):
            if column.editable:
                self.setColumnWidth(number, max(self.columnWidth(number), 130))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F2 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.open_list()
            return
        super().keyPressEvent(event)

    def _list_kind(self, index: QModelIndex) -> ListKind | None:
        if not index.isValid() or index.column() >= len(self.mapping_model.columns):
            return None
        return self.mapping_model.columns[index.column()].list_kind

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Tab out of a code cell with a code: check it before moving on."""
        index = self.currentIndex()
        kind = self._list_kind(index)
        code = str(index.data(Qt.ItemDataRole.EditRole) or "").strip() if kind else ""
        if kind is None or not code or hint != QAbstractItemDelegate.EndEditHint.EditNextItem:
            super().closeEditor(editor, hint)
            return
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        target = QPersistentModelIndex(index)
        self.checking = (target, code)
        lists, template_id = self.lists, self.template_id
        call = BackgroundCall(lambda: lists.find(kind, template_id, code))
        call.finished.connect(self._code_found)
        call.failed.connect(self._code_not_checked)
        call.start()

    @Slot(object)
    def _code_found(self, row: CodeName | None) -> None:
        checked, self.checking = self.checking, None
        if checked is None or not self._still(checked):
            return
        target, code = checked
        if row is None:
            self.setCurrentIndex(self.mapping_model.index(target.row(), target.column()))
            self.open_filtered_list(code)
            return
        if row.code != code:
            self._picked(target, row)
        self._move_on(target)

    @Slot(str)
    def _code_not_checked(self, _message: str) -> None:
        checked, self.checking = self.checking, None
        if checked is not None and self._still(checked):
            self._move_on(checked[0])

    def _still(self, checked: tuple[QPersistentModelIndex, str]) -> bool:
        """Whether the checked cell still holds the checked code (no edit meanwhile)."""
        target, code = checked
        return target.isValid() and str(target.data(Qt.ItemDataRole.EditRole) or "") == code

    def _move_on(self, target: QPersistentModelIndex) -> None:
        current = self.currentIndex()
        if (current.row(), current.column()) != (target.row(), target.column()):
            return
        if not self.hasFocus():
            return
        after = self.moveCursor(
            QAbstractItemView.CursorAction.MoveNext, Qt.KeyboardModifier.NoModifier
        )
        if after.isValid():
            self.setCurrentIndex(after)

    def open_list(self) -> bool:
        """Open the Choose From List of the current cell; False when the cell has none."""
        return self.open_filtered_list("")

    def open_filtered_list(self, find: str) -> bool:
        """The current cell's Choose From List, filtered by ``find`` (a code it did not know)."""
        index = self.currentIndex()
        kind = self._list_kind(index)
        if kind is None:
            return False
        target = QPersistentModelIndex(index)
        template_id = self.template_id
        lists = self.lists
        self.dialog = ChooseFromListDialog(
            LIST_TITLES[kind],
            lists.origin(kind),
            lambda: lists.rows(kind, template_id),
            self.window(),
        )
        self.dialog.read_failed.connect(self.list_failed)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.picked.connect(lambda row: self._picked(target, row))
        self.dialog.finished.connect(self._closed)
        self.dialog.find_box.setText(find)
        self.dialog.open()
        return True

    def _picked(self, target: QPersistentModelIndex, row: CodeName) -> None:
        if target.isValid():
            self.mapping_model.setData(
                self.mapping_model.index(target.row(), target.column()), row.code
            )

    def _closed(self, _result: int) -> None:
        self.dialog = None
