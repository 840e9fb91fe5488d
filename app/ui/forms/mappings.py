"""Mappings: Tagrain stores, tenders and expense categories to their SAP counterparts.

Update checks every SAP code of the grids in SAP before storing
(``app.ui.forms.save_check``): an unknown code refuses the save on its cell.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data import mappings as store
from app.ui.data.errors import InputError
from app.ui.forms.save_check import SaveCheck, problem_text
from app.ui.lists import CodeName, ListKind
from app.ui.models.mapping_model import Column, MappingModel, count_label
from app.ui.resources import icon
from app.ui.widgets.mapping_grid import MappingGrid
from app.ui.widgets.template_form import TemplateForm

if TYPE_CHECKING:
    from app.sync.preflight import Problem

STORE_COLUMNS = (
    Column("Tagrain Store", "store"),
    Column("Store Name", "store_name"),
    Column("SAP Warehouse", "warehouse_code", editable=True, list_kind=ListKind.WAREHOUSES),
    Column("Cash Account", "cash_account", editable=True, list_kind=ListKind.ACCOUNTS),
    Column("Branch", "branch", editable=True, list_kind=ListKind.BRANCHES),
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


@dataclass(frozen=True)
class _Known:
    """The Tagrain-side values a list source knows."""

    stores: list[CodeName]
    tenders: list[CodeName]
    categories: list[CodeName]


@dataclass(frozen=True)
class _ListsRead:
    """What the worker read for one template (``generation`` drops stale answers)."""

    generation: int
    template_id: int
    known: _Known
    error: str | None


class MappingsForm(TemplateForm):
    """Administration → Integration Hub → Mappings."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Mappings", parent)
        self.setObjectName("mappingsForm")
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        lists = context.lists
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
        self.reading = False
        self._generation = 0
        self._known = _Known([], [], [])
        self.general_cash_account = ""
        self.save_check = SaveCheck(self, [self.content, self.template_combo], self._refuse_code)
        self.refresh_templates()

    def busy(self) -> bool:
        """Reading Tagrain's values, or asking SAP about the codes before storing them."""
        return self.reading or self.save_check.running

    def follow_change(self, scope: str) -> None:
        """Mappings changed on another desktop: show the stored rows again (no new read)."""
        shown = self.template_id
        self.refresh_templates()
        if shown is not None and shown == self.template_id and not self.reading:
            self._fill(shown)

    def sizeHint(self) -> QSize:
        """Wide enough for every column of the widest grid."""
        return QSize(960, 460)

    def _grid_edited(self) -> None:
        self._mapping_set().share_tills()
        self.models["tenders"].refresh()
        self._update_summaries()
        if not self._loading:
            self.set_dirty(True)

    def _update_summaries(self) -> None:
        for key, model in self.models.items():
            label = self.summaries[key]
            text = count_label(model, str(label.property("noun")))()
            _show_summary(label, text, "error" if model.unmapped_count() else "success")

    def refuse(self, exc: InputError) -> None:
        """Show the refused grid's tab, then the usual message and red mark."""
        grid = self.grids.get(exc.field or "")
        if grid is not None:
            self.tabs.setCurrentIndex(list(self.grids).index(exc.field or ""))
        super().refuse(exc)

    def load(self, template_id: int | None) -> None:
        """Read the known Tagrain values on a worker thread, then show them with the mappings."""
        self._generation += 1
        for grid in self.grids.values():
            grid.template_id = template_id
        for model in self.models.values():
            model.set_rows([])
        if template_id is None:
            self.reading = False
            self._update_summaries()
            return
        self.reading = True
        self.tabs.setEnabled(False)
        for label in self.summaries.values():
            _show_summary(label, "Reading the Tagrain values…", "info")
        generation = self._generation
        lists = self.context.lists

        def read() -> _ListsRead:
            try:
                known = _Known(
                    list(lists.rows(ListKind.TAGRAIN_STORES, template_id)),
                    list(lists.rows(ListKind.TENDER_TYPES, template_id)),
                    list(lists.rows(ListKind.EXPENSE_CATEGORIES, template_id)),
                )
            except Exception as exc:
                return _ListsRead(generation, template_id, _Known([], [], []), str(exc))
            return _ListsRead(generation, template_id, known, None)

        call = BackgroundCall(read)
        call.finished.connect(self._lists_read)
        call.start()

    @Slot(object)
    def _lists_read(self, result: _ListsRead) -> None:
        if result.generation != self._generation:
            return
        self.reading = False
        self.tabs.setEnabled(True)
        if result.error is not None:
            self.messenger.error(
                f"Tagrain's values could not be read: {result.error}. "
                "Only the stored mappings are shown."
            )
        self._known = result.known
        self._fill(result.template_id)
        self.follow_pending()

    def _fill(self, template_id: int) -> None:
        self.begin_loading()
        try:
            loaded = store.load_mappings(
                self.context.database,
                template_id,
                self._known.stores,
                self._known.tenders,
                self._known.categories,
            )
            self.general_cash_account = loaded.general_cash_account
            self.models["stores"].set_rows(loaded.stores)
            self.models["tenders"].set_rows(loaded.tenders)
            self.models["expenses"].set_rows(loaded.expenses)
            for grid in self.grids.values():
                grid.fit_columns()
            self._update_summaries()
        finally:
            self.end_loading()

    def run_save(self) -> bool:
        """With a code check installed: check in SAP on a worker, then store (or refuse)."""
        check = self.context.services.code_check
        template_id = self.template_id
        if check is None or template_id is None:
            return super().run_save()
        mapping_set = self._mapping_set()
        try:
            store.validate_mappings(mapping_set)
        except InputError as exc:
            self.refuse(exc)
            return False
        draft = copy.deepcopy(mapping_set)  # the worker's own rows, never the grid's
        self.save_check.start(
            lambda: check.mappings(template_id, draft),
            lambda: self._store(template_id, mapping_set),
        )
        return False

    def _refuse_code(self, problem: Problem, others: int) -> None:
        """Refuse on the problem's tab and select its cell."""
        self.refuse(InputError(problem_text(problem, others), problem.field))
        model, grid = self.models.get(problem.field), self.grids.get(problem.field)
        if model is None or grid is None or problem.column is None:
            return
        names = [column.attribute for column in model.columns]
        keys = {"stores": ("store_id", "store"), "tenders": ("tender_type",)}
        for number, row in enumerate(model.rows()):
            key = next(
                (v for a in keys.get(problem.field, ("category",)) if (v := getattr(row, a, ""))),
                None,
            )
            if key == problem.row and problem.column in names:
                grid.setCurrentIndex(model.index(number, names.index(problem.column)))
                return

    def _mapping_set(self) -> store.MappingSet:
        return store.MappingSet(
            stores=self.models["stores"].rows(),
            tenders=self.models["tenders"].rows(),
            expenses=self.models["expenses"].rows(),
            general_cash_account=self.general_cash_account,
        )

    def save(self) -> None:
        """Replace the template's mappings with the grids' complete rows (one transaction)."""
        template_id = self.template_id
        if template_id is None:
            return
        self._store(template_id, self._mapping_set())

    def _store(self, template_id: int, mapping_set: store.MappingSet) -> None:
        store.save_mappings(self.context.database, template_id, mapping_set)
        self._fill(template_id)
        missing = sum(model.unmapped_count() for model in self.models.values())
        if missing:
            self.messenger.warning(f"Saved. {missing} Tagrain values are still not mapped.")


def _show_summary(label: QLabel, text: str, kind: str) -> None:
    label.setText(text)
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)
