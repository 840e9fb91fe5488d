"""Small helpers for SAP-style dense label/field grids."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLayout, QWidget

LABEL_WIDTH = 150


def form_group(title: str, parent: QWidget | None = None) -> tuple[QGroupBox, QFormLayout]:
    """A titled group with a compact two-column label/field layout."""
    group = QGroupBox(title, parent)
    layout = QFormLayout(group)
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    layout.setHorizontalSpacing(12)
    layout.setVerticalSpacing(4)
    return group, layout


MANDATORY_MARK = " *"


def add_row(
    form: QFormLayout, text: str, field: QWidget | QLayout, *, mandatory: bool = False
) -> QLabel:
    """A labelled row whose label column is as wide in every group of a form.

    A mandatory row (``mandatory`` or a label ending in " *") gets SAP's mandatory
    look: a red asterisk after the label and the field's tinted background.
    """
    if text.endswith(MANDATORY_MARK):
        text, mandatory = text.removesuffix(MANDATORY_MARK), True
    label = QLabel(text)
    label.setMinimumWidth(LABEL_WIDTH)
    if mandatory:
        label.setText(f'{text} <span style="color:#bb0000">*</span>')
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setToolTip(f"{text}: required")
        label.setProperty("mandatory", True)
    if isinstance(field, QWidget):
        label.setBuddy(field)
        if mandatory:
            mark_mandatory(field)
    form.addRow(label, field)
    return label


def mark_mandatory(field: QWidget) -> None:
    """Give a field the mandatory look (a code field marks its line edit)."""
    inner = getattr(field, "edit", None)
    target = inner if isinstance(inner, QWidget) else field
    target.setProperty("mandatory", True)
    target.setAccessibleDescription("Required")
    target.style().unpolish(target)
    target.style().polish(target)


def is_mandatory(field: QWidget) -> bool:
    """Whether the field is shown as mandatory."""
    inner = getattr(field, "edit", None)
    target = inner if isinstance(inner, QWidget) else field
    return bool(target.property("mandatory"))
