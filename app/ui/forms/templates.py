"""Templates: list the Tagrain templates; add, rename, copy and remove them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from app.secrets import SecretsUnavailable
from app.ui.context import FormContext
from app.ui.data import templates as store
from app.ui.data.errors import InputError
from app.ui.models.templates_model import TemplatesModel
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.grid_menu import install_grid_menu
from app.ui.widgets.marks import set_invalid

EMPTY_HINT = "No template yet: type a name below and press Add."


class TemplatesForm(BaseForm):
    """Administration → Integration Hub → Templates."""

    change_scopes = ("templates",)

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Templates", parent)
        self.setObjectName("templatesForm")
        self.model = TemplatesModel()
        self.grid = QTableView()
        self.grid.setObjectName("templatesGrid")
        self.grid.setModel(self.model)
        install_grid_menu(self.grid, self.messenger, "templates", "template")
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setAlternatingRowColors(True)
        self.grid.verticalHeader().hide()
        self.grid.verticalHeader().setDefaultSectionSize(20)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.selectionModel().currentRowChanged.connect(self._row_changed)
        self.body.addWidget(self.grid, 1)

        self.hint = QLabel(EMPTY_HINT)
        self.hint.setObjectName("formHint")
        self.body.addWidget(self.hint)

        edit_row = QGridLayout()
        edit_row.setHorizontalSpacing(6)
        label = QLabel("Template Name")
        self.name = QLineEdit()
        self.name.setObjectName("templateName")
        self.name.setMaxLength(store.NAME_MAX)
        self.name.returnPressed.connect(self.add)
        self.name.textEdited.connect(lambda _text: set_invalid(self.name, False))
        label.setBuddy(self.name)
        self.fields["name"] = self.name
        self.add_button = self._button("Add", "addTemplate", self.add)
        self.rename_button = self._button("Rename", "renameTemplate", self.rename)
        self.copy_button = self._button("Copy", "copyTemplate", self.copy)
        self.remove_button = self._button("Remove", "removeTemplate", self.remove)
        edit_row.addWidget(label, 0, 0)
        edit_row.addWidget(self.name, 0, 1)
        for n, button in enumerate(
            (self.add_button, self.rename_button, self.copy_button, self.remove_button), start=2
        ):
            edit_row.addWidget(button, 0, n)
        edit_row.setColumnStretch(1, 1)
        self.body.addLayout(edit_row)
        note = QLabel(
            "Rename moves the template's secrets with it. Copy takes the settings and "
            "mappings, not the password, API key, marks or links."
        )
        note.setWordWrap(True)
        note.setObjectName("listOrigin")
        self.body.addWidget(note)
        context.events.templates_changed.connect(self.reload)
        self.reload()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def reload(self, select_id: int | None = None) -> None:
        """Read the templates again, keeping (or moving to) a selection."""
        current = self.selected()
        keep = select_id if select_id is not None else (current.id if current else None)
        self.model.set_rows(store.list_templates(self.context.database))
        has = self.model.rowCount() > 0
        self.hint.setVisible(not has)
        row = self.model.row_of(keep) if keep is not None else -1
        if has:
            self.grid.selectRow(max(row, 0))
        self._update_buttons()

    def follow_change(self, scope: str) -> None:
        """Templates changed on another desktop: list them again, keeping a typed name."""
        typed = self.name.text() if self.name.isModified() else None
        self.reload()
        if typed is not None:
            self.name.setText(typed)
            self.name.setModified(True)

    def selected(self) -> store.TemplateRow | None:
        """The template of the current row."""
        index = self.grid.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_template(self, name: str) -> None:
        """Select a template by name (as a click on its row would)."""
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).name == name:
                self.grid.selectRow(row)
                return

    def _row_changed(self) -> None:
        current = self.selected()
        if current is not None:
            self.name.setText(current.name)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for button in (self.rename_button, self.copy_button, self.remove_button):
            button.setEnabled(has)

    def _changed(self, select_id: int) -> None:
        self.context.events.templates_changed.emit()
        self.reload(select_id)

    def add(self) -> None:
        """Create a template named as the name field says."""
        try:
            new_id = store.add_template(self.context.database, self.name.text())
        except InputError as exc:
            self.refuse(exc)
            return
        self._changed(new_id)
        self.messenger.success(f"Template {self.name.text().strip()!r} added.")

    def rename(self) -> None:
        """Rename the selected template to the name field (its secrets move along)."""
        current = self.selected()
        if current is None:
            return
        try:
            old = store.rename_template(self.context.database, current.id, self.name.text())
        except InputError as exc:
            self.refuse(exc)
            return
        except SecretsUnavailable as exc:
            self.messenger.error(f"Not renamed: {exc}")
            return
        self._changed(current.id)
        self.messenger.success(f"Template {old!r} renamed to {self.name.text().strip()!r}.")

    def copy(self) -> None:
        """Copy the selected template's settings and mappings to a new template."""
        current = self.selected()
        if current is None:
            return
        name = self.name.text().strip()
        if name == current.name:
            name = f"{current.name} (copy)"
        try:
            new_id = store.copy_template(self.context.database, current.id, name)
        except InputError as exc:
            self.refuse(exc)
            return
        self._changed(new_id)
        self.messenger.success(
            f"Template {current.name!r} copied to {name!r}. Enter its password and API key "
            "in Connections."
        )

    def remove(self) -> None:
        """Remove the selected template after a confirmation naming what is lost."""
        current = self.selected()
        if current is None:
            return
        usage = store.template_usage(self.context.database, current.id)
        answer = QMessageBox.question(
            self,
            "Remove Template",
            f"Remove template {current.name!r}?\n\nThis deletes its {usage.describe()}, "
            "and its SAP password and Tagrain API key in the keyring. It cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.messenger.info("Nothing removed.")
            return
        try:
            store.remove_template(self.context.database, current.id)
        except SecretsUnavailable as exc:
            self.messenger.warning(f"Template removed; its secrets could not be deleted: {exc}")
            self._changed(-1)
            return
        self._changed(-1)
        self.messenger.success(f"Template {current.name!r} removed.")

    def save(self) -> None:
        """Every action above is saved at once; there is nothing left to save."""
