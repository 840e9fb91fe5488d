"""Garbage collection on the GUI thread only, in slices short enough not to stall it.

Python's automatic collector runs in whichever thread happens to allocate,
so a worker thread could end up destroying Qt objects that belong to the GUI
thread, which crashes Qt. The client therefore turns automatic collection off
and collects from a timer on the GUI thread instead (qutebrowser does the
same), which also keeps long collections out of the workers.

A full collection walks every tracked object: with a 100,000-row matrix or a
long sync run in memory that is 200–600 ms of frozen GUI. So after each
collection of the oldest generation the survivors are frozen
(``gc.freeze``): the next one walks only what became old since, a cost set by
how much was allocated in between, not by how much the client holds.
Frozen objects are still freed by reference counting; only garbage cycles
among them (a closed form whose widgets point at each other) wait for a
*sweep* — unfreeze, collect everything, freeze again — at most every ten
minutes and only while no worker is busy (no list read, save or sync run),
so a run's progress or a matrix being read never stands still for it.
What exists when the collector starts (imported modules) is frozen at once.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer

INTERVAL_MS = 100
SWEEP_SECONDS = 600.0


def workers_idle() -> bool:
    """Whether no worker of the global thread pool (loaders, saves, sync runs) is busy."""
    return QThreadPool.globalInstance().activeThreadCount() == 0


class GuiThreadCollector(QObject):
    """Runs ``gc.collect`` on the GUI thread, a generation at a time, as thresholds say."""

    def __init__(
        self, parent: QObject | None = None, idle: Callable[[], bool] = workers_idle
    ) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.idle = idle
        gc.disable()
        gc.freeze()
        self.swept_at = time.monotonic()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold; sweep when due."""
        counts = gc.get_count()
        if counts[2] > self.thresholds[2]:
            gc.collect(2)
            gc.freeze()
            if self.sweep_due() and self.idle():
                self.sweep()
            return
        for generation in (1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def sweep_due(self) -> bool:
        """Whether the last sweep is ten minutes old."""
        return time.monotonic() - self.swept_at > SWEEP_SECONDS

    def sweep(self) -> None:
        """Collect every object, the frozen ones too, then freeze the survivors again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.swept_at = time.monotonic()


_collector: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Move garbage collection to the GUI thread for the life of ``app`` (idempotent)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector
