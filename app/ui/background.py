"""Running a slow call (a list read, a connection test) off the GUI thread.

``BackgroundCall(work)`` runs ``work()`` on the global QThreadPool and emits
``finished(result)`` or ``failed(message)`` on the GUI thread. It keeps
itself and its runnable alive until the outcome is delivered, so the widget
that started it may close in the meantime: Qt then simply drops the
connection to the closed widget's slots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Carrier(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    """Owned by the thread pool once started (auto-delete), so it outlives its own run()."""

    def __init__(self, work: Callable[[], Any], carrier: _Carrier) -> None:
        super().__init__()
        self.work = work
        self.carrier = carrier

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:
            self.carrier.failed.emit(str(exc) or type(exc).__name__)
            return
        self.carrier.done.emit(result)


class BackgroundCall(QObject):
    """One call on a worker thread, its outcome delivered on the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)
    running: ClassVar[set[BackgroundCall]] = set()

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work

    def start(self) -> BackgroundCall:
        """Queue the call on the global thread pool; returns self for chaining."""
        carrier = _Carrier()
        carrier.done.connect(self._done)
        carrier.failed.connect(self._failed)
        BackgroundCall.running.add(self)
        QThreadPool.globalInstance().start(_Job(self._work, carrier))
        return self

    @Slot(object)
    def _done(self, result: object) -> None:
        BackgroundCall.running.discard(self)
        self.finished.emit(result)
        self.deleteLater()

    @Slot(str)
    def _failed(self, message: str) -> None:
        BackgroundCall.running.discard(self)
        self.failed.emit(message)
        self.deleteLater()
