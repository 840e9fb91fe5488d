"""What every screenshot script under bench/ shares: the command line, a scratch home,
and waiting for the offscreen window to settle before it is grabbed into docs/screenshots/.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time as clock
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

Render = Callable[[QApplication, Path, str], None]
"""Renders a script's windows: (application, output folder, scratch home folder)."""


def settle(app: QApplication, rounds: int = 5) -> None:
    """Let queued events (layouts, paints, worker signals) run."""
    for _ in range(rounds):
        app.processEvents()


def until(app: QApplication, done: Callable[[], object], timeout: float = 120.0) -> None:
    """Process events until ``done()`` is true or ``timeout`` seconds have passed."""
    deadline = clock.monotonic() + timeout
    while not done() and clock.monotonic() < deadline:
        app.processEvents()
        clock.sleep(0.005)


def save(widget: QWidget, out: Path, name: str, app: QApplication) -> None:
    """Grab the widget into ``out/name.png`` and print the path."""
    settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def run_shots(description: str, prefix: str, render: Render, argv: list[str] | None) -> int:
    """Parse ``--out``, point the app at a scratch home, create the application, render."""
    from app.ui.main import create_application

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.TemporaryDirectory(prefix=prefix)
    os.environ["INTEGRATION_HUB_HOME"] = scratch.name
    app = create_application([])
    render(app, args.out, scratch.name)
    return 0
