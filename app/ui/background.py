"""Running a slow call (a list read, a connection test) off the GUI thread.

``BackgroundCall(work)`` runs ``work()`` on the global QThreadPool and emits
``finished(result)`` or ``failed(message)`` on the GUI thread. It keeps
itself alive until the outcome is delivered, so the widget that started it
may close in the meantime: Qt then simply drops the connection to the closed
widget's slots.

The thread rule of every worker in the client (``RowLoader`` and
``SyncRunner`` follow it too): a worker never emits on, nor holds the last
reference to, a Qt object that can be destroyed. Outcomes travel through the
one ``Relay`` of the process, made on the GUI thread and never destroyed; a
worker holds that relay and a number, hands each value over in a box that
the GUI thread empties, and lets go of its callable before it posts. So
every Qt object, and every value that might hold one, dies on the GUI thread.

Issue 21 is why: each call used to have its own parentless carrier QObject,
referenced only by the pool's auto-deleted runnable. The pool thread
destroyed it right after its last emission, while the GUI thread was
destroying the BackgroundCall it had signalled; ``QObject::~QObject`` of
that receiver calls ``disconnectNotify`` on each sender, so it called into a
carrier whose Python wrapper was being freed on the other thread, and Sync
Now crashed with SIGSEGV a minute into a 10,000-sale run.

While a busy worker runs (a matrix read or save, a sync run) ``share_gil``
makes threads hand the GIL over every millisecond instead of every 5: the
GUI thread re-enters Python for every cell it paints, and each entry would
otherwise wait up to 5 ms for the worker to let go of the GIL.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)

Handler = Callable[[str, Any], None]
"""Called on the GUI thread with what a worker posted: a kind and a value."""

DONE, FAILED = "done", "failed"
SWITCH_INTERVAL = 0.001


_sharing = {"count": 0, "interval": 0.005}


def share_gil() -> None:
    """Worker threads hand the GIL back every millisecond until ``unshare_gil`` (counted)."""
    if _sharing["count"] == 0:
        _sharing["interval"] = sys.getswitchinterval()
        sys.setswitchinterval(min(SWITCH_INTERVAL, _sharing["interval"]))
    _sharing["count"] += 1


def unshare_gil() -> None:
    """Undo one ``share_gil``; the last one restores the interpreter's switch interval."""
    _sharing["count"] = max(0, _sharing["count"] - 1)
    if _sharing["count"] == 0:
        sys.setswitchinterval(_sharing["interval"])


class Relay(QObject):
    """Carries what workers post to handlers on the GUI thread; one per process, never freed.

    A worker calls ``post(token, kind, box)`` where ``box`` is a one-item list;
    the handler registered under ``token`` runs later on the GUI thread and
    takes the value out of the box, so the worker's last reference to it is
    an empty list whenever it drops it.
    """

    posted = Signal(int, str, object)

    def __init__(self) -> None:
        super().__init__()
        self._handlers: dict[int, tuple[QObject, Handler]] = {}
        self._tokens = itertools.count(1)
        self.posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def register(self, owner: QObject, handler: Handler) -> int:
        """A new token whose posts reach ``handler`` on the GUI thread while ``owner`` lives."""
        token = next(self._tokens)
        self._handlers[token] = (owner, handler)
        return token

    def release(self, token: int) -> None:
        """Forget a token: posts still queued for it are dropped."""
        self._handlers.pop(token, None)

    def post(self, token: int, kind: str, box: list[Any]) -> None:
        """From any thread: hand ``box``'s value to the token's handler on the GUI thread."""
        self.posted.emit(token, kind, box)

    @Slot(int, str, object)
    def _deliver(self, token: int, kind: str, box: list[Any]) -> None:
        value = box.pop() if box else None
        owner, handler = self._handlers.get(token, (None, None))
        if owner is None or handler is None:
            return
        if not shiboken6.isValid(owner):
            self.release(token)
            return
        handler(kind, value)


_relay: list[Relay] = []


def relay() -> Relay:
    """The process's relay; made on the first call, which must be on the GUI thread."""
    if not _relay:
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is not app.thread():
            raise RuntimeError("the worker relay must be made on the GUI thread")
        _relay.append(Relay())
    return _relay[0]


class _Job(QRunnable):
    """Owned by the thread pool once started (auto-delete): it outlives its own run()."""

    def __init__(self, work: Callable[[], Any], hub: Relay, token: int) -> None:
        super().__init__()
        self.work: Callable[[], Any] | None = work
        self.hub = hub
        self.token = token

    def run(self) -> None:
        work, self.work = self.work, None
        assert work is not None
        try:
            box, kind = [work()], DONE
        except Exception as exc:
            box, kind = [str(exc) or type(exc).__name__], FAILED
        del work
        self.hub.post(self.token, kind, box)


class BackgroundCall(QObject):
    """One call on a worker thread, its outcome delivered on the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)
    running: ClassVar[set[BackgroundCall]] = set()

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work: Callable[[], Any] | None = work
        self._token = 0

    def start(self) -> BackgroundCall:
        """Queue the call on the global thread pool; returns self for chaining."""
        assert self._work is not None, "a BackgroundCall runs once"
        hub = relay()
        self._token = hub.register(self, self._outcome)
        BackgroundCall.running.add(self)
        QThreadPool.globalInstance().start(_Job(self._work, hub, self._token))
        return self

    def _outcome(self, kind: str, value: Any) -> None:
        relay().release(self._token)
        self._work = None
        BackgroundCall.running.discard(self)
        if kind == DONE:
            self.finished.emit(value)
        else:
            self.failed.emit(str(value))
        self.deleteLater()
