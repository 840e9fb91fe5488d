"""Test connection: the checker protocol the sync core implements, and its worker.

The UI defines the tiny contract; the sync core provides callables that take
a template id and return a ``ConnectionReport``. They run on the global
QThreadPool so that a slow server never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal


@dataclass(frozen=True)
class ConnectionReport:
    """The outcome of one connection test, worded for the user."""

    ok: bool
    message: str


ConnectionChecker = Callable[[int], ConnectionReport]
"""Tests one side of a template's connection with its stored settings and secrets."""


class _Signals(QObject):
    finished = Signal(object)


class ConnectionTestTask(QRunnable):
    """Runs a checker on a worker thread; ``signals.finished`` carries the ConnectionReport.

    An exception from the checker becomes a failed report carrying its text,
    so the form always hears back exactly once.
    """

    def __init__(self, checker: ConnectionChecker, template_id: int) -> None:
        super().__init__()
        self.checker = checker
        self.template_id = template_id
        self.signals = _Signals()

    def run(self) -> None:
        try:
            report = self.checker(self.template_id)
        except Exception as exc:
            report = ConnectionReport(False, f"Connection test failed: {exc}")
        self.signals.finished.emit(report)
