"""Marks by key, and which marked SAP records still have no link, without reading every mark.

An incremental run of a job over marked SAP records (customers, items) reads
the records changed since its watermark plus the marked ones that have no
link yet. Loading every mark and every link of a company with 100,000
customers to subtract one set from the other costs a second a run; here the
store is asked only about what can have changed:

- ``marked_among``: which of a few keys (the changed records) are marked;
- ``unlinked_marks``: the marks made or moved since the last run of the job
  that read everything (less ``MARK_MARGIN``, for a save still committing
  when that run started and for another desktop's clock), without a link.
  A mark older than that was read by that run: it is linked, or it failed
  and waits in the job's retry queue (retried first on every run). The first
  run of a job (no such run yet) asks the store for every mark without a
  link, in one anti-join.

The index ``ix_sync_marks_template_kind_marked`` makes the mark look-ups seeks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import and_, exists, select

from app.store import Database, Link, Run, SyncMark
from app.sync.engine import RETRY_TRIGGER

MARK_MARGIN = timedelta(hours=1)
"""How far before the last complete run's start a mark is still looked at again."""
KEYS_PER_QUERY = 500
"""Keys per IN (...) when many are asked at once."""
COMPLETE = ("succeeded", "partial")
"""Statuses of a run that read all its records (failed ones wait in the retry queue)."""
T = TypeVar("T")


def batched(items: Iterable[T], size: int = KEYS_PER_QUERY) -> Iterator[list[T]]:
    """Items in lists of at most ``size``, read lazily."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def marked_among(database: Database, template_id: int, kind: str, keys: Iterable[str]) -> set[str]:
    """Which of these SAP keys are marked "Sync" for the template."""
    found: set[str] = set()
    with database.session() as session:
        for chunk in batched(dict.fromkeys(keys)):
            found.update(
                session.scalars(
                    select(SyncMark.sap_key).where(
                        SyncMark.template_id == template_id,
                        SyncMark.kind == kind,
                        SyncMark.sap_key.in_(chunk),
                    )
                )
            )
    return found


def last_complete_read(database: Database, template_id: int, job_name: str) -> datetime | None:
    """When the job's last run that read all its records started (None: never)."""
    with database.session() as session:
        started = session.scalars(
            select(Run.started_at)
            .where(
                Run.template_id == template_id,
                Run.object == job_name,
                Run.status.in_(COMPLETE),
                Run.dry_run.is_(False),
                Run.trigger != RETRY_TRIGGER,  # chosen or failed records only: no marks read
            )
            .order_by(Run.started_at.desc())
            .limit(1)
        ).first()
    return started


def unlinked_marks(
    database: Database, template_id: int, kind: str, links: str, job_name: str
) -> list[str]:
    """The SAP keys marked for the template with no link under ``links``, sorted.

    Only the marks made since the job's last complete read (less the margin)
    are looked at; all of them before its first.
    """
    since = last_complete_read(database, template_id, job_name)
    linked = exists().where(
        and_(
            Link.template_id == template_id,
            Link.object == links,
            Link.sap_key == SyncMark.sap_key,
        )
    )
    query = select(SyncMark.sap_key).where(
        SyncMark.template_id == template_id, SyncMark.kind == kind, ~linked
    )
    if since is not None:
        query = query.where(SyncMark.marked_at >= since - MARK_MARGIN)
    with database.session() as session:
        return sorted(session.scalars(query))
