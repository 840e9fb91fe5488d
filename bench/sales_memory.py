"""Memory at retail scale: resident memory and throughput over one long sales sync.

    uv run python bench/sales_memory.py --sales 100000
    uv run python bench/sales_memory.py --quick          (5,000 sales)
    (--json adds one JSON line with every figure at the end, for bench/run;
     --tracemalloc compares the Python heap at 10 % and at the end, by line)

One scheduled sales run posts every sale into the Service Layer sandbox with
no latency, as a chain's day of receipts would. Both sandboxes keep their
data in files (SAP's and Tagrain's databases are not this process's memory;
an in-memory SQLite would grow with every posted document), and the Service
Layer sandbox's log of recent requests is cut to ``REQUEST_LOG`` entries: its
usual 5,000 whole requests (about 10 MB) are the sandbox's memory, not the
client's, and would show as growth until they fill. A thread samples
the process's resident memory (VmRSS in /proc/self/status) every second and
at 10 % and 100 % of the sales; the kernel's high-water mark (VmHWM, reset
when the sales run starts where Linux allows it) catches peaks between samples.

Goals (issue #18): peak < 300 MB; the peak after the first 10 % within 10 % of
the final peak (flat, not growing with the run); the throughput of the last
10 % within 10 % of the first 10 %.
"""

from __future__ import annotations

import argparse
import collections
import json
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

from synced_company import synced_company

from app.sandbox.launcher import SandboxScale
from app.sync.records import Progress

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
MB = 1024 * 1024
REQUEST_LOG = 100
"""Requests the Service Layer sandbox remembers during this benchmark (5,000 usually)."""


def status_kb(field: str) -> int | None:
    """A ``kB`` figure of /proc/self/status (None where there is none: not Linux)."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    kb = status_kb("VmRSS")
    if kb is None:
        raise SystemExit("needs /proc/self/status (Linux) to read the resident memory")
    return kb * 1024 / MB


def reset_high_water() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM); False where Linux does not allow it."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


class Sampler:
    """Samples the resident memory every ``interval`` s on a thread; keeps the peak per phase."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self.peak = 0.0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._started = time.perf_counter()

    def start(self) -> None:
        self._thread.start()

    def sample(self) -> float:
        """Take one sample now; returns it."""
        value = rss_mb()
        with self._lock:
            self.samples.append((time.perf_counter() - self._started, value))
            self.peak = max(self.peak, value)
        return value

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run(sales: int, sessions: int, trace: bool) -> dict[str, Any]:
    """Sync ``sales`` receipts with ``sessions`` SL sessions; memory and throughput figures."""
    tenth = max(sales // 10, 1)
    scale = SandboxScale(
        customers=200, items=300, tagrain_customers=150, sales=sales, refunds=0, expenses=0
    )
    with synced_company(scale, sessions, on_files=True) as company:
        running = company.running
        template_id, engine = company.template_id, company.engine
        running.service_layer.requests = collections.deque(maxlen=REQUEST_LOG)
        seeded = company.seed_seconds
        print(f"seeded {sales} sales in {seeded:.1f} s")
        sampler = Sampler()
        marks: dict[str, float] = {}
        at_tenth: dict[str, float] = {}
        snapshots: list[tracemalloc.Snapshot] = []

        def progress(state: Progress) -> None:
            done = state.done
            now = time.perf_counter()
            if done == 1:
                marks["first"] = now
            elif done == tenth:
                marks["tenth"] = now
                at_tenth["rss"] = sampler.sample()
                at_tenth["peak"] = sampler.peak
                hwm = status_kb("VmHWM")
                if hwm is not None:
                    at_tenth["hwm"] = hwm * 1024 / MB
                if trace:
                    snapshots.append(tracemalloc.take_snapshot())
            elif done == sales - tenth:
                marks["last_tenth"] = now

        if trace:
            tracemalloc.start(8)
        rss_start = rss_mb()
        high_water = reset_high_water()
        sampler.start()
        began = time.perf_counter()
        result = engine.run("sales", template_id, trigger="schedule", progress=progress)[-1]
        ended = time.perf_counter()
        sampler.sample()
        sampler.stop()
        hwm_kb = status_kb("VmHWM")
        if trace:
            snapshots.append(tracemalloc.take_snapshot())
            tracemalloc.stop()
    if len(marks) < 3:
        raise SystemExit(f"the run did not post every sale: {result.status}, {result.created}")
    first_rate = (tenth - 1) / (marks["tenth"] - marks["first"])
    last_rate = tenth / (ended - marks["last_tenth"])
    final_peak = sampler.peak
    hwm = hwm_kb * 1024 / MB if hwm_kb is not None and high_water else None
    figures: dict[str, Any] = {
        "sales": sales,
        "sessions": sessions,
        "posted": result.created,
        "failed": result.failed,
        "status": result.status,
        "seed_seconds": seeded,
        "sync_seconds": ended - began,
        "rss_start_mb": rss_start,
        "peak_at_tenth_mb": at_tenth["peak"],
        "peak_mb": final_peak,
        "hwm_at_tenth_mb": at_tenth.get("hwm") if high_water else None,
        "hwm_mb": hwm,
        "growth": final_peak / at_tenth["peak"] - 1,
        "first_tenth_rate": first_rate,
        "last_tenth_rate": last_rate,
        "rate_change": last_rate / first_rate - 1,
        "samples": len(sampler.samples),
    }
    print(
        f"{result.created} of {sales} sales posted in {ended - began:.0f} s ({result.status}); "
        f"RSS {rss_start:.0f} MB at the start, peak {at_tenth['peak']:.0f} MB after 10 %, "
        f"{final_peak:.0f} MB at the end ({figures['growth']:+.1%}); "
        + (f"kernel peak {hwm:.0f} MB; " if hwm is not None else "")
        + f"first 10 % {first_rate:.1f} sales/s, last 10 % {last_rate:.1f} sales/s "
        f"({figures['rate_change']:+.1%})"
    )
    if trace and len(snapshots) == 2:
        print("Python heap growth from 10 % to the end, by line (top 15):")
        for stat in snapshots[1].compare_to(snapshots[0], "lineno")[:15]:
            print(f"  {stat}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 sales (a smoke run)")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--tracemalloc", action="store_true", help="compare heaps 10 % → end")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    figures = run(5_000 if args.quick else args.sales, args.sessions, args.tracemalloc)
    if args.json:
        print(json.dumps({"memory": figures}))


if __name__ == "__main__":
    main()
