"""General Settings: a template's posting defaults, with Choose From List on code fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from app.ui.context import FormContext
from app.ui.data import settings as store
from app.ui.data.validation import check_code, check_currency, check_int
from app.ui.lists import LIST_TITLES, CodeName, ListKind, RowProvider
from app.ui.widgets.cfl import CodeField
from app.ui.widgets.layout import form_group
from app.ui.widgets.template_form import TemplateForm


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
        sales_form.addRow("Default Price List", self.default_price_list)
        sales_form.addRow("Default Cash Customer", self.default_cash_customer)
        sales_form.addRow("Default Payment Terms", self.default_payment_terms)
        sales_form.addRow("Exempt Tax Code", self.exempt_tax_code)
        sales_form.addRow("Cash Account", self.cash_account)
        sales_form.addRow("Branch", self.branch_id)
        row.addWidget(sales, 3)

        customers, customers_form = form_group("Customers Created from Tagrain")
        self.new_customer_group = self._code("new_customer_group", ListKind.CUSTOMER_GROUPS)
        self.new_customer_code_prefix = self._line("new_customer_code_prefix", "e.g. TG-")
        self.default_currency = self._code("default_currency", ListKind.CURRENCIES)
        customers_form.addRow("Customer Group", self.new_customer_group)
        customers_form.addRow("Code Prefix", self.new_customer_code_prefix)
        customers_form.addRow("Default Currency", self.default_currency)
        row.addWidget(customers, 2)
        row.setAlignment(sales, Qt.AlignmentFlag.AlignTop)
        row.setAlignment(customers, Qt.AlignmentFlag.AlignTop)
        self.refresh_templates()

    def _provider(self, kind: ListKind) -> RowProvider:
        def rows() -> list[CodeName]:
            return list(self.context.services.lists.rows(kind, self.template_id))

        return rows

    def _code(self, name: str, kind: ListKind) -> CodeField:
        field = CodeField(
            self._provider(kind), LIST_TITLES[kind], self.context.services.lists.origin(kind)
        )
        field.edit.setObjectName(name)
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

    def save(self) -> None:
        """Validate and store the defaults in one transaction."""
        template_id = self.template_id
        if template_id is None:
            return
        settings = store.GeneralSettings(
            default_price_list=check_int(
                self.default_price_list.text(), "default_price_list", "default price list"
            ),
            default_cash_customer=check_code(
                self.default_cash_customer.text(), "default_cash_customer", "cash customer", 50
            ),
            default_payment_terms=check_int(
                self.default_payment_terms.text(), "default_payment_terms", "payment terms code"
            ),
            exempt_tax_code=check_code(
                self.exempt_tax_code.text(), "exempt_tax_code", "exempt tax code", 20
            ),
            cash_account=check_code(self.cash_account.text(), "cash_account", "cash account", 50),
            default_currency=check_currency(
                self.default_currency.text(), "default_currency", "default currency"
            ),
            branch_id=check_int(self.branch_id.text(), "branch_id", "branch"),
            new_customer_group=check_int(
                self.new_customer_group.text(), "new_customer_group", "customer group"
            ),
            new_customer_code_prefix=check_code(
                self.new_customer_code_prefix.text(), "new_customer_code_prefix", "code prefix", 20
            ),
        )
        store.save_general(self.context.database, template_id, settings)
        self.begin_loading()
        self.load(template_id)
        self.end_loading()
