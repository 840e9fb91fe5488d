"""The Messages Log: the last messages of the status bar with their time and type.

SAP Business One keeps the messages a session showed; this window lists the
status bar's last messages newest first, each row in its kind's colour, and
follows new messages while it is open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.status import LOG_SHORTCUT, LOG_SIZE, LoggedMessage, MessageKind, StatusMessenger

TITLE = "Messages Log"
KIND_WORDS = {
    MessageKind.ERROR: "Error",
    MessageKind.WARNING: "Warning",
    MessageKind.INFO: "Information",
    MessageKind.SUCCESS: "Success",
}
KIND_COLOURS = {
    MessageKind.ERROR: ("#bb0000", "#ffebeb"),
    MessageKind.WARNING: ("#8a5300", "#fef7f1"),
    MessageKind.INFO: ("#346187", "#ffffff"),
    MessageKind.SUCCESS: ("#2b7c2b", "#f3f9e4"),
}


class MessagesLog(QDialog):
    """A modeless window with the messenger's log, newest first."""

    def __init__(self, messenger: StatusMessenger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagesLog")
        self.setWindowTitle(TITLE)
        self.messenger = messenger
        layout = QVBoxLayout(self)
        note = QLabel(
            f"The last {LOG_SIZE} messages of this session, newest first "
            f"({LOG_SHORTCUT} or a click on the status bar opens this log)."
        )
        note.setObjectName("listOrigin")
        layout.addWidget(note)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("messagesTable")
        self.table.setHorizontalHeaderLabels(["Time", "Type", "Message"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the chosen messages (all when none is chosen)")
        self.copy_button.clicked.connect(self.copy_messages)
        self.close_button = QPushButton("Close")
        self.close_button.setProperty("emphasized", True)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        messenger.posted.connect(self._posted)
        self.fill()
        self.resize(720, 360)

    def fill(self) -> None:
        """Show the messenger's log again."""
        entries = self.messenger.history()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            self._set_row(row, entry)

    def _posted(self, kind: str, _text: str) -> None:
        if kind != "none" and self.messenger.log:
            if self.table.rowCount() >= LOG_SIZE:
                self.table.removeRow(self.table.rowCount() - 1)
            self.table.insertRow(0)
            self._set_row(0, self.messenger.log[-1])

    def _set_row(self, row: int, entry: LoggedMessage) -> None:
        foreground, background = KIND_COLOURS[entry.kind]
        cells = (entry.at.strftime("%H:%M:%S"), KIND_WORDS[entry.kind], entry.text)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setForeground(QBrush(QColor(foreground)))
            item.setBackground(QBrush(QColor(background)))
            item.setToolTip(entry.text if column == 2 else entry.at.strftime("%Y-%m-%d %H:%M:%S"))
            item.setData(Qt.ItemDataRole.UserRole, entry.kind.value)
            self.table.setItem(row, column, item)

    def messages(self) -> list[tuple[str, str, str]]:
        """The rows as shown: time, type, message."""
        rows = []
        for row in range(self.table.rowCount()):
            time, kind, text = (self._cell(row, column) for column in range(3))
            rows.append((time, kind, text))
        return rows

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def copy_messages(self) -> None:
        """Put the chosen rows (or all) on the clipboard, one tab-separated line each."""
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        shown = self.messages()
        chosen = [shown[row] for row in rows] if rows else shown
        QGuiApplication.clipboard().setText("\n".join("\t".join(line) for line in chosen))
