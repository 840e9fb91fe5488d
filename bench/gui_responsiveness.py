"""GUI responsiveness during Sync Now: the longest stall of the event loop while sales sync.

    uv run python bench/gui_responsiveness.py               # 10,000 sales
    uv run python bench/gui_responsiveness.py --sales 2000 --json

Starts both sandboxes with that many Tagrain sales in a child process (as
real servers are elsewhere; ``--in-process`` keeps them in this process, where
their JSON encoding competes with the GUI for the GIL), syncs customers and
items first (as an initial load would), opens the client offscreen with the
Sync Monitor on Sales, lets the window paint and the monitor read its figures
(as a user sees the window before clicking), presses Sync Now, and ticks a QTimer every 10 ms until
the run has ended and the monitor has read every record of it. A tick that
comes late is a stall: the script prints the longest, the 99th percentile
and how many ticks were later than 50 ms and 100 ms (``--json``: and one JSON
line with the figures at the end, for bench/run).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import open_database
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.ui import gc_guard
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.main_window import MainWindow
from app.ui.style import apply_style
from bench.stall_tracer import StallTracer

TICK_MS = 10


class GcMeter:
    """The longest garbage collection of each generation (they hold the GIL)."""

    def __init__(self) -> None:
        self.longest = [0.0, 0.0, 0.0]
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        took = (time.perf_counter() - self._started) * 1000
        generation = info["generation"]
        self.longest[generation] = max(self.longest[generation], took)

    def report(self) -> str:
        """One line with the longest collection per generation."""
        return "longest GC pause per generation: " + ", ".join(
            f"gen{n} {ms:.0f} ms" for n, ms in enumerate(self.longest)
        )


class StallMeter:
    """Records how late each 10 ms tick of the event loop arrives."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.when: list[float] = []
        self.origin = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin measuring."""
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.when.append(time.perf_counter() - self.origin)
        self.clock.restart()

    def p99(self) -> float:
        """The 99th percentile of the tick gaps (ms)."""
        gaps = sorted(self.gaps)
        return gaps[int(len(gaps) * 0.99) - 1] if gaps else 0.0

    def report(self) -> str:
        """Longest gap, 99th percentile and late-tick counts."""
        gaps = sorted(self.gaps)
        p99 = self.p99()
        late50 = sum(1 for g in gaps if g > 50)
        late100 = sum(1 for g in gaps if g > 100)
        worst = sorted(zip(self.gaps, self.when, strict=True), reverse=True)[:5]
        at = ", ".join(f"{gap:.0f} ms at {moment:.1f} s" for gap, moment in worst)
        return (
            f"longest event-loop stall {gaps[-1]:.0f} ms, p99 {p99:.0f} ms, "
            f"{late50} ticks > 50 ms, {late100} ticks > 100 ms, {len(gaps)} ticks\n"
            f"worst: {at}"
        )


def serve(scale: SandboxScale, pipe: Connection) -> None:
    """The child process: start the sandboxes, send their URLs, stop when told."""
    running = start_sandboxes(SandboxOptions(scale=scale))
    pipe.send((running.sap_url, running.tagrain_url))
    pipe.recv()
    running.stop()


@contextmanager
def sandboxes(scale: SandboxScale, in_process: bool) -> Iterator[tuple[str, str]]:
    """The SAP and Tagrain URLs of sandboxes of this scale while the block runs."""
    if in_process:
        running = start_sandboxes(SandboxOptions(scale=scale))
        try:
            yield running.sap_url, running.tagrain_url
        finally:
            running.stop()
        return
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(target=serve, args=(scale, theirs))
    child.start()
    try:
        yield ours.recv()
    finally:
        ours.send("stop")
        child.join(timeout=30)


def main() -> None:
    """Run the measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--in-process", action="store_true", help="sandboxes in this process")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    parser.add_argument("--trace", action="store_true", help="print what ran in the worst stalls")
    args = parser.parse_args()
    scale = SandboxScale(
        customers=200, items=300, tagrain_customers=150, sales=args.sales, refunds=0, expenses=0
    )
    with sandboxes(scale, args.in_process) as (sap_url, tagrain_url):
        figures = measure(args.sales, sap_url, tagrain_url, args.trace)
    if args.json:
        print(json.dumps(figures))


def settle(window: MainWindow, monitor: SyncMonitorForm) -> None:
    """Let the window paint and the monitor read its first figures, as before a user's click.

    A user presses Sync Now on a window they can see: its first paint (the whole
    window, icons and all) and the monitor's opening read are not part of the run.
    """
    QTest.qWaitForWindowExposed(window)
    deadline = time.perf_counter() + 10
    while monitor.dashboard_loading or monitor.records_loading or monitor.activity_loading:
        QTest.qWait(20)
        if time.perf_counter() > deadline:
            raise RuntimeError("the Sync Monitor did not finish its first read in 10 s")
    QTest.qWait(200)


def measure(sales: int, sap_url: str, tagrain_url: str, trace: bool = False) -> dict[str, Any]:
    """Sync Now sales in an offscreen client and print the stalls of its event loop."""
    folder = Path(tempfile.mkdtemp())
    database = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_style(app)
    gc_guard.install(app)  # as the client does: collections on the GUI thread only
    try:
        template_id = ensure_sandbox_template(database, sap_url, tagrain_url)
        engine = Engine(database, OBJECTS)
        engine.run("customers", template_id)
        engine.run("products", template_id)
        window = MainWindow(database, Services(engine_factory=lambda db: Engine(db, OBJECTS)))
        window.show()
        monitor = window.open_form("sync_monitor")
        assert isinstance(monitor, SyncMonitorForm)
        monitor.select_object("sales")
        settle(window, monitor)
        center = window.context.sync
        assert center is not None
        meter = StallMeter()
        collections = GcMeter()
        loop = QEventLoop()
        marks: dict[str, float] = {}

        tracer = StallTracer() if trace else None

        def check() -> None:
            if center.runner.running is None and "synced" not in marks:
                marks["synced"] = time.perf_counter()
                if tracer:
                    tracer.label = "after the run"
            if "synced" in marks and not monitor.records_loading:
                marks["shown"] = time.perf_counter()
                loop.quit()

        watcher = QTimer()
        watcher.timeout.connect(check)
        watcher.start(50)
        meter.start()
        if tracer:
            tracer.label = "during the run"
            tracer.start()
        started = meter.origin = time.perf_counter()
        window.sync_now_action.trigger()
        loop.exec()
        synced, total = marks["synced"] - started, marks["shown"] - started
        meter.timer.stop()
        run = monitor.selected_run()
        print(
            f"sales={sales}: Sync Now {run.status if run else '?'} "
            f"({run.total if run else 0} records) in {synced:.1f} s; monitor showed "
            f"{monitor.records_model.rowCount()} records at {total:.1f} s"
        )
        print(meter.report())
        print(collections.report())
        if tracer:
            tracer.stop()
            print(tracer.report(worst=8))
        window.close()
        return {
            "sales": sales,
            "status": run.status if run else None,
            "records": run.total if run else 0,
            "sync_seconds": synced,
            "shown_seconds": total,
            "longest_stall_ms": max(meter.gaps, default=0.0),
            "run_stall_ms": max(
                (g for g, t in zip(meter.gaps, meter.when, strict=True) if t < synced),
                default=0.0,
            ),
            "end_stall_ms": max(
                (g for g, t in zip(meter.gaps, meter.when, strict=True) if t >= synced),
                default=0.0,
            ),
            "p99_ms": meter.p99(),
            "ticks": len(meter.gaps),
        }
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
