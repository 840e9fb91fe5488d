"""Keeping every form's window inside the visible workspace (the MDI area's viewport).

A form opens at the size it asks for, but never larger than the workspace,
and never with its OK/Cancel row below the bottom edge. A geometry saved in
an earlier session on a larger screen is pulled back in when the client
starts again, and a window left outside when the main window shrinks comes
back in (its content scrolls inside the form).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, QTimer
from PySide6.QtWidgets import QMdiArea, QMdiSubWindow


def fitted(rect: QRect, room: QSize) -> QRect:
    """``rect`` moved (and shrunk only when it must) to lie inside ``(0, 0, room)``."""
    size = rect.size().boundedTo(room)
    x = max(0, min(rect.x(), room.width() - size.width()))
    y = max(0, min(rect.y(), room.height() - size.height()))
    return QRect(QPoint(x, y), size)


def fit_window(frame: QMdiSubWindow, area: QMdiArea) -> None:
    """Pull one sub-window inside the shown workspace (maximised, minimised ones are left).

    Before the main window is shown its workspace has no real size yet; the fitter
    fits every window when the workspace gets its size.
    """
    if not area.isVisible() or frame.isMaximized() or frame.isMinimized():
        return
    room = area.viewport().size()
    if room.isEmpty():
        return
    target = fitted(frame.geometry(), room)
    if target != frame.geometry():
        frame.setGeometry(target)


class WorkspaceFitter(QObject):
    """Fits every sub-window once the workspace has settled on a new size (first show too).

    Showing the main window and restoring its docks resize the workspace several
    times in a row; fitting waits until those resize events are all handled, so a
    passing in-between size does not shrink the windows.
    """

    def __init__(self, area: QMdiArea) -> None:
        super().__init__(area)
        self.area = area
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(0)
        self.settle.timeout.connect(self.fit_all)
        area.viewport().installEventFilter(self)

    def fit_all(self) -> None:
        """Pull every open sub-window inside the workspace."""
        for frame in self.area.subWindowList():
            fit_window(frame, self.area)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.area.viewport():
            self.settle.start()
        return False
