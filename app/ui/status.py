"""The status bar message line, its Messages Log and the small API every form reports through.

SAP Business One shows the last message at the bottom left and keeps the earlier
ones in a messages log; here the messenger keeps the last ``LOG_SIZE`` messages
with their time, the line shows the last one (cut with "…" when it is long, whole
in its tooltip) and a click on it asks for the log.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QWidget

LOG_SIZE = 200
LOG_SHORTCUT = "Ctrl+Shift+L"
LOG_HINT = f"Click (or {LOG_SHORTCUT}) for the Messages Log."


class MessageKind(enum.StrEnum):
    """SAP's message types; each has its colour in the style sheet."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    SUCCESS = "success"


@dataclass(frozen=True)
class LoggedMessage:
    """One message of the log: when, which kind, what it said."""

    at: datetime
    kind: MessageKind
    text: str


class StatusMessenger(QObject):
    """Forms call ``error``/``warning``/``info``/``success``; the status line shows the last one."""

    posted = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last: tuple[MessageKind, str] | None = None
        self.count = 0
        self.log: deque[LoggedMessage] = deque(maxlen=LOG_SIZE)

    def post(self, kind: MessageKind, text: str) -> None:
        """Show a message of the given kind (it replaces the one shown) and log it."""
        self.last = (kind, text)
        self.count += 1
        self.log.append(LoggedMessage(datetime.now(), kind, text))
        self.posted.emit(kind.value, text)

    def clear(self) -> None:
        """Empty the status line (the log keeps what was said)."""
        self.last = None
        self.posted.emit("none", "")

    def history(self) -> list[LoggedMessage]:
        """The logged messages, newest first."""
        return list(reversed(self.log))

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
    """The message at the bottom left of the main window, coloured by its kind.

    A message longer than the line is drawn cut with "…"; ``text()`` and the
    tooltip keep it whole. A click emits ``clicked`` (the main window opens the
    Messages Log).
    """

    clicked = Signal()

    def __init__(self, messenger: StatusMessenger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusLine")
        self.setProperty("kind", "none")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(LOG_HINT)
        messenger.posted.connect(self.show_message)

    def show_message(self, kind: str, text: str) -> None:
        """Display the text with the colours of its kind."""
        self.setText(text)
        self.setToolTip(f"{text}\n\n{LOG_HINT}" if text else LOG_HINT)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def kind(self) -> str:
        """The kind of the message shown ("none" before the first)."""
        return str(self.property("kind"))

    def shown_text(self) -> str:
        """What fits on the line: the message, cut with "…" when it is too long."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def is_cut(self) -> bool:
        """Whether the line shows only the start of the message."""
        return self.shown_text() != self.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        QFrame.paintEvent(self, event)
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(
            self.contentsRect(),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.shown_text(),
        )
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
