"""Single-document POST throughput against the Service Layer sandbox.

Posts one-line A/R invoices through ``ServiceLayerClient``, one per request, at
a per-request latency of 0 and 0.3 s (a real SL takes about that per
document), with 1 and 4 concurrent sessions, and prints documents per second.

    uv run python bench/sl_throughput.py [--docs 40] [--latencies 0,0.3] [--sessions 1,4] [--json]

``--json`` ends the output with one JSON line of every figure (for bench/run).
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time

from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.sandbox import demo
from app.sandbox.faults import FaultPlan
from app.sandbox.sapb1 import ServiceLayerSandbox


def run(sandbox: ServiceLayerSandbox, docs: int, sessions: int, latency: float) -> float:
    """Post ``docs`` invoices from ``sessions`` threads; returns documents per second."""
    sandbox.configure_faults(FaultPlan(latency=latency))
    settings = ServiceLayerSettings(
        sandbox.url, demo.COMPANY_DB, demo.SAP_USER, demo.SAP_PASSWORD, max_sessions=sessions
    )
    counter = itertools.count()
    lock = threading.Lock()
    codes = [item.code for item in demo.items(60) if item.kind == "standard"][:24]
    failures: list[BaseException] = []
    with ServiceLayerClient(settings) as client:
        client.login()

        def worker() -> None:
            while True:
                with lock:
                    n = next(counter)
                if n >= docs:
                    return
                try:
                    post(n)
                except Exception as exc:  # reported below: the figure would be a lie
                    failures.append(exc)
                    return

        def post(n: int) -> None:
            client.create(
                "Invoices",
                {
                    "CardCode": demo.customer_code(1 + n % 100),
                    "NumAtCard": f"bench-{n}",
                    "DocumentLines": [
                        {
                            "ItemCode": codes[n % len(codes)],
                            "Quantity": 1,
                            "WarehouseCode": "NY",
                        }
                    ],
                },
            )

        threads = [threading.Thread(target=worker) for _ in range(sessions)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} invoice(s) refused: {failures[0]}")
    return docs / elapsed


def main() -> None:
    """Run the grid of latencies and session counts and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="documents per measurement")
    parser.add_argument("--latencies", default="0,0.3", help="seconds, comma-separated")
    parser.add_argument("--sessions", default="1,4", help="session counts, comma-separated")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    figures = []
    sandbox = ServiceLayerSandbox(negative_stock_allowed=True).start()
    try:
        print(f"{'latency s':>10} {'sessions':>9} {'docs':>6} {'docs/s':>9}")
        for latency in (float(x) for x in args.latencies.split(",")):
            for sessions in (int(x) for x in args.sessions.split(",")):
                rate = run(sandbox, args.docs, sessions, latency)
                print(f"{latency:>10.2f} {sessions:>9d} {args.docs:>6d} {rate:>9.1f}")
                figures.append(
                    {"latency": latency, "sessions": sessions, "docs": args.docs, "rate": rate}
                )
    finally:
        sandbox.stop()
    if args.json:
        print(json.dumps({"posts": figures}))


if __name__ == "__main__":
    main()
