"""Screenshots of a desktop sharing its store with others (docs/screenshots/).

    uv run python bench/shared_store_screenshots.py [--out docs/screenshots]

A throw-away store with one template; "another desktop" is a second
connection to it. Renders the Sync Monitor while another desktop runs sales
and the service owns scheduling, the Synchronization Settings keeping
unsaved edits when another desktop saved schedules (the second connection
saves them through the core, then stamps the change with the other desktop's
name, as that desktop's own save would), and the Database and Scheduling
form after a connection test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time as clock
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget

from app.scheduling import drafts as schedules
from app.scheduling.owner import OwnerClaim
from app.scheduling.rows import record_skip
from app.store import changes, open_database
from app.sync import leases
from app.sync.jobs import OBJECTS
from app.ui.context import Services
from app.ui.data.templates import add_template
from app.ui.forms.database_settings import DatabaseSettingsForm
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.sync_common import fit_columns
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.main import create_application
from app.ui.main_window import MainWindow

SIZE = (1280, 760)


def _until(app: QApplication, done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = clock.monotonic() + timeout
    while not done() and clock.monotonic() < deadline:
        app.processEvents()
        clock.sleep(0.01)
    if not done():
        raise TimeoutError("the window did not get there in time")


def _save(widget: QWidget, out: Path, name: str, app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def shots(app: QApplication, out: Path, scratch: str) -> None:
    """Render the shared-store screenshots into ``out``."""
    url = f"sqlite:///{scratch}/shared.sqlite3"
    db = open_database(url)
    other = open_database(url, upgrade=False)
    window: MainWindow | None = None
    try:
        template_id = add_template(db, "Main Store")
        record_skip(db, template_id, "sales", "sales was already running on POS-SERVER")
        OwnerClaim(other, "service", holder="POS-SERVER:812", ttl=timedelta(minutes=5)).beat()
        leases.acquire(
            other, template_id, "sales", holder="DESKTOP-ANNA:4242#9f1c", ttl=timedelta(minutes=5)
        )
        window = MainWindow(db, Services())
        window.resize(*SIZE)
        window.show()

        monitor = window.open_form("sync_monitor")
        assert isinstance(monitor, SyncMonitorForm)
        frame = window.form_window("sync_monitor")
        assert frame is not None
        frame.move(QPoint(8, 8))
        _until(app, lambda: monitor.dashboard_model.lease_of("sales") is not None)
        monitor.select_object("sales")
        _save(window, out, "shared-monitor", app)

        window.mdi.closeAllSubWindows()
        window.messenger.clear()
        settings = window.open_form("sync_settings")
        assert isinstance(settings, SyncSettingsForm)
        frame = window.form_window("sync_settings")
        assert frame is not None
        frame.move(QPoint(8, 8))
        _until(app, lambda: "POS-SERVER" in settings.owner.text())
        row = settings.model.index_of("refunds").row()
        edited = settings.model.row_at(row).with_changes(enabled=True, interval_minutes=15)
        settings.model.replace_draft(row, edited)
        fit_columns(settings.grid)
        settings.set_dirty(True)
        settings.select_object("refunds")
        drafts = schedules.load_drafts(other, OBJECTS, template_id)
        drafts = [d.with_changes(enabled=True) if d.object == "sales" else d for d in drafts]
        schedules.save_drafts(other, template_id, drafts)
        with other.session() as session:
            changes.bump(session, changes.SCHEDULES, "DESKTOP-ANNA:4242")
        _until(app, lambda: "your edits are kept" in (window.messenger.last or ("", ""))[1])
        _save(window, out, "shared-settings-edits-kept", app)
        settings.set_dirty(False)

        window.mdi.closeAllSubWindows()
        window.messenger.clear()
        form = window.open_form("database_settings")
        assert isinstance(form, DatabaseSettingsForm)
        frame = window.form_window("database_settings")
        assert frame is not None
        frame.move(QPoint(8, 8))
        _until(app, lambda: form.schema.text() != "Reading…")
        form.run_service.setChecked(True)
        form.database_url.setText(url)
        checked: list[bool] = []
        form.checked.connect(checked.append)
        form.test_connection()
        _until(app, lambda: bool(checked))
        _save(window, out, "database-settings", app)
        form.set_dirty(False)
    finally:
        if window is not None:
            window.close()
        other.dispose()
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["INTEGRATION_HUB_HOME"] = scratch
        app = create_application([])
        shots(app, args.out, scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
