"""Sync throughput: sales per second into SAP, and a no-change incremental run at scale.

    uv run python bench/sync_throughput.py --sales 400
    uv run python bench/sync_throughput.py --sales 60 --latency 0.3 --sessions 1 4
    uv run python bench/sync_throughput.py --scale-customers 100000 --scale-items 50000
    (--json adds one JSON line with every figure at the end, for bench/run)

Each sale is an A/R invoice plus an incoming payment (on-account sales only an
invoice). The ideal with latency L per Service Layer request and S sessions is
S / (requests per sale × L); the script prints requests per sale it observed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from synced_company import synced_company

from app.sandbox import demo
from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Link, Run, SyncMark, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.recorder import write_watermark

POSTS_PER_SALE = 2
"""A paid sale is an invoice and an incoming payment: two POSTs SAP must process."""


def sales_rate(sales: int, latency: float, sessions: int) -> dict[str, Any]:
    """Post ``sales`` receipts with ``sessions`` SL sessions at ``latency`` s per request."""
    scale = SandboxScale(
        customers=200, items=300, tagrain_customers=150, sales=sales, refunds=0, expenses=0
    )
    with synced_company(scale, sessions) as company:
        running = company.running
        template_id, engine = company.template_id, company.engine
        running.service_layer.configure_faults(FaultPlan(latency=latency))
        before = len(running.service_layer.requests)
        started = time.perf_counter()
        result = engine.run("sales", template_id, trigger="schedule")[-1]
        elapsed = time.perf_counter() - started
        requests = len(running.service_layer.requests) - before
        posted = result.created
        per_sale = requests / max(posted, 1)
        posts = sum(
            1 for r in list(running.service_layer.requests)[-requests:] if r.method == "POST"
        )
        ideal = sessions / (latency * POSTS_PER_SALE) if latency else float("inf")
        print(
            f"sales={sales} latency={latency:.3f}s sessions={sessions}: {posted} posted in "
            f"{elapsed:.1f} s = {posted / elapsed:.1f} sales/s "
            f"({per_sale:.2f} SL requests per sale; ideal {ideal:.1f} sales/s = {sessions} / "
            f"({POSTS_PER_SALE} POSTs × {latency:g} s)) "
            f"status={result.status} failed={result.failed}"
        )
        return {
            "sales": sales,
            "latency": latency,
            "sessions": sessions,
            "posted": posted,
            "seconds": elapsed,
            "rate": posted / elapsed,
            "requests_per_sale": per_sale,
            "posts": posts,
            "ideal": ideal if latency else None,
            "status": result.status,
            "failed": result.failed,
        }


JOBS = {
    "customers": "to_sap",
    "customers_up": "to_tagrain",
    "products_up": "to_tagrain",
    "products_down": "to_sap",
}
"""The jobs of the customers and products objects, each with its direction."""


def mark_and_link_everything(
    database: Database, template_id: int, customers: int, items: int
) -> None:
    """Mark and link every demo customer and item in bulk, as an initial load would leave them.

    The marks were made a day ago, each job's full initial load started an
    hour later and its last scheduled run an hour ago (completed runs, recorded
    as the runner records them).
    """
    with database.engine.begin() as connection:
        now = datetime.now(UTC)
        marked_at = now - timedelta(days=1)
        connection.execute(
            insert(Run),
            [
                {
                    "template_id": template_id,
                    "object": job_name,
                    "trigger": trigger,
                    "full": trigger == "manual",
                    "dry_run": False,
                    "started_at": started,
                    "finished_at": started + timedelta(minutes=5),
                    "status": "succeeded",
                }
                for job_name in JOBS
                for trigger, started in (
                    ("manual", marked_at + timedelta(hours=1)),
                    ("schedule", now - timedelta(hours=1)),
                )
            ],
        )
        for kind, obj, codes in (
            ("customer", "customers", [c.code for c in demo.customers(customers)]),
            ("item", "products", [i.code for i in demo.items(items)]),
        ):
            connection.execute(
                insert(SyncMark),
                [
                    {
                        "kind": kind,
                        "sap_key": code,
                        "template_id": template_id,
                        "marked_at": marked_at,
                    }
                    for code in codes
                ],
            )
            connection.execute(
                insert(Link),
                [
                    {
                        "template_id": template_id,
                        "object": obj,
                        "tagrain_id": f"tg-{code}",
                        "sap_key": code,
                        "synced_at": now,
                    }
                    for code in codes
                ],
            )


def no_change_run(customers: int, items: int) -> dict[str, Any]:
    """Time an incremental run that finds nothing new over a big company.

    Every customer and item is marked and linked (as after an initial load) and
    the watermarks are set to now, so every job asks its source for changes
    since the watermark and gets none: this measures the cost of "is there
    anything to do?" over a large SAP company and Tagrain account.
    """
    scale = SandboxScale(
        customers=customers,
        items=items,
        tagrain_customers=customers // 2,
        sales=0,
        refunds=0,
        expenses=0,
    )
    started = time.perf_counter()
    running = start_sandboxes(SandboxOptions(scale=scale))
    seeded = time.perf_counter() - started
    print(f"seeded {customers} customers, {items} items in {seeded:.1f} s")
    folder = Path(tempfile.mkdtemp())
    database = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    try:
        template_id = ensure_sandbox_template(database, running.sap_url, running.tagrain_url)
        with database.session() as session:
            session.execute(delete(SyncMark).where(SyncMark.template_id == template_id))
        mark_and_link_everything(database, template_id, customers, items)
        now = datetime.now(UTC)
        for job_name, direction in JOBS.items():
            write_watermark(database, template_id, job_name, direction, now)
        engine = Engine(database, OBJECTS)
        started = time.perf_counter()
        results = [
            r
            for name in ("customers", "products")
            for r in engine.run(name, template_id, trigger="schedule")
        ]
        elapsed = time.perf_counter() - started
        print(
            f"no-change incremental run over {customers} customers and {items} items: "
            f"{elapsed:.2f} s, {sum(r.total for r in results)} records read"
        )
        return {
            "customers": customers,
            "items": items,
            "seed_seconds": seeded,
            "seconds": elapsed,
            "records_read": sum(r.total for r in results),
            "statuses": sorted({r.status for r in results}),
        }
    finally:
        database.dispose()
        running.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sales", type=int, default=0)
    parser.add_argument(
        "--sales-per-session",
        type=int,
        default=0,
        help="post this many sales per session instead of --sales (the same time per row)",
    )
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--sessions", type=int, nargs="+", default=[4])
    parser.add_argument("--scale-customers", type=int, default=0)
    parser.add_argument("--scale-items", type=int, default=50_000)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    if args.sales or args.sales_per_session:
        figures["sales"] = [
            sales_rate(args.sales_per_session * sessions or args.sales, args.latency, sessions)
            for sessions in args.sessions
        ]
    if args.scale_customers:
        figures["no_change"] = no_change_run(args.scale_customers, args.scale_items)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
