"""Sorting a list-backed table model by what a column displays (the grids' Sort menu).

A model keeping its rows in a list calls ``sort_displayed`` from its ``sort``:
the rows are reordered by the column's displayed text (numbers as numbers, blanks
first) and the selection follows its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt


def display_key(value: object) -> tuple[int, float, str]:
    """Blanks first, then numbers by value, then text without regard to case."""
    text = "" if value is None else str(value).strip()
    if not text:
        return (0, 0.0, "")
    try:
        return (1, float(text.replace(",", "")), "")
    except ValueError:
        return (2, 0.0, text.casefold())


def sort_displayed(
    model: QAbstractItemModel,
    rows: list[Any],
    column: int,
    order: Qt.SortOrder,
    store: Callable[[list[Any]], None],
) -> None:
    """Reorder ``rows`` by column ``column`` as displayed; ``store`` keeps the new list."""
    if not 0 <= column < model.columnCount():
        return
    keys = [display_key(model.index(r, column).data()) for r in range(len(rows))]
    order_of = sorted(
        range(len(rows)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder
    )
    model.layoutAboutToBeChanged.emit()
    moved = {old: new for new, old in enumerate(order_of)}
    store([rows[i] for i in order_of])
    old_indexes = model.persistentIndexList()
    model.changePersistentIndexList(
        old_indexes, [model.index(moved[i.row()], i.column()) for i in old_indexes]
    )
    model.layoutChanged.emit()
