"""Forms kept per template: a Template combo on top, a clear hint when there is none."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.ui.context import FormContext
from app.ui.data.templates import list_templates
from app.ui.widgets.form_base import BaseForm

NO_TEMPLATE_HINT = (
    "There is no Tagrain template yet. Create one in "
    "Administration → Integration Hub → Templates, then choose it here."
)


class TemplateForm(BaseForm):
    """A BaseForm whose fields belong to the template chosen in its Template combo.

    Subclasses put their fields into ``content`` and implement ``load(template_id)``
    and ``save()``; ``template_id`` is the chosen template or None. A template
    changed on another desktop is read again (unless there are unsaved edits).
    """

    change_scopes = ("templates",)

    def __init__(self, context: FormContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(context, title, parent)
        top = QHBoxLayout()
        label = QLabel("Tagrain Template")
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.setMinimumWidth(220)
        label.setBuddy(self.template_combo)
        top.addWidget(label)
        top.addWidget(self.template_combo)
        top.addStretch(1)
        self.body.addLayout(top)
        self.hint = QLabel(NO_TEMPLATE_HINT)
        self.hint.setObjectName("formHint")
        self.hint.setWordWrap(True)
        self.body.addWidget(self.hint)
        self.content = QWidget()
        self.body.addWidget(self.content, 1)
        self._shown_id: int | None = None
        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        context.events.templates_changed.connect(self.refresh_templates)

    @property
    def template_id(self) -> int | None:
        """The chosen template."""
        value = self.template_combo.currentData()
        return int(value) if value is not None else None

    def refresh_templates(self) -> None:
        """Fill the combo from the store, keeping the chosen template when it still exists."""
        keep = self._shown_id
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        for row in list_templates(self.context.database):
            self.template_combo.addItem(row.name, row.id)
        index = self.template_combo.findData(keep) if keep is not None else -1
        self.template_combo.setCurrentIndex(max(index, 0) if self.template_combo.count() else -1)
        self.template_combo.blockSignals(False)
        if self.template_id != keep or keep is None:
            self._show(self.template_id)
        self._update_hint()

    def choose_template(self, template_id: int) -> None:
        """Select a template in the combo (as the user would)."""
        index = self.template_combo.findData(template_id)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)

    def view_state(self) -> str:
        """The chosen template's id, so the form reopens on it."""
        return "" if self.template_id is None else str(self.template_id)

    def restore_view_state(self, state: str) -> None:
        """Choose the remembered template when it still exists."""
        if state.isdigit():
            self.choose_template(int(state))

    def _update_hint(self) -> None:
        has = self.template_combo.count() > 0
        self.hint.setVisible(not has)
        self.content.setEnabled(has)
        self.template_combo.setEnabled(has)

    def _template_chosen(self, _index: int) -> None:
        new_id = self.template_id
        if new_id == self._shown_id:
            return
        if not self.confirm_discard():
            self.template_combo.blockSignals(True)
            self.template_combo.setCurrentIndex(self.template_combo.findData(self._shown_id))
            self.template_combo.blockSignals(False)
            return
        self._show(new_id)

    def _show(self, template_id: int | None) -> None:
        self._shown_id = template_id
        self.begin_loading()
        try:
            self.load(template_id)
        finally:
            self.end_loading()

    def reload(self) -> None:
        """Read the chosen template again from the store."""
        self.refresh_templates()
        self._show(self.template_id)

    def load(self, template_id: int | None) -> None:
        """Fill the fields from the store (clear them when ``template_id`` is None)."""
        raise NotImplementedError
