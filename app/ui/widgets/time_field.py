"""A time field that takes what a user types ("0900", "9:30", "21.15") and shows hh:mm.

Leaving the field (Tab, Enter, a click elsewhere) rewrites a valid time as
hh:mm; text that is not a time stays as typed and the field turns red until
it is corrected. ``value()`` is None while the text is not a time.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from app.scheduling.time_input import FORMAT_HINT, parse_time, show_time
from app.ui.widgets.marks import set_invalid


class TimeField(QLineEdit):
    """A line edit for a time of day, typed the SAP way."""

    time_changed = Signal()
    """The text changed (the time may now be None)."""

    def __init__(self, value: time | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("hh:mm")
        self.setToolTip(f"A time of day ({FORMAT_HINT})")
        self.setMaxLength(5)
        if value is not None:
            self.set_value(value)
        self.textChanged.connect(self._edited)
        self.editingFinished.connect(self._tidy)

    def value(self) -> time | None:
        """The time typed, or None while the text is not a time."""
        return parse_time(self.text())

    def set_value(self, value: time) -> None:
        """Show a time (hh:mm)."""
        self.setText(show_time(value))

    def _edited(self) -> None:
        set_invalid(self, self.value() is None)
        self.time_changed.emit()

    def _tidy(self) -> None:
        value = self.value()
        if value is not None and self.text() != show_time(value):
            self.set_value(value)
