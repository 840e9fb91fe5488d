"""Benchmark: seeding the Tagrain sandbox at scale and paging through it with the client.

Run ``uv run python bench/tagrain_seed.py --sales 200000`` to see how long the
bulk seed takes and how fast the client streams every sale; ``--json`` ends the
output with one JSON line of the figures (for bench/run).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from app.connectors.tagrain import TagrainClient, TagrainSettings
from app.sandbox import demo
from app.sandbox.tagrain.server import TagrainSandbox


def main() -> None:
    """Seed a file database, then stream every sale through the client."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--items", type=int, default=3_000)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tagrain.sqlite3"
        started = time.perf_counter()
        sandbox = TagrainSandbox(
            path,
            customers=args.customers,
            items=args.items,
            sales=args.sales,
            refunds=args.sales // 10,
            expenses=args.sales // 20,
        )
        seeded = time.perf_counter() - started
        size = path.stat().st_size / 1e6
        print(f"seeded {args.sales} sales in {seeded:.1f} s ({size:.0f} MB)")
        started = time.perf_counter()
        reopened = TagrainSandbox(path, sales=args.sales)
        reopen = time.perf_counter() - started
        print(f"reopened (no reseed: {not reopened.seeded_now}) in {reopen:.2f} s")
        reopened.close()
        sandbox.start()
        try:
            settings = TagrainSettings(sandbox.url, demo.TAGRAIN_API_KEY, page_size=args.page)
            started = time.perf_counter()
            with TagrainClient(settings) as client:
                count = sum(1 for _ in client.iter_sales())
            elapsed = time.perf_counter() - started
            print(f"streamed {count} sales in {elapsed:.1f} s ({count / elapsed:.0f}/s)")
        finally:
            sandbox.close()
    if args.json:
        figures = {
            "sales": args.sales,
            "seed_seconds": seeded,
            "size_mb": size,
            "reopen_seconds": reopen,
            "streamed": count,
            "stream_seconds": elapsed,
            "stream_rate": count / elapsed,
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
