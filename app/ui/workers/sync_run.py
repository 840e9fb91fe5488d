"""Sync Now and Retry on a worker thread, with progress, cancel and refusal.

``SyncRunner`` runs one piece of sync work at a time on the global
QThreadPool. The work gets a progress callback (called from the worker
thread, throttled to a few updates a second and delivered through a queued
signal) and a ``CancelToken``. A run that finds the object held elsewhere
is *refused* naming the machine and process that hold it and since when,
never queued or run twice. The worker posts through the process's relay
(``app.ui.background``), never on a Qt object that can be destroyed, and the
task's callable and result are let go of on the GUI thread. While a task
runs, threads hand the GIL over every millisecond (``share_gil``) so the
GUI thread paints without waiting for the run's Python work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.store import Database
from app.sync.leases import LeaseHeld, current_holder
from app.sync.records import CancelToken, Progress, ProgressCallback
from app.ui.background import DONE, FAILED, Relay, relay, share_gil, unshare_gil
from app.ui.data.activity import refusal

PROGRESS_INTERVAL = 0.1
Work = Callable[[ProgressCallback, CancelToken], Any]


@dataclass(frozen=True)
class SyncTask:
    """What the user asked for: a label for the progress line and the objects it leases.

    ``steps``: the work runs several objects one after the other, and its progress
    message says which ("3 of 9: Customers"), shown beside the label.
    """

    label: str
    template_id: int
    lease_names: tuple[str, ...]
    work: Work
    steps: bool = False


def check_not_running(database: Database, template_id: int, names: tuple[str, ...]) -> None:
    """LeaseHeld naming the holder when any of these objects runs anywhere."""
    for name in names:
        lease = current_holder(database, template_id, name)
        if lease is not None:
            raise LeaseHeld(name, lease.holder, lease.acquired_at, lease.run_id)


PROGRESS, REFUSED = "progress", "refused"


class _Job(QRunnable):
    """Owned by the thread pool once started; posts through the relay (``app.ui.background``)."""

    def __init__(
        self, database: Database, task: SyncTask, cancel: CancelToken, hub: Relay, token: int
    ) -> None:
        super().__init__()
        self.database = database
        self.task: SyncTask | None = task
        self.cancel = cancel
        self.hub = hub
        self.token = token
        self._last = 0.0
        self._held: tuple[int, int, int, str] | None = None

    def _progress(self, state: Progress) -> None:
        total = -1 if state.total is None else state.total
        self._held = (state.done, total, state.failed, state.message)
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL or state.done == total:
            self._last = now
            self._flush()

    def _flush(self) -> None:
        if self._held is not None:
            self.hub.post(self.token, PROGRESS, [self._held])
            self._held = None

    def run(self) -> None:
        task, self.task = self.task, None
        assert task is not None
        try:
            check_not_running(self.database, task.template_id, task.lease_names)
            box, kind = [task.work(self._progress, self.cancel)], DONE
            self._flush()
        except LeaseHeld as held:
            box, kind = [refusal(held)], REFUSED
        except Exception as exc:
            box, kind = [str(exc) or type(exc).__name__], FAILED
        del task
        self.hub.post(self.token, kind, box)


class SyncRunner(QObject):
    """Runs one SyncTask at a time; every signal arrives on the GUI thread."""

    started = Signal(str)
    progress = Signal(int, int, int, str)
    finished = Signal(object)
    refused = Signal(str)
    failed = Signal(str)
    idle = Signal()

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._task: SyncTask | None = None
        self._cancel: CancelToken | None = None
        self._token = 0

    @property
    def running(self) -> SyncTask | None:
        """The task in progress, if any."""
        return self._task

    def start(self, task: SyncTask) -> bool:
        """Start the task; False (and ``refused``) while another task of this client runs."""
        if self._task is not None:
            self.refused.emit(
                f"{self._task.label} is still running in this client; wait for it or cancel it"
            )
            return False
        self._task = task
        self._cancel = CancelToken()
        hub = relay()
        self._token = hub.register(self, self._posted)
        share_gil()
        self.started.emit(task.label)
        QThreadPool.globalInstance().start(
            _Job(self.database, task, self._cancel, hub, self._token)
        )
        return True

    def cancel(self) -> None:
        """Ask the running task to stop after the records in flight."""
        if self._cancel is not None:
            self._cancel.cancel()

    def wait(self, msecs: int = 30_000) -> bool:
        """Cancel and wait for the worker (used when the client closes)."""
        self.cancel()
        return QThreadPool.globalInstance().waitForDone(msecs)

    def _posted(self, kind: str, value: object) -> None:
        if kind == PROGRESS:
            assert isinstance(value, tuple)
            self.progress.emit(*value)
            return
        relay().release(self._token)
        unshare_gil()
        self._task = None
        self._cancel = None
        self.idle.emit()
        if kind == DONE:
            self.finished.emit(value)
        elif kind == REFUSED:
            self.refused.emit(str(value))
        else:
            self.failed.emit(str(value))
