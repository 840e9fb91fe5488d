"""app.ui.main.run: opens the store, shows the window, returns the exit code."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.store import Database
from app.ui.context import Services
from app.ui.main import run
from app.ui.main_window import MainWindow
from tests.ui.conftest import Modals


def _close_when_shown(seen: list[MainWindow]) -> None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    shown = [w for w in windows if w.isVisible()]
    if not shown:
        QTimer.singleShot(10, lambda: _close_when_shown(seen))
        return
    seen.extend(shown)
    for window in shown:
        window.close()


def test_run_shows_the_main_window_and_returns_zero(tmp_path: Path) -> None:
    seen: list[MainWindow] = []
    QTimer.singleShot(0, lambda: _close_when_shown(seen))
    assert run(f"sqlite:///{tmp_path / 'client.sqlite3'}") == 0
    assert len(seen) == 1
    assert seen[0].windowTitle().endswith("Integration Hub for Tagrain")
    assert (tmp_path / "client.sqlite3").exists()
    seen[0].deleteLater()


def test_run_reports_a_store_that_cannot_be_opened(modals: Modals) -> None:
    assert run("nosuchdb://nowhere") == 1
    assert modals.shown and "unsupported database URL" in modals.shown[0]


def test_the_window_shows_before_the_store_opens_and_a_form_asked_for_opens_after(
    tmp_path: Path,
) -> None:
    """Menus and the status bar are there at once; the store and services come behind them."""
    release = threading.Event()
    seen: dict[str, object] = {}

    def prepare(database: Database) -> tuple[Services, Callable[[], None]]:
        seen["store opened"] = database is not None
        release.wait(30)
        return Services(), lambda: seen.setdefault("stopped", True)

    def while_opening() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        handle = windows[0].windowHandle() if windows else None
        if handle is None or not handle.isExposed() or "store opened" not in seen:
            QTimer.singleShot(10, while_opening)
            return
        window = windows[0]
        seen["ready while opening"] = window.ready
        seen["status while opening"] = window.status_line.text()
        window.getting_started_action.trigger()  # Help → Getting Started, before the store is open
        seen["asked"] = window.status_line.text()
        seen["opened while opening"] = window.open_forms()
        release.set()
        until_ready(window)

    def until_ready(window: MainWindow) -> None:
        if not window.ready:
            QTimer.singleShot(10, lambda: until_ready(window))
            return
        seen["opened when ready"] = window.open_forms()
        window.close()
        window.deleteLater()

    QTimer.singleShot(0, while_opening)
    assert run(f"sqlite:///{tmp_path / 'client.sqlite3'}", prepare=prepare) == 0

    assert seen["ready while opening"] is False
    assert "Opening the store and starting the sync services" in str(seen["status while opening"])
    assert "Getting Started opens when it is ready" in str(seen["asked"])
    assert seen["opened while opening"] == []
    assert "getting_started" in list(seen["opened when ready"])  # type: ignore[call-overload]
    assert seen["stopped"] is True, "the services were stopped when the client closed"
