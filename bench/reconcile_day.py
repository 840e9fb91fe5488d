"""Reconciling a busy day: N receipts in one store, both systems at a given latency.

    uv run python bench/reconcile_day.py --receipts 5000 --latency 0.3 [--json]

The Tagrain sandbox rings up the receipts now at one store's till (walk-in,
cash) and the sales sync posts them to the SAP sandbox with no latency; then
every request to both sandboxes is slowed by ``--latency`` and the day is
reconciled. Reading is one listing per kind of posting (five in parallel)
while Tagrain's three collections stream, in pages of 500, so the ideal is
about (SAP login + Tagrain's stores + Tagrain's sales pages + 2) × latency.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synced_company import synced_company

from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import SandboxScale
from app.sync.context import SyncContext
from app.sync.mapping.money import local_date
from app.sync.reconcile import reconcile
from app.sync.reconcile.reading import PAGE

STORE = "NYC"


def reconcile_day(receipts: int, latency: float) -> dict[str, Any]:
    """Post ``receipts`` sales of one day, then time their reconciliation at ``latency``."""
    scale = SandboxScale(
        customers=20, items=60, tagrain_customers=10, sales=1, refunds=0, expenses=0
    )
    with synced_company(scale, 4) as company:
        running, database = company.running, company.database
        template_id, engine = company.template_id, company.engine
        ctx = SyncContext(database, template_id)
        products = [p.sku for p in ctx.tagrain.iter_products() if p.type == "standard"]
        tracking = ctx.sap.item_tracking(products)
        plain = [sku for sku in products if tracking.get(sku) == "none"][:20]
        store = next(s for s in ctx.tagrain.list_stores() if s.code == STORE)
        ctx.close()
        started = time.perf_counter()
        for n in range(receipts):
            running.tagrain.ring_up(STORE, [(plain[n % len(plain)], Decimal(1 + n % 3))])
        rung = time.perf_counter() - started
        started = time.perf_counter()
        posted = engine.run("sales", template_id, trigger="schedule")[-1]
        synced = time.perf_counter() - started
        day = local_date(datetime.now(UTC), store.timezone)
        plan = FaultPlan(latency=latency)
        running.service_layer.configure_faults(plan)
        running.tagrain.configure_faults(plan)
        running.service_layer.requests.clear()
        started = time.perf_counter()
        report = reconcile(database, template_id, day, day, [STORE])
        elapsed = time.perf_counter() - started
        sap_requests = len(running.service_layer.requests)
        (store_day,) = report.days
        counted = int(store_day.row("Sales: count").tagrain)
        pages = math.ceil(max(counted, 1) / PAGE)
        ideal = (2 + max(pages + 2, pages)) * latency
        print(
            f"receipts={receipts} (rung up in {rung:.1f} s, synced in {synced:.1f} s, "
            f"{posted.created} posted): reconciled {counted} receipts at latency {latency:g} s "
            f"in {elapsed:.1f} s with {sap_requests} SL requests; matches={report.matches}"
        )
        return {
            "receipts": counted,
            "latency": latency,
            "seconds": elapsed,
            "sap_requests": sap_requests,
            "ideal_seconds": ideal,
            "matches": report.matches,
            "posted": posted.created,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--receipts", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    figures = reconcile_day(args.receipts, args.latency)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
