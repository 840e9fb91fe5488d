"""General Settings: a template's posting defaults, with Choose From List on code fields.

Tab in a code field checks the code in SAP (unknown: the list opens); Update
checks every code in SAP before storing (``app.ui.forms.save_check``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from app.ui.context import FormContext
from app.ui.data import settings as store
from app.ui.data.errors import InputError
from app.ui.forms.save_check import SaveCheck, problem_text
from app.ui.lists import LIST_TITLES, CodeName, ListKind, RowProvider
from app.ui.widgets.cfl import CFL_BUTTON_GAP, CFL_BUTTON_SIZE, CodeField
from app.ui.widgets.layout import add_row, form_group
from app.ui.widgets.template_form import TemplateForm

if TYPE_CHECKING:
    from app.sync.preflight import Problem


class GeneralSettingsForm(TemplateForm):
    """Administration → Integration Hub → General Settings."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - General Settings", parent)
        self.setObjectName("generalSettingsForm")
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)

        sales, sales_form = form_group("Sales Posting")
        self.default_price_list = self._code("default_price_list", ListKind.PRICE_LISTS)
        self.default_cash_customer = self._code("default_cash_customer", ListKind.CUSTOMERS)
        self.default_payment_terms = self._line("default_payment_terms", "Payment terms code")
        self.exempt_tax_code = self._code("exempt_tax_code", ListKind.TAX_CODES)
        self.cash_account = self._code("cash_account", ListKind.ACCOUNTS)
        self.branch_id = self._line("branch_id", "Only for multi-branch companies")
        add_row(sales_form, "Default Price List", self.default_price_list)
        add_row(sales_form, "Default Cash Customer", self.default_cash_customer)
        add_row(sales_form, "Default Payment Terms", _aligned(self.default_payment_terms))
        add_row(sales_form, "Exempt Tax Code", self.exempt_tax_code)
        add_row(sales_form, "Cash Account", self.cash_account)
        add_row(sales_form, "Branch", _aligned(self.branch_id))
        row.addWidget(sales, 3)

        customers, customers_form = form_group("Customers Created from Tagrain")
        self.new_customer_group = self._code("new_customer_group", ListKind.CUSTOMER_GROUPS)
        self.new_customer_code_prefix = self._line("new_customer_code_prefix", "e.g. TG-")
        self.default_currency = self._code("default_currency", ListKind.CURRENCIES)
        add_row(customers_form, "Customer Group", self.new_customer_group)
        add_row(customers_form, "Code Prefix", _aligned(self.new_customer_code_prefix))
        add_row(customers_form, "Default Currency", self.default_currency)
        row.addWidget(customers, 2)
        row.setAlignment(sales, Qt.AlignmentFlag.AlignTop)
        row.setAlignment(customers, Qt.AlignmentFlag.AlignTop)
        self.save_check = SaveCheck(self, [self.content, self.template_combo], self._refuse_code)
        self.refresh_templates()

    def busy(self) -> bool:
        """Asking SAP about the codes before storing them."""
        return self.save_check.running

    def sizeHint(self) -> QSize:
        """Both groups side by side with room for account codes."""
        return QSize(780, super().sizeHint().height())

    def _provider(self, kind: ListKind) -> RowProvider:
        def rows() -> list[CodeName]:
            return list(self.context.lists.rows(kind, self.template_id))

        return rows

    def _lookup(self, kind: ListKind) -> Callable[[str], Callable[[], CodeName | None]]:
        def lookup(code: str) -> Callable[[], CodeName | None]:
            lists, template_id = self.context.lists, self.template_id
            return lambda: lists.find(kind, template_id, code)

        return lookup

    def _code(self, name: str, kind: ListKind) -> CodeField:
        field = CodeField(
            self._provider(kind),
            LIST_TITLES[kind],
            self.context.lists.origin(kind),
            lookup=self._lookup(kind),
        )
        field.edit.setObjectName(name)
        field.list_failed.connect(self.messenger.error)
        self.watch(name, field)
        return field

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        self.watch(name, edit)
        return edit

    def load(self, template_id: int | None) -> None:
        """Show the template's stored defaults."""
        values: dict[str, object] = {}
        if template_id is not None:
            loaded = store.load_general(self.context.database, template_id)
            values = {name: getattr(loaded, name) for name in store.GENERAL_FIELDS}
        for name in store.GENERAL_FIELDS:
            value = values.get(name)
            widget = getattr(self, name)
            widget.setText("" if value is None else str(value))

    def run_save(self) -> bool:
        """With a code check installed: check in SAP on a worker, then store (or refuse)."""
        check = self.context.services.code_check
        template_id = self.template_id
        if check is None or template_id is None:
            return super().run_save()
        try:
            settings = self.collect()
        except InputError as exc:
            self.refuse(exc)
            return False
        self.save_check.start(
            lambda: check.general(template_id, settings),
            lambda: self.store(template_id, settings),
        )
        return False

    def _refuse_code(self, problem: Problem, others: int) -> None:
        self.refuse(InputError(problem_text(problem, others), problem.field))

    def save(self) -> None:
        """Validate and store the defaults in one transaction."""
        template_id = self.template_id
        if template_id is None:
            return
        self.store(template_id, self.collect())

    def collect(self) -> store.GeneralSettings:
        """The fields as settings to store (InputError names a field that is wrong)."""
        return store.general_settings(
            {name: getattr(self, name).text() for name in store.GENERAL_FIELDS}
        )

    def store(self, template_id: int, settings: store.GeneralSettings) -> None:
        """Write the settings and show them as stored."""
        store.save_general(self.context.database, template_id, settings)
        self.begin_loading()
        self.load(template_id)
        self.end_loading()


def _aligned(edit: QLineEdit) -> QHBoxLayout:
    """A plain field that ends where the code fields (with their list button) end."""
    row = QHBoxLayout()
    row.setSpacing(CFL_BUTTON_GAP)
    row.addWidget(edit, 1)
    row.addSpacing(CFL_BUTTON_SIZE)
    return row
