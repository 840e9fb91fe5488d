"""Following edits made on another desktop: poll the store's change stamps, tell the forms.

``ChangeWatcher`` reads ``app.store.changes.read_stamps`` on a worker thread
every two seconds. When a scope's revision moved and not every new revision
was committed by this client (its own forms already show its own edits), it
emits ``changed(scope, by)`` with the writer (``machine:pid``). The first
read only takes the baseline. A failed read (the database is unreachable for
a moment) is logged once and retried at the next tick.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from app.store import Database, changes
from app.store.changes import Stamp
from app.ui.background import BackgroundCall

POLL_MS = 2_000

log = logging.getLogger(__name__)


class ChangeWatcher(QObject):
    """Emits ``changed(scope, by)`` when another process changed marks, schedules or templates."""

    changed = Signal(str, str)

    def __init__(
        self, database: Database, parent: QObject | None = None, *, interval_ms: int = POLL_MS
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.seen: dict[str, int] | None = None
        self.polling = False
        self.polls = 0
        self._failing = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Take the baseline now and poll on the timer."""
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        """Stop polling (a read in flight is dropped)."""
        self.timer.stop()

    def poll(self) -> None:
        """Read the stamps on a worker unless a read is still in flight."""
        if self.polling:
            return
        self.polling = True
        database = self.database
        call = BackgroundCall(lambda: changes.read_stamps(database))
        call.finished.connect(self._read)
        call.failed.connect(self._failed)
        call.start()

    def _read(self, stamps: object) -> None:
        self.polling = False
        self.polls += 1
        self._failing = False
        if not isinstance(stamps, dict):
            return
        if self.seen is not None and not self.timer.isActive():
            return
        current = {scope: stamp.revision for scope, stamp in stamps.items()}
        if self.seen is None:
            self.seen = current
            return
        for scope, stamp in stamps.items():
            if isinstance(stamp, Stamp) and self._foreign(scope, stamp.revision):
                self.changed.emit(scope, stamp.changed_by or "")
        self.seen = current

    def _foreign(self, scope: str, revision: int) -> bool:
        assert self.seen is not None
        before = self.seen.get(scope, 0)
        if revision == before:
            return False
        if revision < before:
            return True
        return not changes.only_ours(self.database, scope, before, revision)

    def _failed(self, message: str) -> None:
        self.polling = False
        if not self._failing:
            log.warning("cannot read the change stamps (retrying): %s", message)
        self._failing = True
