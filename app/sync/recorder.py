"""Writes what a run did to the store: the run row, each record's outcome, links, retries.

Only the runner's own thread writes through the recorder, so the store sees
one writer per run however many Service Layer sessions post in parallel. A
record's log row, its retry entry and every link it bound are one
transaction, written in small groups (one commit per record cost more than
posting it). A preview run keeps its run and log rows (what would have been
written, record by record) and nothing else: no link, no retry.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.store import Database, PendingRetry, RecordLog, Run, Template, Watermark
from app.sync.binder import Binder, Binding, RecordWork
from app.sync.records import Action, Outcome

MESSAGE_LIMIT = 4000
GROUP_RECORDS = 50
GROUP_SECONDS = 0.2
"""Records are written in groups of at most 50, none held longer than 0.2 s (the monitor
reads twice a second). A crash loses at most a group's log rows, never a posting: the
watermark only moves over written records, and the re-read links what was posted."""


class RunRecorder:
    """The store side of one run."""

    def __init__(
        self,
        database: Database,
        template_id: int,
        object_name: str,
        binder: Binder | None = None,
        *,
        trigger: str,
        full: bool = False,
        dry_run: bool = False,
    ) -> None:
        """Open the run's row; without ``binder``, links go through one of the template's own."""
        self.database = database
        self.template_id = template_id
        self.object_name = object_name
        self.preview = dry_run
        if binder is None:
            with database.session() as session:
                company = session.get_one(Template, template_id).sap_company_db
            binder = Binder(database, template_id, company, preview=dry_run)
        self.binder = binder
        self.counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "waiting": 0}
        self.total = 0
        self._log_rows: list[dict[str, object]] = []
        self._retries: list[tuple[str, bool, str | None, datetime]] = []
        self._bindings: list[Binding] = []
        self._first_held: float | None = None
        self._pending: set[str] | None = None
        with database.session() as session:
            run = Run(
                template_id=template_id,
                object=object_name,
                trigger=trigger,
                full=full,
                dry_run=dry_run,
                host=socket.gethostname(),
                pid=os.getpid(),
            )
            session.add(run)
            session.flush()
            self.run_id = run.id

    def record(self, source_id: str, outcome: Outcome, work: RecordWork | None = None) -> None:
        """Log one record's outcome; remember or forget its retry; write what it bound.

        Records are written in groups (``GROUP_RECORDS`` or ``GROUP_SECONDS``,
        whichever comes first; ``flush`` writes at once): a record's log row,
        retry entry and links always land in the same transaction. Until then
        its links are held by the binder, so every look-up of the run sees them.
        """
        self.total += 1
        if outcome.action is Action.FAILED:
            self.counts["failed"] += 1
        elif outcome.action is Action.WAITING:
            self.counts["waiting"] += 1
        elif outcome.action in (Action.CREATED, Action.LINKED):
            self.counts["created"] += 1
        elif outcome.action in (Action.UPDATED, Action.CANCELLED):
            self.counts["updated"] += 1
        else:
            self.counts["skipped"] += 1
        bindings = list(work.bindings) if work is not None else []
        if outcome.link is not None:
            link = outcome.link
            bindings.append(
                self.binder.bind(
                    self.object_name,
                    link.tagrain_id,
                    link.sap_key,
                    sap_secondary_key=link.sap_secondary_key,
                    sap_doc_num=link.sap_doc_num,
                    fingerprint=link.fingerprint,
                )
            )
        text = outcome.message
        if self.preview and work is not None and work.previews:
            would = "; ".join(row.describe() for row in work.previews)
            text = f"{would} — {text}" if text else would
        message = text[:MESSAGE_LIMIT] if text else None
        now = datetime.now(UTC)
        status = "failed" if outcome.failed else "waiting" if outcome.waiting else "ok"
        rows = self._log_rows
        for dependency in work.dependencies if work is not None else ():
            note = dependency.outcome.message
            rows.append(
                {
                    "run_id": self.run_id,
                    "object": dependency.object,
                    "source_id": dependency.source_id,
                    "target_key": dependency.outcome.target_key,
                    "action": dependency.outcome.action.value,
                    "status": "ok",
                    "message": (
                        f"for {self.object_name} {source_id}" + (f": {note}" if note else "")
                    )[:MESSAGE_LIMIT],
                    "at": now,
                }
            )
        rows.append(
            {
                "run_id": self.run_id,
                "object": self.object_name,
                "source_id": source_id,
                "target_key": outcome.target_key,
                "action": outcome.action.value,
                "status": status,
                "message": message,
                "at": now,
            }
        )
        if not self.preview:
            self._retries.append((source_id, outcome.retried, message, now))
            self._bindings.extend(bindings)
        if self._first_held is None:
            self._first_held = time.monotonic()
        if len(rows) >= GROUP_RECORDS or self.due_in() == 0:
            self.flush()

    def due_in(self) -> float | None:
        """Seconds until the records held must be written (None: nothing is held)."""
        if self._first_held is None:
            return None
        return max(0.0, self._first_held + GROUP_SECONDS - time.monotonic())

    def flush(self) -> None:
        """Write every record held, in one transaction; then the binder forgets their links."""
        if self._first_held is None:
            return
        rows, retries, bindings = self._log_rows, self._retries, self._bindings
        with self.database.session() as session:
            session.execute(insert(RecordLog), rows)
            if not self.preview:
                self._queue(session, retries)
                self.binder.write(session, bindings)
        self._log_rows, self._retries, self._bindings = [], [], []
        self._first_held = None
        self.binder.written(bindings)

    def _retry_ids(self, session: Session) -> set[str]:
        """The ids of this object's records in the retry queue (read once per run).

        The run holds the object's lease, so only this recorder changes them.
        """
        if self._pending is None:
            self._pending = set(
                session.scalars(
                    select(PendingRetry.source_id).where(
                        PendingRetry.template_id == self.template_id,
                        PendingRetry.object == self.object_name,
                    )
                )
            )
        return self._pending

    def _queue(
        self, session: Session, retries: list[tuple[str, bool, str | None, datetime]]
    ) -> None:
        """Keep failed or waiting records in the retry queue; drop those that went through."""
        pending = self._retry_ids(session)
        this_object = (
            PendingRetry.template_id == self.template_id,
            PendingRetry.object == self.object_name,
        )
        for source_id, retried, message, now in retries:
            if retried and source_id not in pending:
                session.add(
                    PendingRetry(
                        template_id=self.template_id,
                        object=self.object_name,
                        source_id=source_id,
                        last_error=message,
                        first_failed_at=now,
                        last_failed_at=now,
                    )
                )
                session.flush()
                pending.add(source_id)
            elif retried:
                session.execute(
                    update(PendingRetry)
                    .where(*this_object, PendingRetry.source_id == source_id)
                    .values(
                        attempts=PendingRetry.attempts + 1,
                        last_error=message,
                        last_failed_at=now,
                    )
                )
            elif source_id in pending:
                session.execute(
                    delete(PendingRetry).where(*this_object, PendingRetry.source_id == source_id)
                )
                pending.discard(source_id)

    def pending_retries(self) -> list[str]:
        """Source ids of this object's records waiting for a retry, oldest first."""
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(PendingRetry.source_id)
                    .where(
                        PendingRetry.template_id == self.template_id,
                        PendingRetry.object == self.object_name,
                    )
                    .order_by(PendingRetry.first_failed_at, PendingRetry.id)
                )
            )

    def finish(self, status: str, message: str | None = None) -> None:
        """Write the records still held and close the run with its counts."""
        self.flush()
        with self.database.session() as session:
            run = session.get_one(Run, self.run_id)
            run.status = status
            run.finished_at = datetime.now(UTC)
            run.total = self.total
            run.created = self.counts["created"]
            run.updated = self.counts["updated"]
            run.skipped = self.counts["skipped"]
            run.failed = self.counts["failed"]
            run.waiting = self.counts["waiting"]
            run.message = message[:MESSAGE_LIMIT] if message else None


def read_watermark(
    database: Database, template_id: int, object_name: str, direction: str
) -> datetime | None:
    """How far the incremental read has safely come (None: never ran)."""
    with database.session() as session:
        mark = session.get(Watermark, (template_id, object_name, direction))
        return mark.value if mark else None


def write_watermark(
    database: Database, template_id: int, object_name: str, direction: str, value: datetime
) -> None:
    """Advance the watermark (never moves it backwards)."""
    with database.session() as session:
        mark = session.get(Watermark, (template_id, object_name, direction))
        if mark is None:
            session.add(
                Watermark(
                    template_id=template_id, object=object_name, direction=direction, value=value
                )
            )
        elif value > mark.value:
            mark.value = value


def reset_watermark(database: Database, template_id: int, object_name: str, direction: str) -> None:
    """Forget the watermark, so that the next incremental run reads everything."""
    with database.session() as session:
        session.execute(
            delete(Watermark).where(
                Watermark.template_id == template_id,
                Watermark.object == object_name,
                Watermark.direction == direction,
            )
        )
