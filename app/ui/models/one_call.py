"""One call into Python per painted cell, not one per role.

A view paints a cell by asking its model for about seven roles at once
(display, alignment, font, colours, check state, icon), through
``QAbstractItemModel.multiData``. Qt's own ``multiData`` asks ``data`` once per
role, and for a model written in Python each of those calls takes the GIL
back from whichever thread holds it. While a sync run's threads are busy,
every such hand-over can wait up to the interpreter's switch interval, so a
table of 100 cells cost the GUI thread 700 waits and stalled it for tens of
milliseconds at the start of a Sync Now. Answering all the roles in one call
costs one hand-over per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex


def fill_roles(span: QModelRoleDataSpan | QModelRoleData, answer: Callable[[int], object]) -> None:
    """Set every role the view asked for to ``answer(role)`` (cleared when it is None)."""
    entries = (
        cast("Iterable[QModelRoleData]", span) if isinstance(span, QModelRoleDataSpan) else [span]
    )
    for wanted in entries:
        value = answer(wanted.role())
        if value is None:
            wanted.clearData()
        else:
            wanted.setData(value)


class OneCallPerCell:
    """Mixin for a ``QAbstractItemModel``: ``multiData`` answers every role in one call.

    It asks the model's own ``data`` for each role, so a subclass that overrides
    ``data`` is answered the same through either path.
    """

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        data = self.data  # type: ignore[attr-defined]
        fill_roles(roleDataSpan, lambda role: data(index, role))
