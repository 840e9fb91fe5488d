"""Reading a marking matrix's rows on a worker thread, page by page, cancellable.

``RowLoader(read)`` runs ``read(cancelled)`` — an iterator of row pages such
as ``app.sync.marking.read_rows`` — on the global QThreadPool and delivers
each page, then the outcome, on the GUI thread. ``cancel()`` stops it between
pages. Like ``BackgroundCall`` it keeps itself alive until it has finished,
so the form that started it may close first, and like it the worker posts
through the process's relay, never on a Qt object that can be destroyed.

While any loader (or a matrix save) runs, the thread switch interval is 1 ms
instead of 5 (``share_gil`` in ``app.ui.background``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.ui.background import DONE, FAILED, Relay, relay, share_gil, unshare_gil

PageReader = Callable[[Callable[[], bool]], Iterable[Sequence[object]]]
"""Given "has the user cancelled?", yields pages of rows."""


PAGE = "page"


class _LoadJob(QRunnable):
    """Owned by the thread pool once started; posts through the relay (``app.ui.background``)."""

    def __init__(self, read: PageReader, stop: threading.Event, hub: Relay, token: int) -> None:
        super().__init__()
        self.read: PageReader | None = read
        self.stop = stop
        self.hub = hub
        self.token = token

    def run(self) -> None:
        read, self.read = self.read, None
        assert read is not None
        try:
            pages = iter(read(self.stop.is_set))
            del read
            for page in pages:
                if self.stop.is_set():
                    break
                box: list[object] = [page]
                del page
                self.hub.post(self.token, PAGE, box)
            del pages
        except Exception as exc:
            self.hub.post(self.token, FAILED, [str(exc) or type(exc).__name__])
            return
        self.hub.post(self.token, DONE, [self.stop.is_set()])


class RowLoader(QObject):
    """Row pages read on a worker thread: ``page(rows)``, then ``finished`` or ``failed``."""

    page = Signal(object)
    finished = Signal(bool)
    failed = Signal(str)
    running: ClassVar[set[RowLoader]] = set()

    def __init__(self, read: PageReader) -> None:
        super().__init__()
        self._read: PageReader | None = read
        self._stop = threading.Event()
        self._token = 0
        self.active = False

    def start(self) -> RowLoader:
        """Start reading; returns self."""
        assert self._read is not None, "a RowLoader reads once"
        hub = relay()
        self._token = hub.register(self, self._posted)
        self.active = True
        share_gil()
        RowLoader.running.add(self)
        QThreadPool.globalInstance().start(_LoadJob(self._read, self._stop, hub, self._token))
        return self

    def cancel(self) -> None:
        """Stop after the page being read (its rows are dropped)."""
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        """Whether ``cancel`` was called."""
        return self._stop.is_set()

    def _posted(self, kind: str, value: object) -> None:
        if kind == PAGE:
            if not self._stop.is_set():
                self.page.emit(value)
            return
        self._end()
        if kind == DONE:
            self.finished.emit(bool(value))
        else:
            self.failed.emit(str(value))

    def _end(self) -> None:
        relay().release(self._token)
        self._read = None
        self.active = False
        RowLoader.running.discard(self)
        unshare_gil()
        self.deleteLater()
