"""Entry point of the desktop client: open the store, style the app, show the main window."""

from __future__ import annotations

import logging
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.store import DatabaseError, open_database
from app.ui import gc_guard
from app.ui.context import Services
from app.ui.main_window import MainWindow
from app.ui.platform_check import check_xcb
from app.ui.style import apply_style

APPLICATION_NAME = "Integration Hub for Tagrain"

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
) -> int:
    """Run the client until its window closes; returns the exit code.

    ``services`` is where the application injects the connection checkers
    and list sources; without them the client works on the store alone.
    """
    app = create_application(argv)
    try:
        database = open_database(database_url)
    except DatabaseError as exc:
        QMessageBox.critical(None, APPLICATION_NAME, str(exc))
        return 1
    try:
        window = MainWindow(database, services)
        window.restore_layout()
        window.show()
        window.show_first_start()
        stop_on_terminate(window)
        log.info("client window shown")
        return app.exec()
    finally:
        database.dispose()


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
