"""Entry point of the desktop client: open the store, style the app, show the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app.store import DatabaseError, open_database
from app.ui.context import Services
from app.ui.main_window import MainWindow
from app.ui.style import apply_style

APPLICATION_NAME = "Integration Hub for Tagrain"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists), styled Belize."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APPLICATION_NAME)
    app.setOrganizationName("Tagrain")
    apply_style(app)
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
        return app.exec()
    finally:
        database.dispose()
