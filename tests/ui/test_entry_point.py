"""app.ui.main.run: opens the store, shows the window, returns the exit code."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

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
