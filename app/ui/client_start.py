"""The client's start after the first paint: open the store and start services on a worker.

The main window shows first (menus, Main Menu, status bar: nothing but Qt is
imported for it). ``ClientStart`` then opens the store on a worker thread —
importing SQLAlchemy and, through ``prepare``, the sync core, the embedded
sandbox and the scheduler's services there too — while the status bar says
what it is doing, and hands the result to the window (``MainWindow.attach``),
which reopens the forms of the last session and, on a first start, Getting
Started. A store that cannot be opened is reported as before and the client
exits with 1. ``finish`` waits for the worker and releases what it made.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from app.store import Database
    from app.ui.context import Services
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

Prepare = Callable[["Database"], tuple["Services", Callable[[], None]]]
"""Given the opened store (on the worker): the services and how to stop them at exit."""

OPENING = "Opening the store…"
STARTING = "Opening the store and starting the sync services…"
WAIT_SECONDS = 120.0
POOL_WAIT_MS = 5000


def _nothing() -> None:
    """No services to stop."""


@dataclass
class Opened:
    """What the worker made: the store, the services, how to stop them."""

    database: Database
    services: Services | None
    stop: Callable[[], None] = field(default=_nothing)

    def close(self) -> None:
        """Stop the services, then let go of the store."""
        try:
            self.stop()
        finally:
            self.database.dispose()


class ClientStart(QObject):
    """Opens the store (and prepares services) on a worker, then attaches them to the window."""

    ready = Signal()

    def __init__(
        self,
        window: MainWindow,
        database_url: str | None,
        services: Services | None = None,
        prepare: Prepare | None = None,
        title: str = "",
    ) -> None:
        super().__init__(window)
        self.window = window
        self.database_url = database_url
        self.services = services
        self.prepare = prepare
        self.title = title or window.windowTitle()
        self.opened: Opened | None = None
        self.failure: str | None = None
        self._done = threading.Event()
        self.finished = False
        self._unshare: Callable[[], None] | None = None

    def start(self) -> None:
        """Begin opening; the status bar says so."""
        from app.ui.background import BackgroundCall, share_gil, unshare_gil

        share_gil()  # the worker imports a lot: the GUI thread gets the GIL back every 1 ms
        self._unshare = unshare_gil
        self.window.messenger.info(STARTING if self.prepare is not None else OPENING)
        url, services, prepare = self.database_url, self.services, self.prepare
        done, owner = self._done, self

        def work() -> Opened:
            try:
                from app.store import open_database

                database = open_database(url)
                opened = Opened(database, services)
                owner.opened = opened
                if prepare is not None:
                    opened.services, opened.stop = prepare(database)
                return opened
            finally:
                done.set()

        call = BackgroundCall(work)
        call.finished.connect(self._opened)
        call.failed.connect(self._failed)
        call.start()

    def _release_gil(self) -> None:
        unshare, self._unshare = self._unshare, None
        if unshare is not None:
            unshare()

    def _opened(self, opened: Opened) -> None:
        self._release_gil()
        if self.finished:  # the client closed before the store opened; finish released it
            return
        window = self.window
        window.attach(opened.database, opened.services)
        window.restore_forms()
        if window.show_first_start() is None:
            window.messenger.info("Ready.")
        log.info("client store opened and services started")
        self.ready.emit()

    def _failed(self, message: str) -> None:
        self._release_gil()
        if self.finished:
            return
        self.failure = message
        QMessageBox.critical(self.window, self.title, message)
        self.window.hide()
        QCoreApplication.exit(1)

    def finish(self) -> None:
        """After the event loop: wait for the worker, then stop and release what it made."""
        self.finished = True
        self._release_gil()
        if not self._done.wait(WAIT_SECONDS):
            log.warning("the store did not open within %s s of closing", WAIT_SECONDS)
            return
        # The worker still hands its result to the relay: let it end before Python does.
        QThreadPool.globalInstance().waitForDone(POOL_WAIT_MS)
        opened, self.opened = self.opened, None
        if opened is not None:
            opened.close()
