"""The status bar message line and the small API every form reports outcomes through."""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget


class MessageKind(enum.StrEnum):
    """SAP's message types; each has its colour in the style sheet."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    SUCCESS = "success"


class StatusMessenger(QObject):
    """Forms call ``error``/``warning``/``info``/``success``; the status line shows the last one."""

    posted = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last: tuple[MessageKind, str] | None = None
        self.count = 0

    def post(self, kind: MessageKind, text: str) -> None:
        """Show a message of the given kind."""
        self.last = (kind, text)
        self.count += 1
        self.posted.emit(kind.value, text)

    def clear(self) -> None:
        """Empty the status line."""
        self.last = None
        self.posted.emit("none", "")

    def error(self, text: str) -> None:
        """Something failed or was refused (red)."""
        self.post(MessageKind.ERROR, text)

    def warning(self, text: str) -> None:
        """Something needs the user's attention (orange)."""
        self.post(MessageKind.WARNING, text)

    def info(self, text: str) -> None:
        """Plain information (blue)."""
        self.post(MessageKind.INFO, text)

    def success(self, text: str) -> None:
        """An operation completed (green)."""
        self.post(MessageKind.SUCCESS, text)


class StatusLine(QLabel):
    """The message at the bottom left of the main window, coloured by its kind."""

    def __init__(self, messenger: StatusMessenger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusLine")
        self.setProperty("kind", "none")
        messenger.posted.connect(self.show_message)

    def show_message(self, kind: str, text: str) -> None:
        """Display the text with the colours of its kind."""
        self.setText(text)
        self.setToolTip(text)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)

    def kind(self) -> str:
        """The kind of the message shown ("none" before the first)."""
        return str(self.property("kind"))
