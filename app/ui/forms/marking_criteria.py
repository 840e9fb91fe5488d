"""Set Customers / Set Items for Synchronization - Selection Criteria.

The user picks the Tagrain template and code and group ranges (each code
field with its Choose From List, read live from the template's SAP company);
OK opens the matrix of the matching records in the main window. Customers
take a code range and a group range; items take a code range *or* a group
range, as in the SAP Business One add-on.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QMdiSubWindow,
    QRadioButton,
    QWidget,
)

from app.sync import marking
from app.sync.marking import CUSTOMER, ITEM, Criteria
from app.ui.context import FormContext
from app.ui.data.errors import InputError
from app.ui.data.templates import list_templates
from app.ui.forms.marking_matrix import TITLES, MarkingMatrixForm
from app.ui.lists import CodeName, RowProvider
from app.ui.resources import icon
from app.ui.widgets.cfl import CodeField
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.layout import add_row, form_group

LIVE_ORIGIN = "Read live from the template's SAP Business One company"
NO_TEMPLATE = "Choose a Tagrain template first."
MATRIX_MARGINS = QMargins(8, 30, 8, 8)
MATRIX_OFFSET = 24
MIN_MATRIX = QSize(640, 400)


class MarkingCriteriaForm(BaseForm):
    """The Selection Criteria window of one kind (customer or item)."""

    form_key = ""
    change_scopes = ("templates",)

    def __init__(self, context: FormContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(context, f"{TITLES[kind]} - Selection Criteria", parent)
        self.setObjectName("markingCriteria")
        self.kind = kind
        self.matrix: MarkingMatrixForm | None = None
        customer = kind == CUSTOMER
        code_word = "Customer" if customer else "Item"
        group_word = "Customer Group" if customer else "Item Group"

        group, form = form_group("Selection Criteria")
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.setMinimumWidth(220)
        add_row(form, "Tagrain Template", self.template_combo)
        self.fields["template"] = self.template_combo

        self.by_code = QRadioButton(f"{code_word} Code")
        self.by_group = QRadioButton(group_word)
        if not customer:
            choice = QButtonGroup(self)
            choice.addButton(self.by_code)
            choice.addButton(self.by_group)
            self.by_code.setChecked(True)
            row = QHBoxLayout()
            row.addWidget(self.by_code)
            row.addWidget(self.by_group)
            row.addStretch(1)
            add_row(form, "Select by", row)
            self.by_code.toggled.connect(self._by_changed)

        codes_list = "customers" if customer else "items"
        codes_title = "List of Business Partners" if customer else "List of Items"
        groups_list = "customer_groups" if customer else "item_groups"
        groups_title = f"List of {group_word}s"
        self.code_from = self._code_field("code_from", codes_list, codes_title)
        self.code_to = self._code_field("code_to", codes_list, codes_title)
        self.group_from = self._code_field("group_from", groups_list, groups_title)
        self.group_to = self._code_field("group_to", groups_list, groups_title)
        add_row(form, f"{code_word} Code From", self.code_from)
        add_row(form, f"{code_word} Code To", self.code_to)
        add_row(form, f"{group_word} From", self.group_from)
        add_row(form, f"{group_word} To", self.group_to)
        self.body.addWidget(group)
        self.body.addStretch(1)
        if not customer:
            self._by_changed()

        self.refresh_templates()
        context.events.templates_changed.connect(self.refresh_templates)

    def _code_field(self, name: str, list_name: str, title: str) -> CodeField:
        field = CodeField(self._provider(list_name), title, LIVE_ORIGIN)
        field.setObjectName(name)
        field.list_failed.connect(self.messenger.error)
        self.fields[name] = field
        return field

    def _provider(self, list_name: str) -> RowProvider:
        database = self.context.database

        def rows() -> list[CodeName]:
            template_id = self.template_id
            if template_id is None:
                raise LookupError(NO_TEMPLATE)
            return [
                CodeName(code, name)
                for code, name in marking.choices(database, template_id, list_name)
            ]

        return rows

    def _by_changed(self) -> None:
        by_code = self.by_code.isChecked()
        for field in (self.code_from, self.code_to):
            field.setEnabled(by_code)
        for field in (self.group_from, self.group_to):
            field.setEnabled(not by_code)

    @property
    def template_id(self) -> int | None:
        """The chosen template."""
        value = self.template_combo.currentData()
        return int(value) if value is not None else None

    def follow_change(self, scope: str) -> None:
        """Templates added, renamed or removed on another desktop."""
        self.refresh_templates()

    def refresh_templates(self) -> None:
        """Fill the Template combo from the store, keeping the choice."""
        keep = self.template_id
        self.template_combo.clear()
        for row in list_templates(self.context.database):
            self.template_combo.addItem(row.name, row.id)
        index = self.template_combo.findData(keep) if keep is not None else 0
        self.template_combo.setCurrentIndex(max(index, 0) if self.template_combo.count() else -1)

    def choose_template(self, template_id: int) -> None:
        """Select a template in the combo."""
        index = self.template_combo.findData(template_id)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)

    def view_state(self) -> str:
        """The chosen template, so the window reopens on it."""
        return "" if self.template_id is None else str(self.template_id)

    def restore_view_state(self, state: str) -> None:
        """Choose the remembered template when it still exists."""
        if state.isdigit():
            self.choose_template(int(state))

    def criteria(self) -> Criteria:
        """The criteria as entered (raises InputError naming the field to fix)."""
        template_id = self.template_id
        if template_id is None:
            raise InputError(NO_TEMPLATE, "template")
        by_code = self.kind == CUSTOMER or self.by_code.isChecked()
        by_group = self.kind == CUSTOMER or self.by_group.isChecked()
        code_from = self.code_from.text().strip() if by_code else ""
        code_to = self.code_to.text().strip() if by_code else ""
        if code_from and code_to and code_from > code_to:
            raise InputError("The From code comes after the To code.", "code_to")
        group_from = _group(self.group_from.text(), "group_from") if by_group else None
        group_to = _group(self.group_to.text(), "group_to") if by_group else None
        if group_from is not None and group_to is not None and group_from > group_to:
            raise InputError("The From group comes after the To group.", "group_to")
        return Criteria(self.kind, template_id, code_from, code_to, group_from, group_to)

    def press_mode_button(self) -> None:
        """OK opens the matrix of the chosen records."""
        try:
            criteria = self.criteria()
        except InputError as exc:
            self.refuse(exc)
            return
        self.open_matrix(criteria)

    def open_matrix(self, criteria: Criteria) -> MarkingMatrixForm:
        """Open the matrix as a window of the main window's form area."""
        matrix = MarkingMatrixForm(self.context, criteria, self.template_combo.currentText())
        frame = self.parentWidget()
        area = frame.mdiArea() if isinstance(frame, QMdiSubWindow) else None
        if area is not None:
            sub = area.addSubWindow(matrix)
            sub.setObjectName(f"window_{self.form_key}_matrix")
            sub.setProperty("form_key", f"{self.form_key}_matrix")
            sub.setWindowIcon(frame.windowIcon() if frame is not None else icon("check"))
            sub.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            room = area.viewport().size()
            origin = frame.pos() + QPoint(MATRIX_OFFSET, MATRIX_OFFSET) if frame else QPoint()
            origin = QPoint(
                max(0, min(origin.x(), room.width() - MIN_MATRIX.width())),
                max(0, min(origin.y(), room.height() - MIN_MATRIX.height())),
            )
            wanted = matrix.sizeHint().grownBy(MATRIX_MARGINS)
            sub.setGeometry(
                origin.x(),
                origin.y(),
                min(wanted.width(), room.width() - origin.x()),
                min(wanted.height(), room.height() - origin.y()),
            )
            sub.show()
            area.setActiveSubWindow(sub)
        else:
            matrix.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            matrix.show()
        self.matrix = matrix
        return matrix


def _group(text: str, field: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    if not value.lstrip("-").isdigit():
        raise InputError("A group is chosen by its number.", field)
    return int(value)


class SetCustomersCriteriaForm(MarkingCriteriaForm):
    """Set Customers for Synchronization - Selection Criteria."""

    form_key = "set_customers"

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, CUSTOMER, parent)


class SetItemsCriteriaForm(MarkingCriteriaForm):
    """Set Items for Synchronization - Selection Criteria."""

    form_key = "set_items"

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, ITEM, parent)
