"""The user guide in a help window: the Markdown pages of docs/user-guide, one per form.

The same files are the user guide read on GitHub or in the repository, so the text F1
shows cannot drift from it. F1 opens the page of the active form (``page_for``); Help →
User Guide opens the contents. Pages link to each other and show screenshots from
docs/screenshots (``../screenshots/``); a wheel and the bundle carry both folders
(app/_resources/help and app/_resources/screenshots).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui.resources import user_guide_dir

TITLE = "Integration Hub Help"
INDEX = "index"
PAGES: tuple[tuple[str, str], ...] = (
    ("index", "Contents and keys"),
    ("getting_started", "Getting Started"),
    ("templates", "Templates"),
    ("connections", "Connections"),
    ("company_setup", "Company Setup"),
    ("general_settings", "General Settings"),
    ("mappings", "Mappings"),
    ("marking", "Set Customers and Items"),
    ("master_data", "Master Data tabs"),
    ("sync_settings", "Synchronization Settings"),
    ("sync_monitor", "Sync Monitor and Preview"),
    ("daily_summary", "Daily Summary"),
    ("reconciliation", "Reconciliation"),
    ("database_settings", "Database and Scheduling"),
    ("grids", "Grids and Export to Excel"),
    ("sync_rules", "How the Sync Works"),
)
IMAGE_WIDTH = 640
HEADING_COLOR = QColor("#346187")
ALIASES = {
    "set_customers": "marking",
    "set_items": "marking",
    "set_customers_matrix": "marking",
    "set_items_matrix": "marking",
    "bp_master_data": "master_data",
    "item_master_data": "master_data",
    "sync_preview": "sync_monitor",
}


def help_dir() -> Path:
    """Where the pages are (docs/user-guide, or app/_resources/help in a wheel or bundle)."""
    return user_guide_dir()


def page_for(form_key: str | None) -> Path:
    """The page of a form (by its registry key), the contents when it has none."""
    name = ALIASES.get(form_key or "", form_key or INDEX)
    page = help_dir() / f"{name}.md"
    return page if page.is_file() else help_dir() / f"{INDEX}.md"


class GuideBrowser(QTextBrowser):
    """Shows a Markdown page of the guide: screenshots scaled to fit, headings in Belize blue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document().setDocumentMargin(12)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Images at most ``IMAGE_WIDTH`` wide (the screenshots are full-screen grabs)."""
        data = super().loadResource(kind, name)
        image_kind = QTextDocument.ResourceType.ImageResource
        if kind not in (image_kind, image_kind.value) or data is None:
            return data
        image = data if isinstance(data, QImage) else QImage.fromData(data)
        if image.width() > IMAGE_WIDTH:
            image = image.scaledToWidth(IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        return image

    def doSetSource(
        self,
        name: QUrl | str,
        kind: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        """Load the page, then colour its headings."""
        super().doSetSource(name, kind)
        heading = QTextCharFormat()
        heading.setForeground(HEADING_COLOR)
        block = self.document().firstBlock()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                cursor = QTextCursor(block)
                cursor.movePosition(
                    QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                )
                cursor.mergeCharFormat(heading)
            block = block.next()
        self.document().setModified(False)


class HelpWindow(QDialog):
    """A modeless window: the pages on the left, the chosen page on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle(TITLE)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        layout = QVBoxLayout(self)
        split = QSplitter()
        self.contents = QListWidget()
        self.contents.setObjectName("helpContents")
        for name, title in PAGES:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.contents.addItem(item)
        self.contents.currentItemChanged.connect(self._chosen)
        self.browser = GuideBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenExternalLinks(True)
        self.browser.sourceChanged.connect(self._followed)
        split.addWidget(self.contents)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setSizes([190, 700])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.back_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self.close_button.setProperty("emphasized", True)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.resize(960, 680)

    def show_page(self, page: Path) -> None:
        """Show a page (a path from ``page_for``)."""
        self.browser.setSource(QUrl.fromLocalFile(str(page)))
        self._followed(self.browser.source())

    def page(self) -> str:
        """The name of the page shown ("connections")."""
        return self.page_path().stem

    def page_path(self) -> Path:
        """The Markdown file of the page shown."""
        return Path(self.browser.source().toLocalFile())

    def _chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole) != self.page():
            self.show_page(page_for(str(item.data(Qt.ItemDataRole.UserRole))))

    def _followed(self, _url: QUrl) -> None:
        name = self.page()
        for row in range(self.contents.count()):
            item = self.contents.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.contents.blockSignals(True)
                self.contents.setCurrentRow(row)
                self.contents.blockSignals(False)
                break
