"""Startup time of the desktop client: process start to a shown, usable main window.

Usage: uv run python bench/startup.py [--runs 5] [--json]

Each run starts a fresh Python process (offscreen Qt, a throw-away store in a
temporary INTEGRATION_HUB_HOME) that goes through ``app.ui.main.run``. One
unmeasured warm-up start first writes the bytecode cache, as an installed
client has it (PYTHONDONTWRITEBYTECODE is dropped for the children); the
child reports when the main window is exposed and the event loop is idle.
The figure is the wall time from spawning the process to that report. For
comparison, the same is measured for a bare PySide6 window (import Qt, show an
empty QMainWindow): the floor no Qt client of ours can start below. ``--json``
ends the output with one JSON line of the figures (for bench/run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.ui.main import create_application, run
from app.ui.main_window import MainWindow

app = create_application([])

def ready() -> None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    handle = windows[0].windowHandle() if windows else None
    if handle is None or not handle.isExposed():
        QTimer.singleShot(5, ready)
        return
    print("READY", flush=True)
    windows[0].close()

QTimer.singleShot(0, ready)
sys.exit(run(sys.argv[1]))
"""
BARE = r"""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([])
window = QMainWindow()
window.resize(1024, 768)
window.show()

def ready() -> None:
    handle = window.windowHandle()
    if handle is None or not handle.isExposed():
        QTimer.singleShot(5, ready)
        return
    print("READY", flush=True)
    app.quit()

QTimer.singleShot(0, ready)
app.exec()
"""


def one_run(home: Path, code: str = CHILD) -> float:
    """Seconds from spawning a client process (``code``) to its "READY" line."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INTEGRATION_HUB_HOME=str(home))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    # An installed client runs from compiled bytecode (the bundle ships it); a
    # shell with PYTHONDONTWRITEBYTECODE would make every start compile every module.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    url = f"sqlite:///{home / 'store.sqlite3'}"
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"the client exited with {child.wait()} before showing its window")
    child.wait(timeout=30)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ih-startup-") as folder:
        home = Path(folder)
        warm = home / "warm-up"
        warm.mkdir()
        one_run(warm)
        one_run(warm, BARE)
        first = one_run(home)
        print(f"first start (creates and migrates the store): {first:.2f} s")
        times = [one_run(home) for _ in range(args.runs)]
        bare = [one_run(home, BARE) for _ in range(args.runs)]
    print(
        f"later starts over {args.runs} runs: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s"
    )
    print(f"a bare PySide6 window over {args.runs} runs: median {statistics.median(bare):.2f} s")
    if args.json:
        figures = {
            "runs": args.runs,
            "first": first,
            "median": statistics.median(times),
            "min": min(times),
            "max": max(times),
            "bare_median": statistics.median(bare),
        }
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
