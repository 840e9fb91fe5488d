"""The Belize look: Fusion with SAP's palette, small fonts and resources/belize.qss."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOptionComplex,
    QStyleOptionTitleBar,
    QWidget,
)

from app.ui.resources import ICON_SET, resource

BRAND = "#427cac"
BASE = "#eff4f9"
BACKGROUND = "#fafafa"
TEXT = "#333333"
SELECTION = "#e8f0f6"
ERROR = "#bb0000"
SUCCESS = "#2b7c2b"
WARNING = "#e78c07"
ACTIVE_TITLE = "#427cac"
ACTIVE_TITLE_TEXT = "#ffffff"
INACTIVE_TITLE = "#dfe6ed"
INACTIVE_TITLE_TEXT = "#6a6d70"
FONT_POINT_SIZE = 9


def palette() -> QPalette:
    """A palette matching the style sheet, for the parts the sheet does not reach."""
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor(BASE))
    pal.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Button, QColor("#f7f7f7"))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor("#346187"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(SELECTION))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.ToolTipText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Link, QColor(BRAND))
    return pal


def style_sheet() -> str:
    """The text of resources/belize.qss with ``@ICONS@`` pointing at the shipped icons."""
    text = resource("belize.qss").read_text(encoding="utf-8")
    return text.replace("@ICONS@", resource(f"icons/{ICON_SET}").as_posix())


class BelizeStyle(QProxyStyle):
    """Fusion, with the form windows' title bars as in SAP: brand blue when active, grey when not.

    Fusion paints a title bar in the palette's highlight colour, which Belize keeps pale
    for selected rows; an active form would look inactive. Style sheets cannot reach a
    QMdiSubWindow's title bar, so the title bar's own palette is set here.
    """

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if control == QStyle.ComplexControl.CC_TitleBar and isinstance(
            option, QStyleOptionTitleBar
        ):
            bar = QStyleOptionTitleBar(option)
            active = bool(bar.titleBarState & Qt.WindowState.WindowActive.value) or bool(
                bar.state & QStyle.StateFlag.State_Active
            )
            fill, text = (
                (ACTIVE_TITLE, ACTIVE_TITLE_TEXT)
                if active
                else (INACTIVE_TITLE, INACTIVE_TITLE_TEXT)
            )
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                bar.palette.setColor(group, QPalette.ColorRole.Highlight, QColor(fill))
                bar.palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(text))
                bar.palette.setColor(group, QPalette.ColorRole.Window, QColor(fill))
                bar.palette.setColor(group, QPalette.ColorRole.WindowText, QColor(text))
            super().drawComplexControl(control, bar, painter, widget)
            return
        super().drawComplexControl(control, option, painter, widget)


_styles: list[QProxyStyle] = []


def belize_style() -> QProxyStyle:
    """The application's style (one per process: Qt must not outlive it)."""
    if not _styles:
        _styles.append(BelizeStyle(QStyleFactory.create("Fusion")))
    return _styles[0]


def apply_style(app: QApplication) -> None:
    """Give the application the Belize look."""
    app.setStyle(belize_style())
    app.setPalette(palette())
    font = QFont(app.font())
    font.setPointSize(FONT_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(style_sheet())
