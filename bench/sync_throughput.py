"""Sync throughput: sales per second into SAP, and a no-change incremental run at scale.

    uv run python bench/sync_throughput.py --sales 400
    uv run python bench/sync_throughput.py --sales 60 --latency 0.3 --sessions 1 4
    uv run python bench/sync_throughput.py --scale-customers 100000 --scale-items 50000
    (--json adds one JSON line with every figure at the end, for bench/run)

Each sale is an A/R invoice plus an incoming payment (on-account sales only an
invoice). The ideal with latency L per Service Layer request and S sessions is
S / (requests per sale × L); the script prints requests per sale it observed.
Without latency the ceiling is the same invoices and payments posted bare:
the documents the run posted, read back from the Service Layer sandbox's log
and posted again into a fresh company on the same sessions with nothing else
(``--repeat N``: N sync and bare pairs; the figure is the median rate and
the median of each pair's ratio). The sandboxes run in a
child process, as real servers are elsewhere.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from synced_company import synced_company

from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.sandbox import demo
from app.sandbox.faults import FaultPlan
from app.sandbox.httpserver import SandboxRequest
from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Link, Run, SyncMark, open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.recorder import write_watermark

POSTS_PER_SALE = 2
"""A paid sale is an invoice and an incoming payment: two POSTs SAP must process."""


@dataclass(frozen=True)
class SaleDocuments:
    """What the run posted for one sale: its invoice and (unless on account) its payment."""

    invoice: dict[str, Any]
    payment: dict[str, Any] | None


def posted_documents(requests: list[SandboxRequest]) -> list[SaleDocuments]:
    """The invoices the run posted, in order, each with the payment of the same sale."""
    invoices: dict[str, dict[str, Any]] = {}
    payments: dict[str, dict[str, Any]] = {}
    for request in requests:
        entity = request.path.rstrip("/").rsplit("/", 1)[-1]
        if request.method == "POST" and entity in ("Invoices", "IncomingPayments"):
            body = request.json()
            (invoices if entity == "Invoices" else payments)[body["U_TG_ID"]] = body
    return [SaleDocuments(body, payments.get(sale)) for sale, body in invoices.items()]


def bare_rate(documents: list[SaleDocuments], scale: SandboxScale, sessions: int) -> float:
    """Sales per second posting these documents straight into a fresh company.

    The ceiling of the sales row: the same invoices (lines, taxes, branches) and
    payments, through ``ServiceLayerClient`` on the same number of sessions, in a
    company synced as the run's was, with nothing else: no Tagrain listing, no
    look-ups, no mapping, no run log. A payment names the invoice just posted.
    """
    with synced_company(scale, sessions, servers_apart=True) as company:
        running = company.running
        settings = ServiceLayerSettings(
            running.sap_url,
            demo.COMPANY_DB,
            demo.SAP_USER,
            demo.SAP_PASSWORD,
            max_sessions=sessions,
        )
        queue = iter(documents)
        lock = threading.Lock()
        failures: list[BaseException] = []
        with ServiceLayerClient(settings) as client:
            client.login()

            def worker() -> None:
                while not failures:
                    with lock:
                        sale = next(queue, None)
                    if sale is None:
                        return
                    try:
                        invoice = client.create("Invoices", sale.invoice)
                        if sale.payment is not None:
                            payment = dict(sale.payment)
                            payment["PaymentInvoices"] = [
                                {**line, "DocEntry": invoice["DocEntry"]}
                                for line in sale.payment.get("PaymentInvoices", [])
                            ]
                            client.create("IncomingPayments", payment)
                    except Exception as exc:  # reported below: the figure would be a lie
                        failures.append(exc)

            threads = [threading.Thread(target=worker) for _ in range(sessions)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"a document posted bare was refused: {failures[0]}")
    return len(documents) / elapsed


def sales_rate(sales: int, latency: float, sessions: int) -> dict[str, Any]:
    """Post ``sales`` receipts with ``sessions`` SL sessions at ``latency`` s per request."""
    scale = SandboxScale(
        customers=200, items=300, tagrain_customers=150, sales=sales, refunds=0, expenses=0
    )
    with synced_company(scale, sessions, servers_apart=True) as company:
        running = company.running
        template_id, engine = company.template_id, company.engine
        running.service_layer.configure_faults(FaultPlan(latency=latency))
        before = len(running.service_layer.requests)
        started = time.perf_counter()
        result = engine.run("sales", template_id, trigger="schedule")[-1]
        elapsed = time.perf_counter() - started
        logged = running.service_layer.requests
        requests = len(logged) - before
        documents = posted_documents(logged[-requests:])
        posted = result.created
        per_sale = requests / max(posted, 1)
        posts = sum(1 for r in logged[-requests:] if r.method == "POST")
        ideal = sessions / (latency * POSTS_PER_SALE) if latency else float("inf")
        print(
            f"sales={sales} latency={latency:.3f}s sessions={sessions}: {posted} posted in "
            f"{elapsed:.1f} s = {posted / elapsed:.1f} sales/s "
            f"({per_sale:.2f} SL requests per sale; ideal {ideal:.1f} sales/s = {sessions} / "
            f"({POSTS_PER_SALE} POSTs × {latency:g} s)) "
            f"status={result.status} failed={result.failed}"
        )
    bare = bare_rate(documents, scale, sessions) if not latency else None
    if bare is not None:
        print(
            f"  the same {len(documents)} invoices and their payments posted bare "
            f"(no Tagrain, no look-ups, no log): {bare:.1f} sales/s; the sync reached "
            f"{posted / elapsed / bare:.2f} of it"
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
        "bare": bare,
        "status": result.status,
        "failed": result.failed,
    }


def median(values: list[float]) -> float:
    """The middle value (the upper one of an even count)."""
    return sorted(values)[len(values) // 2]


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median rate; its ceiling the median bare rate.

    ``ratio`` is the median of each run's rate over the bare rate measured right
    after it: this machine's speed drifts over minutes, a pair shares its moment.
    """
    figure = dict(sorted(runs, key=lambda run: run["rate"])[len(runs) // 2])
    figure["rates"] = [run["rate"] for run in runs]
    figure["bares"] = [run["bare"] for run in runs]
    pairs = [run["rate"] / run["bare"] for run in runs if run["bare"]]
    figure["bare"] = median([run["bare"] for run in runs if run["bare"]]) if pairs else None
    figure["ratio"] = median(pairs) if pairs else None
    if len(runs) > 1:
        print(
            f"{figure['sessions']} session(s): median of {len(runs)}: {figure['rate']:.1f} "
            "sales/s"
            + (
                f" against {figure['bare']:.1f} bare; ratios "
                + ", ".join(f"{ratio:.2f}" for ratio in pairs)
                if pairs
                else ""
            )
        )
    return figure


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
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure each session count this many times (sync, then bare) and keep the medians",
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
            median_of(
                [
                    sales_rate(
                        args.sales_per_session * sessions or args.sales, args.latency, sessions
                    )
                    for _ in range(args.repeat)
                ]
            )
            for sessions in args.sessions
        ]
    if args.scale_customers:
        figures["no_change"] = no_change_run(args.scale_customers, args.scale_items)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
