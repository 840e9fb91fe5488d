"""Garbage collection on the GUI thread only.

Python's automatic collector runs in whichever thread happens to allocate,
so a worker thread could end up destroying Qt objects that belong to the GUI
thread, which crashes Qt. The client therefore turns automatic collection off
and collects from a timer on the GUI thread instead (qutebrowser does the
same), which also keeps long collections out of the workers.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Runs ``gc.collect`` on the GUI thread, a generation at a time, as thresholds say."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return


_collector: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Move garbage collection to the GUI thread for the life of ``app`` (idempotent)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector
