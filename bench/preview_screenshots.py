"""Screenshots of Preview beside Sync Now (docs/screenshots/sync-preview*.png).

    uv run python bench/preview_screenshots.py [--out docs/screenshots]

Runs a sandbox company on loopback and a throw-away store: customers and
products synced once, the gift card tender unmapped (so some sales fail with the
reason), then Sales previewed from the Sync Monitor at 1366×768: the
Synchronization Preview window, and the Sync Monitor with the preview run
and a refunds preview whose records wait for their sales.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from sqlalchemy import delete

from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, TenderMapping, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.preview import FORM_KEY, PreviewForm
from app.ui.main_window import MainWindow
from bench.shots import run_shots, save, settle, until

SIZE = (1366, 768)
SCALE = SandboxScale(
    customers=60, items=80, tagrain_customers=40, sales=200, refunds=12, expenses=15
)


def _unmap_gift_card(db: Database, template_id: int) -> None:
    with db.session() as session:
        session.execute(
            delete(TenderMapping).where(
                TenderMapping.template_id == template_id, TenderMapping.tender_type == "gift_card"
            )
        )


def preview_shots(app: QApplication, out: Path, scratch: str) -> None:
    """Render the preview screenshots into ``out``."""
    sandboxes = start_sandboxes(SandboxOptions(scale=SCALE))
    db = open_database(f"sqlite:///{scratch}/preview.sqlite3")
    window: MainWindow | None = None
    try:
        template_id = ensure_sandbox_template(db, sandboxes.sap_url, sandboxes.tagrain_url)
        engine = Engine(db, OBJECTS)
        engine.run("customers", template_id)
        engine.run("products", template_id)
        _unmap_gift_card(db, template_id)
        window = MainWindow(db, Services(engine_factory=lambda d: Engine(d, OBJECTS)))
        window.resize(*SIZE)
        window.show()
        center = window.context.sync
        assert center is not None

        monitor = window.open_form("sync_monitor")
        assert isinstance(monitor, SyncMonitorForm)
        frame = window.form_window("sync_monitor")
        assert frame is not None
        frame.move(QPoint(0, 0))
        monitor.select_object("sales")
        monitor.preview_button.click()
        until(app, lambda: window.form_window(FORM_KEY) is not None)
        preview = window.form_window(FORM_KEY)
        assert preview is not None and isinstance(preview.widget(), PreviewForm)
        form = preview.widget()
        assert isinstance(form, PreviewForm)
        failed = next((n for n, r in enumerate(form.rows()) if r.kind == "failed"), 0)
        form.grid.selectRow(failed)
        save(window, out, "sync-preview", app)

        window.mdi.setActiveSubWindow(frame)
        monitor.select_object("refunds")
        monitor.preview_button.click()
        until(app, lambda: center.runner.running is None and not center.preview_loading)
        window.mdi.setActiveSubWindow(frame)
        until(app, lambda: not monitor.records_loading)
        save(window, out, "sync-monitor-preview", app)
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        settle(app)
        db.dispose()
        sandboxes.stop()


def main(argv: list[str] | None = None) -> int:
    """Render this script's screenshots."""
    return run_shots(__doc__.splitlines()[0], "ih-preview-shots-", preview_shots, argv)


if __name__ == "__main__":
    raise SystemExit(main())
