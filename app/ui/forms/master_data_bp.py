"""Business Partner Master Data: a customer of the template's SAP company, read-only.

The General tab shows group, e-mail, phone, currency and the bill-to
address; the Integration Hub tab marks the customer for synchronization.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from app.sync.marking import CUSTOMER
from app.sync.master_data import BusinessPartnerView, MasterRecord
from app.ui.context import FormContext
from app.ui.forms.master_data_form import MasterDataForm
from app.ui.forms.master_data_hub import read_only
from app.ui.widgets.layout import add_row, form_group

TITLE = "Business Partner Master Data"


class BusinessPartnerMasterDataForm(MasterDataForm):
    """Customers browsed by code, found by code or name, marked on the Integration Hub tab."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, CUSTOMER, TITLE, parent)
        self.setObjectName("bpMasterData")

    def sizeHint(self) -> QSize:
        return QSize(720, 480)

    def header_words(self) -> tuple[str, str]:
        """SAP's header labels."""
        return "Code", "Name"

    def build_general(self) -> QWidget:
        """Group, contact, currency and address."""
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(6, 6, 6, 6)
        group, form = form_group("Contact")
        self.group = read_only("bpGroup")
        self.email = read_only("bpEmail")
        self.phone = read_only("bpPhone")
        self.currency = read_only("bpCurrency")
        self.address = QPlainTextEdit()
        self.address.setObjectName("bpAddress")
        self.address.setReadOnly(True)
        self.address.setProperty("display", True)
        self.address.setFixedHeight(64)
        add_row(form, "Group", self.group)
        add_row(form, "E-Mail", self.email)
        add_row(form, "Telephone", self.phone)
        add_row(form, "Currency", self.currency)
        add_row(form, "Bill-to Address", self.address)
        outer.addWidget(group)
        outer.addStretch(1)
        return page

    def fill_general(self, record: MasterRecord | None) -> None:
        """Show the customer's general fields."""
        bp = record if isinstance(record, BusinessPartnerView) else None
        self.group.setText(bp.group if bp else "")
        self.email.setText(bp.email if bp else "")
        self.phone.setText(bp.phone if bp else "")
        self.currency.setText(bp.currency if bp else "")
        self.address.setPlainText(bp.address if bp else "")
