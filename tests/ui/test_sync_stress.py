"""Sync Now pressed again and again with every live form open: no Qt object dies on a worker.

Issue 21: the client crashed with SIGSEGV during a long Sync Now. Each
background read's carrier QObject was destroyed on the pool thread that had
emitted on it, while the GUI thread was destroying the call that carrier had
signalled. Such a crash comes once in many runs, so this test checks the
misuse itself, which is certain: it watches every QObject of the client's
own classes and fails if one is destroyed on any thread but the GUI thread.

To make every window of the race likely, the Sync Monitor, Synchronization
Settings and the change watcher poll every few milliseconds, so reads on
workers overlap the runs, and each run collects garbage on the sync worker
first, as Python's automatic collector does in whatever thread allocates.
Both forms are closed and opened again every few presses, so what a closed
form leaves to the collector meets that worker too (their table models
used to be reference cycles without a Qt parent, freed on the worker).
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from app.sandbox.launcher import RunningSandboxes
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.runner import RunResult
from app.ui.background import BackgroundCall
from app.ui.context import Services
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.main_window import MainWindow
from tests.sync.conftest import sandboxes, template_id
from tests.ui.helpers import close_form, open_from_tree
from tests.ui.sync_support import center_of

__all__ = ["sandboxes", "template_id"]

PRESSES = 25
REOPEN_EVERY = 5
POLL_MS = 5


class CollectingEngine(Engine):
    """The real engine, collecting garbage on the sync worker before each run."""

    def run(self, *args: Any, **kwargs: Any) -> list[RunResult]:
        """Collect on this (worker) thread, then run as usual."""
        gc.collect()
        return super().run(*args, **kwargs)


@pytest.fixture
def services() -> Services:
    """Sync Now runs the collecting engine."""
    return Services(engine_factory=lambda database: CollectingEngine(database, OBJECTS))


@dataclass
class Deaths:
    """Which of the client's QObjects were destroyed, and which of them off the GUI thread."""

    seen: int = 0
    off_gui_thread: list[str] = field(default_factory=list)


def _client_classes() -> list[type[QObject]]:
    found: list[type[QObject]] = []
    todo = list(QObject.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("app.") and cls not in found:
            found.append(cls)
    return found


@pytest.fixture
def deaths(monkeypatch: pytest.MonkeyPatch) -> Iterator[Deaths]:
    """Every QObject of a client class made during the test reports the thread it dies on."""
    record = Deaths()
    gui = threading.main_thread()

    def watch(cls: type[QObject]) -> None:
        original = cls.__init__

        def init(self: QObject, *args: object, **kwargs: object) -> None:
            original(self, *args, **kwargs)
            if type(self) is not cls:
                return
            name = cls.__qualname__

            def died(*_args: object) -> None:
                record.seen += 1
                if threading.current_thread() is not gui:
                    record.off_gui_thread.append(name)

            self.destroyed.connect(died, Qt.ConnectionType.DirectConnection)

        monkeypatch.setattr(cls, "__init__", init)

    for cls in _client_classes():
        watch(cls)
    yield record


def _open_forms(qtbot: QtBot, window: MainWindow) -> tuple[SyncSettingsForm, SyncMonitorForm]:
    """Synchronization Settings, then the Sync Monitor on sales; both poll every few ms."""
    settings = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(settings, SyncSettingsForm)
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    monitor.select_object("sales")
    assert monitor.sync_target() is not None
    for timer in (window.change_watcher.timer, monitor.activity_timer, settings.timer):
        timer.setInterval(POLL_MS)
    return settings, monitor


def test_sync_now_many_times_with_live_forms_destroys_qt_objects_on_the_gui_thread_only(
    qtbot: QtBot,
    deaths: Deaths,
    window: MainWindow,
    template_id: int,
    sandboxes: RunningSandboxes,
) -> None:
    center = center_of(window)
    settings, monitor = _open_forms(qtbot, window)
    polls = window.change_watcher.polls
    outcomes: list[object] = []
    center.runner.finished.connect(outcomes.append)

    for press in range(PRESSES):
        if press and press % REOPEN_EVERY == 0:
            with qtbot.waitSignal(monitor.activity_read, timeout=10_000):
                pass
            close_form(qtbot, window, "sync_monitor")
            close_form(qtbot, window, "sync_settings")
            settings, monitor = _open_forms(qtbot, window)
        with qtbot.waitSignal(center.runner.idle, timeout=30_000):
            window.sync_now_action.trigger()
    qtbot.waitUntil(lambda: not monitor.records_loading, timeout=10_000)

    assert len(outcomes) == PRESSES, window.messenger.last
    assert window.change_watcher.polls > polls, "the change watcher read while runs went on"
    for timer in (window.change_watcher.timer, monitor.activity_timer, settings.timer):
        timer.stop()
    qtbot.waitUntil(lambda: not BackgroundCall.running, timeout=10_000)
    gc.collect()
    assert deaths.seen > PRESSES, "the watch saw the client's objects die"
    off = Counter(deaths.off_gui_thread)
    assert not off, f"Qt objects destroyed off the GUI thread (class: count): {dict(off)}"
