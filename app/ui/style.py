"""The Belize look: Fusion with SAP's palette, small fonts and resources/belize.qss."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.resources import ICON_SET, resource

BRAND = "#427cac"
BASE = "#eff4f9"
BACKGROUND = "#fafafa"
TEXT = "#333333"
SELECTION = "#e8f0f6"
ERROR = "#bb0000"
SUCCESS = "#2b7c2b"
WARNING = "#e78c07"
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


def apply_style(app: QApplication) -> None:
    """Give the application the Belize look."""
    app.setStyle("Fusion")
    app.setPalette(palette())
    font = QFont(app.font())
    font.setPointSize(FONT_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(style_sheet())
