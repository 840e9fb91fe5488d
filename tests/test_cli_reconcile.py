"""``integration-hub reconcile`` as a user types it: a real process against both sandboxes.

The books are synced in this process; the child reads them back live and
exits 0 while they match, 1 (with the records behind it, and a CSV) once a
payment is cancelled in SAP, and 2 for a store Tagrain does not have.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.connectors.sapb1 import ServiceLayerClient
from app.store import Database
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.mapping.money import local_date
from tests.support.file_keyring import sandbox_keyring
from tests.sync.conftest import context, sandboxes, template_id

__all__ = ["context", "sandboxes", "template_id"]


def test_reconcile_exits_0_when_the_books_match_and_1_with_the_records_when_not(
    database: Database,
    database_file: Path,
    template_id: int,
    context: SyncContext,
    tmp_path: Path,
) -> None:
    engine = Engine(database, OBJECTS)
    for name in OBJECTS:
        engine.run(name, template_id)
    env = {**os.environ, **sandbox_keyring(tmp_path / "keyring.json")}
    env.pop("INTEGRATION_HUB_DATABASE_URL", None)
    last = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        script = Path(sys.executable).with_name("integration-hub")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
        return subprocess.run(
            [*command, "--database", f"sqlite:///{database_file}", "reconcile", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    refunded = {r.sale_id for r in context.tagrain.iter_refunds()}
    sale = next(
        s
        for s in context.tagrain.iter_sales()
        if s.status == "completed" and s.id not in refunded and sum(t.amount for t in s.tenders)
    )
    store = context.tagrain.get_store(sale.store_id)
    day = local_date(sale.sold_at, store.timezone)
    clean = cli(
        "--template", "Sandbox", "--from", "2026-01-01", "--to", last, "--store", store.code
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Everything matches." in clean.stdout

    with ServiceLayerClient(sap_settings(context.rules)) as client:
        (payment,) = client.iter_entities(
            "IncomingPayments", filter=f"U_TG_ID eq '{sale.id}'", select=["DocEntry"]
        )
        client.cancel("IncomingPayments", payment["DocEntry"])
    report = tmp_path / "reconciliation.csv"
    broken = cli(
        "--template",
        "Sandbox",
        "--from",
        day.isoformat(),
        "--to",
        day.isoformat(),
        "--store",
        store.code,
        "--csv",
        str(report),
    )
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"{store.code:<6} {day}  DOES NOT MATCH" in broken.stdout
    assert f"payment cancelled: receipt {sale.receipt_number}" in broken.stdout
    rows = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["Store", "Day", "Figure"]
    assert any(
        r[2] == "payment cancelled" and r[7] == f"receipt {sale.receipt_number}" for r in rows
    )

    stranger = cli("--template", "Sandbox", "--from", "2026-01-01", "--to", last, "--store", "XYZ")
    assert stranger.returncode == 2
    assert stranger.stderr.strip().splitlines() == [
        "integration-hub: error: Tagrain has no store 'XYZ' (stores: CHI, DEN, LAX, NYC)"
    ]
