"""Item Master Data: an item of the template's SAP company, read-only.

The General tab shows group, manufacturer, barcode, the price in the
template's price list and the stock per warehouse in a small grid; the
Integration Hub tab marks the item for synchronization.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from app.sync.marking import ITEM
from app.sync.master_data import ItemView, MasterRecord
from app.ui.context import FormContext
from app.ui.forms.master_data_form import MasterDataForm
from app.ui.forms.master_data_hub import read_only
from app.ui.widgets.grid_menu import install_grid_menu
from app.ui.widgets.layout import add_row, form_group

TITLE = "Item Master Data"
STOCK_COLUMNS = ("Whse Code", "Whse Name", "In Stock", "Committed", "Available")
ROW_HEIGHT = 20
NO_PRICE_LIST = "the template has no price list"


def quantity(value: Decimal) -> str:
    """A quantity as SAP shows it: thousands separated, no needless decimals."""
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.3f}"


def _cell(text: str, numeric: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    if numeric:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ItemMasterDataForm(MasterDataForm):
    """Items browsed by code, found by code or name, marked on the Integration Hub tab."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, ITEM, TITLE, parent)
        self.setObjectName("itemMasterData")

    def header_words(self) -> tuple[str, str]:
        """SAP's header labels."""
        return "Item No.", "Description"

    def build_general(self) -> QWidget:
        """Group, manufacturer, barcode, price and the stock grid."""
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(6, 6, 6, 6)
        group, form = form_group("Item Details")
        self.group = read_only("itemGroup")
        self.manufacturer = read_only("itemManufacturer")
        self.barcode = read_only("itemBarcode")
        self.price = read_only("itemPrice")
        self.price.setAlignment(Qt.AlignmentFlag.AlignRight)
        add_row(form, "Item Group", self.group)
        add_row(form, "Manufacturer", self.manufacturer)
        add_row(form, "Bar Code", self.barcode)
        self.price_label = add_row(form, "Unit Price", self.price)
        outer.addWidget(group)

        stock_group, stock_form = form_group("Stock by Warehouse")
        self.stock_model = QStandardItemModel(0, len(STOCK_COLUMNS), page)
        self.stock_model.setHorizontalHeaderLabels(list(STOCK_COLUMNS))
        self.stock_grid = QTableView()
        self.stock_grid.setObjectName("stockGrid")
        self.stock_grid.setModel(self.stock_model)
        install_grid_menu(self.stock_grid, self.messenger, "item-stock", "warehouse")
        self.stock_grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stock_grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stock_grid.setAlternatingRowColors(True)
        self.stock_grid.setWordWrap(False)
        vertical = self.stock_grid.verticalHeader()
        vertical.hide()
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.stock_grid.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((90, 180, 90, 90)):
            self.stock_grid.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        stock_form.addRow(self.stock_grid)
        outer.addWidget(stock_group, 1)
        return page

    def fill_general(self, record: MasterRecord | None) -> None:
        """Show the item's general fields and its stock."""
        item = record if isinstance(record, ItemView) else None
        self.group.setText(item.group if item else "")
        self.manufacturer.setText(item.manufacturer if item else "")
        self.barcode.setText(item.barcode if item else "")
        list_name = item.price_list if item and item.price_list else ""
        self.price_label.setText(f"Unit Price ({list_name})" if list_name else "Unit Price")
        if item is None:
            self.price.setText("")
        elif not item.price_list:
            self.price.setText(NO_PRICE_LIST)
        else:
            self.price.setText(f"{item.price:,.2f}" if item.price is not None else "")
        self.stock_model.removeRows(0, self.stock_model.rowCount())
        for row in item.stock if item else []:
            self.stock_model.appendRow(
                [
                    _cell(row.warehouse),
                    _cell(row.name),
                    _cell(quantity(row.in_stock), numeric=True),
                    _cell(quantity(row.committed), numeric=True),
                    _cell(quantity(row.available), numeric=True),
                ]
            )
