"""Writes what a run did to the store: the run row, each record's outcome, links, retries.

Only the runner's own thread writes through the recorder, so the store sees
one writer per run however many Service Layer sessions post in parallel.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime

from sqlalchemy import delete, select

from app.store import Database, Link, PendingRetry, RecordLog, Run, Watermark
from app.sync.records import Action, Outcome

MESSAGE_LIMIT = 4000


class RunRecorder:
    """The store side of one run."""

    def __init__(
        self,
        database: Database,
        template_id: int,
        object_name: str,
        *,
        trigger: str,
        full: bool = False,
        dry_run: bool = False,
    ) -> None:
        self.database = database
        self.template_id = template_id
        self.object_name = object_name
        self.counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        self.total = 0
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

    def record(self, source_id: str, outcome: Outcome) -> None:
        """Log one record's outcome; remember or forget its retry; write its link."""
        self.total += 1
        if outcome.action is Action.FAILED:
            self.counts["failed"] += 1
        elif outcome.action in (Action.CREATED, Action.LINKED):
            self.counts["created"] += 1
        elif outcome.action in (Action.UPDATED, Action.CANCELLED):
            self.counts["updated"] += 1
        else:
            self.counts["skipped"] += 1
        message = outcome.message[:MESSAGE_LIMIT] if outcome.message else None
        now = datetime.now(UTC)
        with self.database.session() as session:
            session.add(
                RecordLog(
                    run_id=self.run_id,
                    object=self.object_name,
                    source_id=source_id,
                    target_key=outcome.target_key,
                    action=outcome.action.value,
                    status="failed" if outcome.failed else "ok",
                    message=message,
                    at=now,
                )
            )
            retry = session.scalars(
                select(PendingRetry).where(
                    PendingRetry.template_id == self.template_id,
                    PendingRetry.object == self.object_name,
                    PendingRetry.source_id == source_id,
                )
            ).first()
            if outcome.failed:
                if retry is None:
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
                else:
                    retry.attempts += 1
                    retry.last_error = message
                    retry.last_failed_at = now
            elif retry is not None:
                session.delete(retry)
            if outcome.link is not None:
                self._write_link(session, outcome)

    def _write_link(self, session: object, outcome: Outcome) -> None:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session) and outcome.link is not None
        link_data = outcome.link
        link = session.scalars(
            select(Link).where(
                Link.template_id == self.template_id,
                Link.object == self.object_name,
                Link.tagrain_id == link_data.tagrain_id,
            )
        ).first()
        if link is None:
            link = Link(
                template_id=self.template_id,
                object=self.object_name,
                tagrain_id=link_data.tagrain_id,
                sap_key=link_data.sap_key,
            )
            session.add(link)
        link.sap_key = link_data.sap_key
        link.sap_secondary_key = link_data.sap_secondary_key or link.sap_secondary_key
        link.sap_doc_num = link_data.sap_doc_num or link.sap_doc_num
        link.fingerprint = link_data.fingerprint
        link.synced_at = datetime.now(UTC)

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
        """Close the run with its counts."""
        with self.database.session() as session:
            run = session.get_one(Run, self.run_id)
            run.status = status
            run.finished_at = datetime.now(UTC)
            run.total = self.total
            run.created = self.counts["created"]
            run.updated = self.counts["updated"]
            run.skipped = self.counts["skipped"]
            run.failed = self.counts["failed"]
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
