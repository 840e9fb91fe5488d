"""A checkbox column as in SAP's matrices: the box centred, a click in the cell ticks it."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
)

Index = QModelIndex | QPersistentModelIndex


class CheckDelegate(QStyledItemDelegate):
    """Paints the check state centred; a plain left click in the cell toggles it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else QApplication.style()
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        box = QStyleOptionButton()
        box.rect = self._box(option.rect, style)
        box.state = QStyle.StateFlag.State_Enabled | (
            QStyle.StateFlag.State_On
            if state == Qt.CheckState.Checked
            else QStyle.StateFlag.State_Off
        )
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_IndicatorCheckBox, box, painter, option.widget
        )

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if not index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return False
        if event.type() == QEvent.Type.MouseButtonDblClick:
            return True
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and not event.modifiers()
            and option.rect.contains(event.position().toPoint())
        ):
            checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
            return model.setData(index, new.value, Qt.ItemDataRole.CheckStateRole)
        return False

    @staticmethod
    def _box(cell: QRect, style: QStyle) -> QRect:
        width = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        height = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight)
        return QRect(
            cell.x() + (cell.width() - width) // 2,
            cell.y() + (cell.height() - height) // 2,
            width,
            height,
        )
