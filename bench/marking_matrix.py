"""The Set Customers for Synchronization matrix on 100,000 customers: load, stall, sort, filter.

Usage: uv run python bench/marking_matrix.py [--customers 100000] [--in-process] [--json]

A Service Layer sandbox with that many customers runs in a child process
(as SAP runs on its own server; ``--in-process`` shares this process's GIL
instead). The store marks a tenth of them for the Sandbox template and a
twentieth for a second template. One plain core read without the GUI comes
first, for comparison. Then the matrix form is built offscreen and shown; a
QTimer ticking every 10 ms records the longest gap of the event loop while
the rows load on the worker thread and while the user sorts, filters, ticks
everything and saves. Every figure is printed; ``--json`` adds one JSON line
with them at the end (for bench/run).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, SyncMark, Template, open_database
from app.sync import marking
from app.sync.marking import CUSTOMER, Criteria
from app.ui import gc_guard
from app.ui.context import FormContext, Services, StoreEvents
from app.ui.forms.marking_matrix import MarkingMatrixForm
from app.ui.status import StatusMessenger
from app.ui.style import apply_style
from bench.stall_tracer import StallTracer

TICK_MS = 10


def sandboxes(customers: int) -> RunningSandboxes:
    """SAP with the customers, a tiny Tagrain (the template's bootstrap reads its stores)."""
    scale = SandboxScale(
        customers=customers, items=10, tagrain_customers=2, sales=1, refunds=1, expenses=1
    )
    return start_sandboxes(SandboxOptions(scale=scale))


def serve(customers: int, pipe: Connection) -> None:
    """Child process: seed and serve the sandboxes until the parent says stop."""
    running = sandboxes(customers)
    pipe.send((running.sap_url, running.tagrain_url))
    pipe.recv()
    running.stop()


class StallMeter:
    """The longest gap between ticks of a 10 ms timer: how long the GUI stood still."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> None:
        """Reset and start measuring."""
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def settle(self, seconds: float = 0.05) -> float:
        """Let the event loop run a moment; the longest gap so far in ms."""
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        return self.longest * 1000


def quiet(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's messages on stderr, without the offscreen platform's noise."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def mark(database: Database, template_id: int, customers: int) -> int:
    """A tenth marked for the template, a twentieth for a second one; the second's id."""
    with database.session() as session:
        other = Template(name="Second Store")
        session.add(other)
        session.flush()
        other_id = other.id
        rows = [
            {"kind": CUSTOMER, "sap_key": f"C{n:06d}", "template_id": template_id}
            for n in range(1, customers + 1, 10)
        ]
        rows += [
            {"kind": CUSTOMER, "sap_key": f"C{n:06d}", "template_id": other_id}
            for n in range(5, customers + 1, 20)
        ]
        session.execute(insert(SyncMark), rows)
    return other_id


def timed(meter: StallMeter, action: Callable[[], object]) -> tuple[float, float]:
    """Milliseconds the action took (painting included) and the longest stall around it."""
    meter.start()
    started = time.perf_counter()
    action()
    QApplication.processEvents()
    took = (time.perf_counter() - started) * 1000
    return took, meter.settle()


def main() -> None:
    """Run the bench and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    parser.add_argument("--trace", action="store_true", help="print what ran in the worst stalls")
    args = parser.parse_args()
    report: dict[str, object] = {"customers": args.customers}

    started = time.perf_counter()
    child = None
    running = None
    if args.in_process:
        running = sandboxes(args.customers)
        sap_url, tagrain_url = running.sap_url, running.tagrain_url
    else:
        ours, theirs = multiprocessing.Pipe()
        child = multiprocessing.get_context("spawn").Process(
            target=serve, args=(args.customers, theirs), daemon=True
        )
        child.start()
        sap_url, tagrain_url = ours.recv()
    seeded = time.perf_counter() - started
    print(f"SL sandbox with {args.customers:,} customers ready in {seeded:.1f} s")

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_style(app)
    gc_guard.install(app)  # as the client does: collections on the GUI thread only
    with tempfile.TemporaryDirectory() as folder:
        os.environ["INTEGRATION_HUB_HOME"] = folder
        database = open_database(f"sqlite:///{Path(folder) / 'store.sqlite3'}")
        template_id = ensure_sandbox_template(database, sap_url, tagrain_url)
        with database.session() as session:
            session.query(SyncMark).delete()
        mark(database, template_id, args.customers)
        context = FormContext(database, StatusMessenger(), Services(), StoreEvents())
        started = time.perf_counter()
        raw = sum(len(p) for p in marking.read_rows(database, Criteria(CUSTOMER, template_id)))
        raw_took = time.perf_counter() - started
        print(f"core read without the GUI (marking.read_rows): {raw:,} rows in {raw_took:.2f} s")
        report["core_read_seconds"] = raw_took
        meter = StallMeter()
        meter.start()
        tracer = StallTracer().start() if args.trace else None
        if tracer:
            tracer.label = "load"

        started = time.perf_counter()
        form = MarkingMatrixForm(context, Criteria(CUSTOMER, template_id), "Sandbox")
        form.resize(form.sizeHint())
        form.show()
        loop = QEventLoop()
        form.loaded.connect(loop.quit)
        loop.exec()
        load = time.perf_counter() - started
        load_stall = meter.settle()
        model = form.model
        assert model.total() >= args.customers, model.total()
        print(f"load: {model.total():,} rows in {load:.2f} s")
        print(f"      longest event-loop stall while loading: {load_stall:.0f} ms")
        print(f"      ticked on open: {model.ticked_count:,}; {form.footer.text()}")
        report.update(rows=model.total(), load_seconds=load, load_stall_ms=load_stall)
        stalls = {"load": load_stall}

        grid = form.grid
        figures = {
            "sort by BP Name": lambda: grid.sortByColumn(3, Qt.SortOrder.AscendingOrder),
            "sort by Customer Code desc": lambda: grid.sortByColumn(
                2, Qt.SortOrder.DescendingOrder
            ),
            "sort by Template": lambda: grid.sortByColumn(5, Qt.SortOrder.AscendingOrder),
            "scroll to the end": grid.scrollToBottom,
            "filter 'C0999' ": lambda: (form.filter_box.setText("C0999"), form.apply_filter()),
            "filter 'second store'": lambda: (
                form.filter_box.setText("second store"),
                form.apply_filter(),
            ),
            "clear filter": lambda: (form.filter_box.setText(""), form.apply_filter()),
            "Select All (ask to move: yes)": lambda: model.set_all(True),
        }
        model.tick_guard = lambda rows: {row.code for row in rows}
        for name, action in figures.items():
            if tracer:
                tracer.label = name
            took, stall = timed(meter, action)
            print(f"{name:<30} {took:8.0f} ms   longest stall {stall:6.0f} ms")
            stalls[name.strip()] = stall
        if tracer:
            tracer.label = "save"
        meter.start()
        started = time.perf_counter()
        saving = QEventLoop()
        form.saved.connect(lambda _ok: saving.quit())
        form.press_mode_button()
        saving.exec()
        took = (time.perf_counter() - started) * 1000
        stall = meter.settle()
        saved = f"save {model.ticked_count:,} marks (worker)"
        print(f"{saved:<30} {took:8.0f} ms   longest stall {stall:6.0f} ms")
        stalls["save"] = stall
        worst = max(stalls, key=lambda k: stalls[k])
        report.update(longest_stall_ms=stalls[worst], longest_stall_during=worst)
        report["stalls_ms"] = {
            "load": stalls["load"],
            "sort": max(v for k, v in stalls.items() if k.startswith("sort")),
            "scroll": stalls["scroll to the end"],
            "filter": max(v for k, v in stalls.items() if "filter" in k),
            "select all": stalls["Select All (ask to move: yes)"],
            "save": stalls["save"],
        }
        print(f"      {context.messenger.last[1] if context.messenger.last else ''}")
        if tracer:
            tracer.stop()
            print(tracer.report(worst=8))
        form.set_dirty(False)
        form.close()
        database.dispose()
    if child is not None:
        ours.send("stop")
        child.join(10)
    if running is not None:
        running.stop()
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
