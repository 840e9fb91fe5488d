"""Highlighting a field whose input was refused, and clearing it when the user edits."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Turn the red "invalid" look of a field on or off (a code field marks its line edit)."""
    inner = getattr(widget, "edit", None)
    if isinstance(inner, QWidget):
        widget = inner
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def is_invalid(widget: QWidget) -> bool:
    """Whether the field is shown as refused."""
    inner = getattr(widget, "edit", None)
    if isinstance(inner, QWidget):
        widget = inner
    return bool(widget.property("invalid"))
