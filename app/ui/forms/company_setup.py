"""Company Setup: the user fields the add-on needs in the template's SAP company, and adding them.

The grid lists each field (``U_TG_ID`` on business partners, items, invoices,
credit memos, payments and journal entries) as Present, Missing or Different
type. Create Missing Fields asks first, naming what it will create in which
company; SAP's refusal is shown word for word with what to do. Reading and
creating run on a worker (``app.ui.background``), so the window never waits
on the Service Layer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data.company_setup import CompanyFieldsView, FieldRow, create_missing, read_fields
from app.ui.models.run_models import ERROR, SUCCESS, WARNING, RowsModel
from app.ui.widgets.grid_menu import install_grid_menu
from app.ui.widgets.template_form import TemplateForm
from app.ui.words import counted

READING = "Reading the user fields of the SAP company…"
CREATING = "Creating the missing user fields in the SAP company…"
COMPLETE = "The SAP company has every user field the Integration Hub needs."
STATUS_COLOURS = {"Present": SUCCESS, "Missing": ERROR, "Different type": WARNING}
COLUMNS = (
    ("Field", lambda r: r.property_name),
    ("Table", lambda r: r.table),
    ("Holds", lambda r: r.table_label),
    ("Type", lambda r: r.type_label),
    ("Status", lambda r: r.status),
)

Index = QModelIndex | QPersistentModelIndex


class FieldsModel(RowsModel[FieldRow]):
    """The fields with their status coloured: green present, red missing, orange different."""

    status_column = 4

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.status_column:
            colour: QColor | None = STATUS_COLOURS.get(self.row_at(index.row()).status)
            return colour
        return super().data(index, role)


class CompanySetupForm(TemplateForm):
    """Administration → Integration Hub → Company Setup."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Company Setup", parent)
        self.setObjectName("companySetupForm")
        self.view_data: CompanyFieldsView | None = None
        self._pending = 0
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        self.company_label = QLabel()
        self.company_label.setObjectName("companyLabel")
        self.company_label.setWordWrap(True)
        column.addWidget(self.company_label)
        self.model = FieldsModel(COLUMNS, self)
        self.grid = QTableView()
        self.grid.setObjectName("fieldsGrid")
        self.grid.setModel(self.model)
        install_grid_menu(self.grid, self.messenger, "company-setup-fields", "field")
        self.grid.verticalHeader().setVisible(False)
        self.grid.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        column.addWidget(self.grid, 1)
        self.message = QLabel()
        self.message.setObjectName("setupMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.message)
        row = QHBoxLayout()
        self.create_button = QPushButton("Create Missing Fields")
        self.create_button.setObjectName("createMissing")
        self.create_button.clicked.connect(self.create_missing_fields)
        self.check_button = QPushButton("Check Again")
        self.check_button.setObjectName("checkAgain")
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.create_button)
        row.addWidget(self.check_button)
        row.addStretch(1)
        column.addLayout(row)
        self.create_button.setEnabled(False)
        self.refresh_templates()

    def sizeHint(self) -> QSize:
        """Room for the grid's five columns and a refusal of a few lines."""
        return QSize(720, 440)

    # ---- reading -------------------------------------------------------------------------

    def load(self, template_id: int | None) -> None:
        """Read the chosen template's company (on a worker); no template, no rows."""
        self.model.set_rows([])
        self.view_data = None
        self.company_label.clear()
        self.message.clear()
        self.create_button.setEnabled(False)
        if template_id is not None:
            database = self.context.database
            self._start(lambda: read_fields(database, template_id), READING)

    def check(self) -> None:
        """Check Again: read the company's fields anew."""
        self._show(self.template_id)

    def busy(self) -> bool:
        """Whether a read or a creation is still running."""
        return self._pending > 0

    def _start(self, work: Callable[[], CompanyFieldsView], note: str) -> None:
        """Run ``work`` on a worker; it holds the store and a template id, never this form."""
        self.check_button.setEnabled(False)
        self.create_button.setEnabled(False)
        self.messenger.info(note)
        self._pending += 1
        call = BackgroundCall(work)
        call.finished.connect(self._finished)
        call.failed.connect(self._failed)
        call.start()

    @Slot(object)
    def _finished(self, view: CompanyFieldsView) -> None:
        self._pending -= 1
        if view.template_id != self.template_id:
            self.check_button.setEnabled(not self.busy())
            return
        self.show_view(view)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._pending -= 1
        self.check_button.setEnabled(not self.busy())
        self.message.setText(message)
        self.messenger.error(f"Company Setup failed: {message}")

    def show_view(self, view: CompanyFieldsView) -> None:
        """Show the fields, the company and the outcome of the last action."""
        self.view_data = view
        self.model.set_rows(view.rows)
        self.check_button.setEnabled(not self.busy())
        self.create_button.setEnabled(bool(view.missing) and not self.busy())
        if view.company_db:
            self.company_label.setText(
                f"SAP company {view.company_db}: the user fields the Integration Hub marks "
                "records with (the Tagrain id). Creating them changes the company's database "
                "structure: it needs a superuser or a user authorized to manage user-defined "
                "fields, and no other user connected."
            )
        lines = []
        if view.created:
            lines.append("Created: " + ", ".join(view.created) + ".")
        if view.error:
            lines.append(view.error)
        if view.missing and not view.error:
            names = ", ".join(r.describe() for r in view.missing)
            lines.append(f"Missing: {names}. Create Missing Fields adds them.")
        if not view.error:
            lines.extend(r.note for r in view.rows if r.note)
        if not lines and view.read:
            lines.append(COMPLETE)
        self.message.setText("\n".join(lines))
        if view.error:
            self.messenger.error(view.error.splitlines()[0])
        elif view.created:
            self.messenger.success(f"Created {counted(len(view.created), 'user field')}.")
        elif view.read and not view.problem:
            self.messenger.success(COMPLETE)
        elif view.problem:
            self.messenger.warning(
                f"{counted(len(view.missing), 'user field')} "
                f"{'is' if len(view.missing) == 1 else 'are'} missing."
            )

    # ---- creating ------------------------------------------------------------------------

    def create_missing_fields(self) -> None:
        """Ask, naming what will be created in which company, then create it on a worker."""
        view, template_id = self.view_data, self.template_id
        if view is None or template_id is None or not view.missing:
            return
        listed = "\n".join(f"• {r.describe()}: {r.type_label}" for r in view.missing)
        question = (
            f"Create these user fields in SAP company {view.company_db}?\n\n{listed}\n\n"
            "SAP Business One changes the company's database structure: other users must "
            "not be connected while it runs."
        )
        answer = QMessageBox.question(
            self,
            "Company Setup",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.messenger.info("Nothing was created.")
            return
        database = self.context.database
        self._start(lambda: create_missing(database, template_id), CREATING)

    def save(self) -> None:
        """Nothing to save: the form only reads and creates fields in SAP."""
