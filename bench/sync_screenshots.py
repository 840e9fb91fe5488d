"""Screenshots of Sync Now, the Sync Monitor and Synchronization Settings (docs/screenshots/).

    uv run python bench/sync_screenshots.py [--out docs/screenshots]

``bench/screenshots.py`` calls ``sync_shots`` too. Runs a sandbox company on
loopback and a throw-away store: sales synced once with the card tender
unmapped (so failures with SAP's words show), a scheduled expenses run, two
schedules, and a lease held by another desktop for the refusal.
"""

from __future__ import annotations

import os
import sys
from datetime import time, timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from sqlalchemy import delete

from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.scheduling import SchedulerConfig, SyncScheduler
from app.scheduling.scheduler import EventCallback
from app.store import Database, Schedule, TenderMapping, open_database
from app.sync import leases
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.main_window import MainWindow
from bench.shots import run_shots, save, settle, until

SIZE = (1280, 800)
SCALE = SandboxScale(
    customers=60, items=80, tagrain_customers=40, sales=400, refunds=5, expenses=15
)


def _services() -> Services:
    def scheduler(database: Database, on_event: EventCallback) -> SyncScheduler:
        config = SchedulerConfig(holder="DESKTOP-7:5120", poll_seconds=1.0)
        return SyncScheduler(database, OBJECTS, config, on_event=on_event)

    return Services(engine_factory=lambda db: Engine(db, OBJECTS), scheduler_factory=scheduler)


def _seed(db: Database, template_id: int) -> None:
    with db.session() as session:
        session.execute(
            delete(TenderMapping).where(
                TenderMapping.template_id == template_id, TenderMapping.tender_type == "card"
            )
        )
        session.add_all(
            [
                Schedule(
                    template_id=template_id,
                    object="sales",
                    enabled=True,
                    frequency="daily",
                    window_start=time(8),
                    window_end=time(20),
                    interval_minutes=15,
                ),
                Schedule(
                    template_id=template_id,
                    object="expenses",
                    enabled=True,
                    frequency="weekly",
                    weekdays="mon,wed,fri",
                    window_start=time(22),
                    window_end=time(22),
                    interval_minutes=0,
                ),
            ]
        )


def sync_shots(app: QApplication, out: Path, scratch: str) -> None:
    """Render the Sync Now, monitor and settings screenshots into ``out``."""
    sandboxes = start_sandboxes(SandboxOptions(scale=SCALE))
    db = open_database(f"sqlite:///{scratch}/sync.sqlite3")
    window: MainWindow | None = None
    try:
        template_id = ensure_sandbox_template(db, sandboxes.sap_url, sandboxes.tagrain_url)
        engine = Engine(db, OBJECTS)
        engine.run("customers", template_id)
        engine.run("products", template_id)
        _seed(db, template_id)
        window = MainWindow(db, _services())
        window.resize(*SIZE)
        window.show()
        center = window.context.sync
        assert center is not None and center.scheduler is not None
        until(app, lambda: center.status().role == "owner")
        center.reload_schedules()

        monitor = window.open_form("sync_monitor")
        assert isinstance(monitor, SyncMonitorForm)
        frame = window.form_window("sync_monitor")
        assert frame is not None
        frame.move(QPoint(8, 8))
        monitor.select_object("sales")
        done: list[int] = [0]
        center.runner.progress.connect(lambda count, *_rest: done.__setitem__(0, count))
        window.sync_now_action.trigger()
        until(app, lambda: done[0] >= 120)
        until(
            app,
            lambda: (
                bool(monitor.runs_model.rows())
                and monitor.runs_model.rows()[0].total >= 100
                and monitor.records_model.rowCount() >= 100
            ),
        )
        save(window, out, "sync-now-progress", app)
        until(app, lambda: center.runner.running is None and not monitor.records_loading)

        schedule_id = next(
            s.schedule_id for s in center.status().schedules if s.object_name == "expenses"
        )
        center.scheduler.fire_now(schedule_id)
        until(
            app,
            lambda: any(
                r.object == "expenses" and r.outcome for r in monitor.dashboard_model.rows()
            ),
        )
        monitor.select_object("sales")
        monitor.status_filter.setCurrentIndex(1)
        until(app, lambda: not monitor.records_loading)
        monitor.records.selectRow(1)
        save(window, out, "sync-monitor", app)

        leases.acquire(
            db, template_id, "refunds", holder="POS-SERVER:4242", ttl=timedelta(minutes=5)
        )
        monitor.status_filter.setCurrentIndex(0)
        monitor.select_object("refunds")
        window.sync_now_action.trigger()
        until(app, lambda: center.runner.running is None)
        settle(app)
        save(window, out, "sync-now-refused", app)

        window.mdi.closeAllSubWindows()
        window.messenger.clear()
        settings = window.open_form("sync_settings")
        assert isinstance(settings, SyncSettingsForm)
        frame = window.form_window("sync_settings")
        assert frame is not None
        frame.move(QPoint(8, 8))
        settings.select_object("sales")
        save(window, out, "sync-settings", app)
        settings.select_object("inventory")
        settings.edit_schedule()
        dialog = settings.dialog
        assert dialog is not None
        dialog.enabled.setChecked(True)
        dialog.frequency.setCurrentIndex(1)
        for day in ("mon", "tue", "wed", "thu", "fri"):
            dialog.days[day].setChecked(True)
        dialog.every.setText("2")
        dialog.unit.setCurrentIndex(1)
        settle(app)
        dialog.move(window.mapToGlobal(QPoint(360, 200)))
        save(dialog, out, "sync-schedule-dialog", app)
        dialog.ok_button.click()
        save(window, out, "sync-settings-update", app)
        settings.set_dirty(False)

        window.mdi.closeAllSubWindows()
        window.messenger.clear()
        window.open_form("daily_summary")
        summary_frame = window.form_window("daily_summary")
        assert summary_frame is not None
        summary_frame.move(QPoint(8, 8))
        settle(app)
        save(window, out, "daily-summary", app)
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        settle(app)
        db.dispose()
        sandboxes.stop()


def main(argv: list[str] | None = None) -> int:
    """Render this script's screenshots."""
    return run_shots(__doc__.splitlines()[0], "ih-sync-shots-", sync_shots, argv)


if __name__ == "__main__":
    raise SystemExit(main())
