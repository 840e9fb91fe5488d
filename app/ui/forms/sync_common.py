"""Pieces the Sync Monitor and Synchronization Settings share: grids and the template combo."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QPushButton,
    QStyle,
    QTableView,
)

from app.store import Database
from app.ui.data.templates import list_templates

ROW_HEIGHT = 20
SIZE_SAMPLE_ROWS = 50
"""Rows a grid reads to size its columns: a 10,000-record run must not stall the client."""


def grid(name: str, model: QAbstractItemModel, *, multi: bool = False) -> QTableView:
    """A dense, read-only, row-selecting grid in the house style."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
    return view


def fit_columns(view: QTableView, widest: int = 260) -> None:
    """Size columns to their contents, none wider than ``widest`` pixels."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(header.count() - 1):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


def room_for(view: QTableView, samples: Mapping[int, str]) -> None:
    """Widen columns to show a sample each (a value still to come, such as a finish time).

    Measured with the view's font, without asking the model for a single cell.
    """
    header = view.horizontalHeader()
    margin = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 8
    for column, sample in samples.items():
        wanted = view.fontMetrics().horizontalAdvance(sample) + margin
        if header.sectionSize(column) < wanted:
            header.resizeSection(column, wanted)


def button(text: str, name: str) -> QPushButton:
    """A form button that never takes Enter for itself."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setAutoDefault(False)
    return widget


class TemplateCombo(QComboBox):
    """The Tagrain templates by name; ``current_id`` is the chosen one."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.setObjectName("templateCombo")
        self.database = database
        self.setMinimumContentsLength(18)
        self.refresh()

    def refresh(self) -> None:
        """Read the templates again, keeping the chosen one when it still exists."""
        keep = self.current_id()
        self.blockSignals(True)
        self.clear()
        for row in list_templates(self.database):
            self.addItem(row.name, row.id)
        index = self.findData(keep) if keep is not None else -1
        self.setCurrentIndex(max(index, 0) if self.count() else -1)
        self.blockSignals(False)

    def current_id(self) -> int | None:
        """The chosen template's id."""
        value = self.currentData()
        return int(value) if value is not None else None

    def choose(self, template_id: int) -> None:
        """Choose a template by id."""
        index = self.findData(template_id)
        if index >= 0:
            self.setCurrentIndex(index)
