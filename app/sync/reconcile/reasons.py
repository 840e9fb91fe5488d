"""Why a record is not in SAP, read from the local store.

A record that failed or waits has a pending retry with SAP's or the
mapping's last words; otherwise the newest row of the store's record log
about it says what happened; a record no run has met is "not in the log".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select

from app.store import Database, PendingRetry, RecordLog, Run

NOT_IN_LOG = "not in the log"
CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def reasons(
    database: Database, template_id: int, object_name: str, ids: Iterable[str]
) -> dict[str, str]:
    """Per record id, why it is not posted: the pending retry's error, else the log's last row."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, str] = {}
    with database.session() as session:
        for chunk in _chunks(wanted):
            for row in session.scalars(
                select(PendingRetry).where(
                    PendingRetry.template_id == template_id,
                    PendingRetry.object == object_name,
                    PendingRetry.source_id.in_(chunk),
                )
            ):
                tries = f"{row.attempts} attempt{'' if row.attempts == 1 else 's'}"
                found[row.source_id] = f"failing ({tries}): {row.last_error or 'no message'}"
            rest = [i for i in chunk if i not in found]
            if not rest:
                continue
            rows = session.execute(
                select(RecordLog.source_id, RecordLog.status, RecordLog.action, RecordLog.message)
                .join(Run, Run.id == RecordLog.run_id)
                .where(
                    Run.template_id == template_id,
                    Run.dry_run.is_(False),
                    RecordLog.object == object_name,
                    RecordLog.source_id.in_(rest),
                )
                .order_by(RecordLog.id)
            ).all()
            for source_id, status, action, message in rows:
                text = f"last logged {status} ({action})"
                found[source_id] = f"{text}: {message}" if message else text
    return {i: found.get(i, NOT_IN_LOG) for i in wanted}
