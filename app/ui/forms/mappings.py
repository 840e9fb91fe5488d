"""Mappings: Tagrain stores, tenders and expense categories to their SAP counterparts."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import FormContext
from app.ui.data import mappings as store
from app.ui.data.errors import InputError
from app.ui.lists import ListKind
from app.ui.models.mapping_model import Column, MappingModel, count_label
from app.ui.resources import icon
from app.ui.widgets.mapping_grid import MappingGrid
from app.ui.widgets.template_form import TemplateForm

STORE_COLUMNS = (
    Column("Tagrain Store", "store"),
    Column("Store Name", "store_name"),
    Column("SAP Warehouse", "warehouse_code", editable=True, list_kind=ListKind.WAREHOUSES),
    Column("Cash Account", "cash_account", editable=True, list_kind=ListKind.ACCOUNTS),
)
TENDER_COLUMNS = (
    Column("Tender Type", "tender_type"),
    Column("Tender Name", "tender_name"),
    Column("Payment Means", "payment_means", editable=True, choices=store.PAYMENT_MEANS_LABELS),
    Column("Cash/Transfer Account", "account_code", editable=True, list_kind=ListKind.ACCOUNTS),
    Column("Credit Card", "credit_card_code", editable=True, list_kind=ListKind.CREDIT_CARDS),
)
EXPENSE_COLUMNS = (
    Column("Expense Category", "category"),
    Column("Category Name", "category_name"),
    Column("G/L Account", "account_code", editable=True, list_kind=ListKind.ACCOUNTS),
)
TABS = (
    ("stores", "Stores ↔ Warehouses", STORE_COLUMNS, "stores"),
    ("tenders", "Tenders ↔ Payment Means", TENDER_COLUMNS, "tender types"),
    ("expenses", "Expenses ↔ G/L Accounts", EXPENSE_COLUMNS, "expense categories"),
)


class MappingsForm(TemplateForm):
    """Administration → Integration Hub → Mappings."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Mappings", parent)
        self.setObjectName("mappingsForm")
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        lists = context.services.lists
        self.origin = QLabel(f"Tagrain values: {lists.origin(ListKind.TAGRAIN_STORES)}")
        self.origin.setObjectName("listOrigin")
        column.addWidget(self.origin)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mappingTabs")
        self.models: dict[str, MappingModel] = {}
        self.grids: dict[str, MappingGrid] = {}
        self.summaries: dict[str, QLabel] = {}
        for key, title, columns, noun in TABS:
            model = MappingModel(columns)
            model.edited.connect(self._grid_edited)
            grid = MappingGrid(model, lists)
            grid.setObjectName(f"{key}Grid")
            grid.list_failed.connect(self.messenger.error)
            self.fields[key] = grid
            self.models[key] = model
            self.grids[key] = grid
            page = QWidget()
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(4, 4, 4, 4)
            page_layout.addWidget(grid, 1)
            below = QHBoxLayout()
            summary = QLabel()
            summary.setObjectName("mappingSummary")
            summary.setProperty("noun", noun)
            self.summaries[key] = summary
            cfl = QPushButton(icon("list-search"), "Choose From List")
            cfl.setToolTip("Choose a code for the selected cell (Shift+F2)")
            cfl.setAutoDefault(False)
            cfl.clicked.connect(grid.open_list)
            below.addWidget(summary, 1)
            below.addWidget(cfl)
            page_layout.addLayout(below)
            self.tabs.addTab(page, title)
        column.addWidget(self.tabs, 1)
        self.refresh_templates()

    def sizeHint(self) -> QSize:
        """Wide enough for every column of the widest grid."""
        return QSize(960, 460)

    def _grid_edited(self) -> None:
        self._update_summaries()
        if not self._loading:
            self.set_dirty(True)

    def _update_summaries(self) -> None:
        for key, model in self.models.items():
            label = self.summaries[key]
            text = count_label(model, str(label.property("noun")))()
            label.setText(text)
            label.setProperty("kind", "error" if model.unmapped_count() else "success")
            label.style().unpolish(label)
            label.style().polish(label)

    def refuse(self, exc: InputError) -> None:
        """Show the refused grid's tab, then the usual message and red mark."""
        grid = self.grids.get(exc.field or "")
        if grid is not None:
            self.tabs.setCurrentIndex(list(self.grids).index(exc.field or ""))
        super().refuse(exc)

    def load(self, template_id: int | None) -> None:
        """Show every known Tagrain value and the template's stored mappings."""
        for grid in self.grids.values():
            grid.template_id = template_id
        if template_id is None:
            for model in self.models.values():
                model.set_rows([])
            self._update_summaries()
            return
        lists = self.context.services.lists
        loaded = store.load_mappings(
            self.context.database,
            template_id,
            lists.rows(ListKind.TAGRAIN_STORES, template_id),
            lists.rows(ListKind.TENDER_TYPES, template_id),
            lists.rows(ListKind.EXPENSE_CATEGORIES, template_id),
        )
        self.models["stores"].set_rows(loaded.stores)
        self.models["tenders"].set_rows(loaded.tenders)
        self.models["expenses"].set_rows(loaded.expenses)
        for grid in self.grids.values():
            grid.fit_columns()
        self._update_summaries()

    def save(self) -> None:
        """Replace the template's mappings with the grids' complete rows (one transaction)."""
        template_id = self.template_id
        if template_id is None:
            return
        mapping_set = store.MappingSet(
            stores=self.models["stores"].rows(),
            tenders=self.models["tenders"].rows(),
            expenses=self.models["expenses"].rows(),
        )
        store.save_mappings(self.context.database, template_id, mapping_set)
        self.begin_loading()
        self.load(template_id)
        self.end_loading()
        missing = sum(model.unmapped_count() for model in self.models.values())
        if missing:
            self.messenger.warning(f"Saved. {missing} Tagrain values are still not mapped.")
