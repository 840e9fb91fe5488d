"""Render the client shell's windows offscreen: Getting Started, the Messages Log, a grid's
right-click menu, Export to Excel, the help window and the mandatory fields.

Usage: uv run python bench/shell_screenshots.py [--out docs/screenshots]

Runs on a throw-away store against the loopback sandboxes: one sales run with a
tender left unmapped, so the Sync Monitor has records and failures to show.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time as clock
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from sqlalchemy import delete

from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import TenderMapping, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.ui.context import Services
from app.ui.forms.getting_started import GettingStartedForm
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main import create_application
from app.ui.main_window import MainWindow
from app.ui.widgets.grid_menu import GridMenu

SIZE = (1280, 800)
SCALE = SandboxScale(customers=30, items=30, tagrain_customers=10, sales=40, refunds=2, expenses=5)


def _until(app: QApplication, done: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = clock.monotonic() + timeout
    while not done() and clock.monotonic() < deadline:
        app.processEvents()
        clock.sleep(0.005)
    for _ in range(5):
        app.processEvents()


def _save(pixmap: QPixmap, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    pixmap.save(str(path))
    print(path)


def _with(window: QWidget, *popups: QWidget) -> QPixmap:
    """The window with its popups and dialogs painted where they are on the screen."""
    picture = window.grab()
    painter = QPainter(picture)
    for popup in popups:
        painter.drawPixmap(window.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0))), popup.grab())
    painter.end()
    return picture


def shell_shots(app: QApplication, out: Path, scratch: str) -> None:
    """Render the shell screenshots into ``out``."""
    sandboxes = start_sandboxes(SandboxOptions(scale=SCALE))
    db = open_database(f"sqlite:///{scratch}/shell.sqlite3")
    try:
        template_id = ensure_sandbox_template(db, sandboxes.sap_url, sandboxes.tagrain_url)
        engine = Engine(db, OBJECTS)
        engine.run("customers", template_id)
        engine.run("products", template_id)
        with db.session() as session:
            session.execute(delete(TenderMapping).where(TenderMapping.tender_type == "card"))
        engine.run("sales", template_id, trigger="schedule")
        window = MainWindow(db, Services(engine_factory=lambda d: Engine(d, OBJECTS)))
        window.resize(*SIZE)
        window.show()
        window.activateWindow()
        window.first_start = True
        form = window.show_first_start()
        assert isinstance(form, GettingStartedForm)
        _until(app, lambda: bool(form.steps) and not form.checking)
        window.mdi.activeSubWindow().move(8, 8)
        _save(_with(window), out, "getting-started")

        window.mdi.closeAllSubWindows()
        monitor = window.open_form("sync_monitor")
        assert isinstance(monitor, SyncMonitorForm)
        window.mdi.activeSubWindow().showMaximized()
        monitor.select_object("sales")
        _until(app, lambda: monitor.records_model.rowCount() > 0)
        view = monitor.records
        menu_of = view.findChild(GridMenu)
        assert menu_of is not None
        where = view.visualRect(view.model().index(2, 3)).center()
        menu = menu_of.popup(where)
        _until(app, menu.isVisible, 5)
        hovered = next(a for a in menu.actions() if a.text() == "Export to Excel…")
        menu.setActiveAction(hovered)
        _save(_with(window, menu), out, "grid-context-menu")
        menu.close()

        documents = Path(scratch) / "Documents"
        target = documents / "sync-records-sales.xlsx"
        QFileDialog.getSaveFileName = staticmethod(  # type: ignore[method-assign]
            lambda *_a, **_k: (str(target), "")
        )
        view.setFocus()
        window.export_action.trigger()
        _save(_with(window), out, "export-to-excel")

        window.messenger.error(
            "Sales receipt sa_00000003 was not posted: tender 'card' is not mapped to an SAP "
            "payment means. Map it in Mappings → Tenders, then press Retry Failed in the Sync "
            "Monitor; the receipt waits in the retry queue until then."
        )
        window.messenger.warning("Changed on another desktop — your edits are kept.")
        window.messenger.success("Operation completed successfully")
        window.messenger.error(
            "The Service Layer refused the invoice: the item A00012 is inactive; activate it in "
            "Item Master Data, then Retry Failed."
        )
        log = window.show_messages_log()
        log.move(window.mapToGlobal(QPoint(260, 250)))
        _until(app, log.isVisible, 5)
        _save(_with(window, log), out, "messages-log")
        log.close()

        window.mdi.closeAllSubWindows()
        _until(app, lambda: not window.mdi.subWindowList(), 5)
        window.messenger.clear()
        window.open_form("templates")
        connections = window.open_form("connections")
        assert connections is not None
        window.mdi.cascadeSubWindows()
        window.mdi.setActiveSubWindow(window.form_window("connections"))
        _until(app, lambda: False, 0.3)
        connections.cancel_button.setFocus()
        _save(_with(window), out, "mandatory-fields-active-window")

        help_window = window.show_form_help()
        help_window.move(window.mapToGlobal(QPoint(140, 40)))
        help_window.resize(1000, 700)
        _until(app, help_window.isVisible, 5)
        _save(help_window.grab(), out, "help-window")
        help_window.close()
        window.mdi.closeAllSubWindows()
        window.close()
    finally:
        db.dispose()
        sandboxes.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.TemporaryDirectory(prefix="ih-shell-shots-")
    os.environ["INTEGRATION_HUB_HOME"] = scratch.name
    app = create_application([])
    shell_shots(app, args.out, scratch.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
