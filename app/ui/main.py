"""Entry point of the desktop client: show the main window, then open the store behind it.

Only Qt and the shell's own modules are imported before the window is
painted; the store, the sync core and the services open on a worker right
after (``app.ui.client_start``).
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.ui import gc_guard
from app.ui.client_start import ClientStart, Prepare
from app.ui.context import Services
from app.ui.main_window import MainWindow
from app.ui.platform_check import check_xcb
from app.ui.style import apply_style

APPLICATION_NAME = "Integration Hub for Tagrain"
PAINT_POLL_MS = 5

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists), styled Belize."""
    existing = QApplication.instance()
    if existing is None:
        check_xcb()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APPLICATION_NAME)
    app.setOrganizationName("Tagrain")
    apply_style(app)
    gc_guard.install(app)
    return app


def run(
    database_url: str | None = None,
    argv: list[str] | None = None,
    *,
    services: Services | None = None,
    prepare: Prepare | None = None,
) -> int:
    """Run the client until its window closes; returns the exit code.

    ``services`` is where the application injects the connection checkers
    and list sources; without them the client works on the store alone.
    ``prepare`` makes them instead, on the worker, from the opened store
    (and says how to stop them when the client exits).
    """
    app = create_application(argv)
    window = MainWindow()
    window.restore_frame()
    window.show()
    stop_on_terminate(window)
    log.info("client window shown")
    start = ClientStart(window, database_url, services, prepare, APPLICATION_NAME)
    after_first_paint(window, start.start)
    try:
        return app.exec()
    finally:
        start.finish()


def after_first_paint(window: QWidget, then: Callable[[], object]) -> None:
    """Call ``then`` from the event loop once the window is on screen (exposed, so painted)."""

    def check() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            QTimer.singleShot(0, then)
        elif window.isVisible():
            QTimer.singleShot(PAINT_POLL_MS, check)
        else:
            QTimer.singleShot(0, then)  # closed at once, or never shown: start anyway

    QTimer.singleShot(0, check)


def stop_on_terminate(window: QWidget) -> QTimer:
    """Close the window (saving its layout) on SIGTERM or Ctrl+C, as on File → Exit.

    Python runs signal handlers only between bytecodes, so a short timer keeps
    the interpreter ticking while Qt's event loop waits.
    """

    def close(signum: int, frame: object) -> None:
        log.info("signal %s: closing the client", signum)
        window.close()

    signal.signal(signal.SIGTERM, close)
    signal.signal(signal.SIGINT, close)
    ticker = QTimer(window)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    return ticker
