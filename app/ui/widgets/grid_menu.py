"""The right-click menu every grid of the client has, and its Export to Excel.

``install_grid_menu(view, messenger, name)`` gives a ``QTableView`` SAP Business
One's grid menu: Copy Cell, Copy Row, Export to Excel, Export to CSV, Filter by
This Value (and Remove Filter), Sort Ascending and Sort Descending. Exports take
the rows and columns as displayed (filtered, sorted, hidden columns left out)
and go through ``app.ui.data.export`` into the user's Documents folder unless the
user picks another place; the file is written on a worker (a 10,000-row grid never
stalls the window) and the status bar says when it is done. The main window's
"Export to Excel" toolbar action finds the active form's grid with ``grid_menu_of``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QTableView, QWidget

from app.ui.background import BackgroundCall
from app.ui.data.export import (
    CSV,
    CSV_FILTER,
    EXCEL_FILTER,
    XLSX,
    default_path,
    export_rows,
    plural,
)
from app.ui.resources import icon
from app.ui.status import StatusMessenger

CHECK_WORDS = {Qt.CheckState.Checked.value: "Yes", Qt.CheckState.Unchecked.value: "No"}


def can_sort(model: QAbstractItemModel) -> bool:
    """Whether the model sorts itself (a model without ``sort`` ignores the request)."""
    return type(model).sort is not QAbstractItemModel.sort


def cell_text(index: QModelIndex) -> str:
    """What a cell shows: its text, or Yes/No for a tick box."""
    shown = index.data(Qt.ItemDataRole.DisplayRole)
    if shown not in (None, ""):
        return str(shown)
    check = index.data(Qt.ItemDataRole.CheckStateRole)
    if check is not None:
        value = check.value if isinstance(check, Qt.CheckState) else int(check)
        return CHECK_WORDS.get(value, "Partly")
    return ""


class GridMenu(QObject):
    """The context menu and exports of one grid (a child of the view)."""

    exported = Signal(str)
    """A file was written (its path)."""

    def __init__(
        self,
        view: QTableView,
        messenger: StatusMessenger,
        name: str,
        noun: str = "row",
        nouns: str | None = None,
    ) -> None:
        super().__init__(view)
        self.setObjectName("gridMenu")
        self.view = view
        self.messenger = messenger
        self.name = name
        self.noun, self.nouns = noun, nouns
        self.filter: tuple[int, str] | None = None
        self.menu: QMenu | None = None
        self._refilter = QTimer(self)
        self._refilter.setSingleShot(True)
        self._refilter.setInterval(0)
        self._refilter.timeout.connect(self.apply_filter)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.popup)
        self._watch(view.model())

    # ---- the rows as displayed --------------------------------------------------------

    @property
    def model(self) -> QAbstractItemModel:
        """The model the grid shows."""
        return self.view.model()

    def columns(self) -> list[int]:
        """The visible columns in their on-screen order."""
        header = self.view.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [c for c in logical if not self.view.isColumnHidden(c)]

    def headers(self) -> list[str]:
        """The header texts of the visible columns."""
        model = self.model
        return [
            str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            for c in self.columns()
        ]

    def visible_rows(self) -> list[int]:
        """The rows shown (a filter hides the others)."""
        return [r for r in range(self.model.rowCount()) if not self.view.isRowHidden(r)]

    def row_texts(self, row: int) -> list[str]:
        """One row's cells as displayed."""
        model = self.model
        return [cell_text(model.index(row, c)) for c in self.columns()]

    def displayed_rows(self) -> list[list[str]]:
        """Every row shown, cells as displayed."""
        return [self.row_texts(r) for r in self.visible_rows()]

    # ---- the menu ---------------------------------------------------------------------

    def popup(self, position: QPoint) -> QMenu:
        """Build and show the menu for the cell under ``position`` (returns it for tests)."""
        index = self.view.indexAt(position)
        menu = self.build_menu(index)
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(position))
        return menu

    def build_menu(self, index: QModelIndex) -> QMenu:
        """The menu's actions for a cell (``index`` may be invalid: outside the rows)."""
        menu = QMenu(self.view)
        menu.setObjectName("gridContextMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        on_cell = index.isValid()

        def add(text: str, slot: object, enabled: bool = True, icon_name: str = "") -> QAction:
            action = menu.addAction(icon(icon_name), text) if icon_name else menu.addAction(text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            return action

        add("Copy Cell", lambda: self.copy_cell(index), on_cell)
        add("Copy Row", lambda: self.copy_row(index.row()), on_cell)
        menu.addSeparator()
        has_rows = bool(self.visible_rows())
        add("Export to Excel…", lambda: self.export(XLSX), has_rows, "sheet-export")
        add("Export to CSV…", lambda: self.export(CSV), has_rows)
        menu.addSeparator()
        add("Filter by This Value", lambda: self.filter_by(index), on_cell)
        add("Remove Filter", self.remove_filter, self.filter is not None)
        menu.addSeparator()
        sortable = can_sort(self.model)
        column = index.column() if on_cell else self.view.horizontalHeader().sortIndicatorSection()
        add(
            "Sort Ascending",
            lambda: self.sort(column, Qt.SortOrder.AscendingOrder),
            sortable and column >= 0,
        )
        add(
            "Sort Descending",
            lambda: self.sort(column, Qt.SortOrder.DescendingOrder),
            sortable and column >= 0,
        )
        return menu

    # ---- what the actions do ------------------------------------------------------------

    def copy_cell(self, index: QModelIndex) -> None:
        """The cell's text to the clipboard."""
        QGuiApplication.clipboard().setText(cell_text(index))

    def copy_row(self, row: int) -> None:
        """The row's cells to the clipboard, tab-separated (pastes into Excel as a row)."""
        QGuiApplication.clipboard().setText("\t".join(self.row_texts(row)))

    def filter_by(self, index: QModelIndex) -> None:
        """Show only the rows whose cell in this column has this value."""
        self.filter = (index.column(), cell_text(index))
        self.apply_filter()
        column = self.headers()[self.columns().index(index.column())] if self.columns() else ""
        shown = len(self.visible_rows())
        self.messenger.info(
            f"Filter: {column} = “{self.filter[1]}” — {plural(shown, self.noun, self.nouns)} "
            "shown; right-click → Remove Filter shows all."
        )

    def remove_filter(self) -> None:
        """Show every row again."""
        self.filter = None
        self.apply_filter()

    def apply_filter(self) -> None:
        """Hide the rows the filter leaves out (again after the model changed)."""
        model = self.model
        for row in range(model.rowCount()):
            hide = False
            if self.filter is not None:
                column, value = self.filter
                hide = cell_text(model.index(row, column)) != value
            if self.view.isRowHidden(row) != hide:
                self.view.setRowHidden(row, hide)

    def sort(self, column: int, order: Qt.SortOrder) -> None:
        """Sort by the column (the header shows the indicator)."""
        self.view.horizontalHeader().setSortIndicator(column, order)
        self.model.sort(column, order)
        self.apply_filter()

    def export(self, suffix: str = XLSX, path: Path | None = None) -> Path | None:
        """Ask where (Documents by default) and write the rows shown on a worker.

        Returns the chosen file (None when cancelled); the status bar says when it is
        written (``exported`` is emitted) or why not.
        """
        if path is None:
            filters = f"{EXCEL_FILTER};;{CSV_FILTER}" if suffix == XLSX else CSV_FILTER
            title = "Export to Excel" if suffix == XLSX else "Export to CSV"
            chosen, _filter = QFileDialog.getSaveFileName(
                self.view.window(), title, str(default_path(self.name, suffix)), filters
            )
            if not chosen:
                return None
            path = Path(chosen)
        headers, rows, title = self.headers(), self.displayed_rows(), self.sheet_title()
        target = path
        self.messenger.info(f"Exporting {plural(len(rows), self.noun, self.nouns)} to {target}…")
        call = BackgroundCall(lambda: export_rows(target, headers, rows, title))
        call.finished.connect(self._exported)
        call.failed.connect(lambda message: self.messenger.error(f"Not exported: {message}."))
        call.start()
        return path

    @Slot(object)
    def _exported(self, result: tuple[Path, int]) -> None:
        written, count = result
        self.messenger.success(
            f"{plural(count, self.noun, self.nouns).capitalize()} exported to {written}."
        )
        self.exported.emit(str(written))

    def sheet_title(self) -> str:
        """The form's title without the add-on's prefix."""
        title = self.view.window().windowTitle() if self.view.window() else self.name
        form = self.view.parentWidget()
        while form is not None and not form.windowTitle():
            form = form.parentWidget()
        text = form.windowTitle() if form is not None else title
        return text.removeprefix("Integration Hub - ") or self.name

    def _watch(self, model: QAbstractItemModel | None) -> None:
        if model is None:
            return
        model.modelReset.connect(self._model_changed)
        model.rowsInserted.connect(self._model_changed)
        model.layoutChanged.connect(self._model_changed)
        model.dataChanged.connect(self._cells_changed)
        model.rowsRemoved.connect(self._cells_changed)

    def _model_changed(self, *_args: object) -> None:
        if self.filter is not None:
            self.apply_filter()

    def _cells_changed(self, *_args: object) -> None:
        """Cells changed in place (a run's counts or status): filter again once all are in."""
        if self.filter is not None:
            self._refilter.start()


def install_grid_menu(
    view: QTableView,
    messenger: StatusMessenger,
    name: str,
    noun: str = "row",
    nouns: str | None = None,
) -> GridMenu:
    """Give a grid the context menu and exports (``name`` is the export's file stem)."""
    return GridMenu(view, messenger, name, noun, nouns)


def grid_menu_of(widget: QWidget | None) -> GridMenu | None:
    """The grid menu of the grid a user means in a form: the focused grid, else the first shown."""
    if widget is None:
        return None
    menus = [m for m in widget.findChildren(GridMenu) if m.view.isVisible()]
    focused = next((m for m in menus if m.view.hasFocus()), None)
    return focused or (menus[0] if menus else None)
