"""The Main Menu: SAP's module tree with the registered forms under their folders."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from app.ui.registry import INTEGRATION_HUB, MODULES, FormRegistry
from app.ui.resources import icon

FORM_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2


class MainMenuTree(QTreeView):
    """Modules as folders; a click on a form entry (or Enter) asks to open it, as in SAP."""

    form_requested = Signal(str)
    folder_selected = Signal(str)

    def __init__(self, registry: FormRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainMenuTree")
        self.setHeaderHidden(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(True)
        self.tree_model = QStandardItemModel(self)
        self._folders: dict[tuple[str, ...], QStandardItem] = {}
        self._forms: dict[str, QStandardItem] = {}
        for module in MODULES:
            self._folder((module,))
        self._folder(INTEGRATION_HUB)
        for spec in registry:
            item = QStandardItem(icon(spec.icon), spec.title)
            item.setData(spec.key, FORM_KEY_ROLE)
            item.setEditable(False)
            self._folder(spec.folder).appendRow(item)
            self._forms[spec.key] = item
        self.setModel(self.tree_model)
        self.expand(self.tree_model.indexFromItem(self._folders[(MODULES[0],)]))
        self.expand(self.tree_model.indexFromItem(self._folders[INTEGRATION_HUB]))
        self.activated.connect(self._activated)
        self.clicked.connect(self._activated)
        self.selectionModel().currentChanged.connect(self._current_changed)

    def _folder(self, path: tuple[str, ...]) -> QStandardItem:
        if path in self._folders:
            return self._folders[path]
        item = QStandardItem(icon("folder"), path[-1])
        item.setData(" → ".join(path), PATH_ROLE)
        item.setEditable(False)
        parent = self._folder(path[:-1]) if len(path) > 1 else self.tree_model.invisibleRootItem()
        parent.appendRow(item)
        self._folders[path] = item
        return item

    def index_of_form(self, key: str) -> QModelIndex:
        """Where a form's entry is in the tree."""
        return self.tree_model.indexFromItem(self._forms[key])

    def index_of_folder(self, path: tuple[str, ...]) -> QModelIndex:
        """Where a folder is in the tree."""
        return self.tree_model.indexFromItem(self._folders[path])

    def _activated(self, index: QModelIndex) -> None:
        key = index.data(FORM_KEY_ROLE)
        if key:
            self.form_requested.emit(str(key))

    def _current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.folder_selected.emit(str(path))
