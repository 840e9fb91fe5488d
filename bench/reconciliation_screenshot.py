"""Render the Reconciliation form offscreen into docs/screenshots/reconciliation.png.

Usage: uv run python bench/reconciliation_screenshot.py [--out docs/screenshots]

Both sandboxes run on loopback with a small demo company on a throw-away
store and an in-memory keyring; everything is synced, one receipt's incoming
payment is cancelled in SAP, and the form reconciles the receipt's day and
the two days before at its store, with the red figure's record selected below.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QDate, QPoint

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import open_database
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.mapping.money import local_date
from app.ui.forms.reconciliation import ReconciliationForm
from app.ui.main import create_application
from app.ui.main_window import MainWindow

SIZE = (1280, 800)
SCALE = SandboxScale(
    customers=60, items=80, tagrain_customers=40, sales=120, refunds=12, expenses=15
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.TemporaryDirectory(prefix="ih-reconcile-")
    os.environ["INTEGRATION_HUB_HOME"] = scratch.name
    app = create_application([])
    running = start_sandboxes(SandboxOptions(scale=SCALE))
    db = open_database(f"sqlite:///{scratch.name}/store.sqlite3")
    try:
        template = ensure_sandbox_template(db, running.sap_url, running.tagrain_url)
        engine = Engine(db, OBJECTS)
        for name in OBJECTS:
            engine.run(name, template)
        ctx = SyncContext(db, template)
        refunded = {r.sale_id for r in ctx.tagrain.iter_refunds()}
        sale = next(
            s
            for s in ctx.tagrain.iter_sales()
            if s.status == "completed" and s.id not in refunded and sum(t.amount for t in s.tenders)
        )
        store = ctx.tagrain.get_store(sale.store_id)
        day = local_date(sale.sold_at, store.timezone)
        with ServiceLayerClient(sap_settings(ctx.rules)) as client:
            (payment,) = client.iter_entities(
                "IncomingPayments", filter=f"U_TG_ID eq '{sale.id}'", select=["DocEntry"]
            )
            client.cancel("IncomingPayments", payment["DocEntry"])
        ctx.close()

        window = MainWindow(db)
        window.resize(*SIZE)
        window.show()
        form = window.open_form("reconciliation")
        assert isinstance(form, ReconciliationForm)
        frame = window.form_window("reconciliation")
        assert frame is not None
        frame.move(QPoint(8, 8))
        frame.resize(SIZE[0] - 300, SIZE[1] - 120)
        before = day - timedelta(days=2)
        form.from_edit.setDate(QDate(before.year, before.month, before.day))
        form.to_edit.setDate(QDate(day.year, day.month, day.day))
        form.store_edit.setText(store.code)
        form.start()
        deadline = time.monotonic() + 60
        while (form.report is None or form.busy()) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()
        path = args.out / "reconciliation.png"
        window.grab().save(str(path))
        print(path)
        window.close()
    finally:
        db.dispose()
        running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
