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


def add_row(form: QFormLayout, text: str, field: QWidget | QLayout) -> QLabel:
    """A labelled row whose label column is as wide in every group of a form."""
    label = QLabel(text)
    label.setMinimumWidth(LABEL_WIDTH)
    if isinstance(field, QWidget):
        label.setBuddy(field)
    form.addRow(label, field)
    return label
