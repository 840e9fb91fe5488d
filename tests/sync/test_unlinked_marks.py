"""Which marked records an incremental run reads as "not linked yet", and marks by key.

Store-only: the marks, links and runs are written as the marking windows, the
binder and the runner write them, and the questions are asked as the jobs ask.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.store import Database, Link, Run, SyncMark, Template
from app.sync.jobs.unlinked import MARK_MARGIN, marked_among, unlinked_marks

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def template_id(database: Database) -> int:
    with database.session() as session:
        template = Template(name="Store")
        session.add(template)
        session.flush()
        return template.id


def mark(
    database: Database, template_id: int, key: str, at: datetime, kind: str = "customer"
) -> None:
    with database.session() as session:
        session.add(SyncMark(kind=kind, sap_key=key, template_id=template_id, marked_at=at))


def link(database: Database, template_id: int, key: str) -> None:
    with database.session() as session:
        session.add(
            Link(template_id=template_id, object="customers", tagrain_id=f"tg-{key}", sap_key=key)
        )


def run(
    database: Database,
    template_id: int,
    started: datetime,
    status: str = "succeeded",
    trigger: str = "schedule",
    dry_run: bool = False,
) -> None:
    with database.session() as session:
        session.add(
            Run(
                template_id=template_id,
                object="customers_up",
                trigger=trigger,
                dry_run=dry_run,
                started_at=started,
                finished_at=started + timedelta(minutes=1),
                status=status,
            )
        )


def unlinked(database: Database, template_id: int) -> list[str]:
    return unlinked_marks(database, template_id, "customer", "customers", "customers_up")


def test_before_the_first_complete_run_every_mark_without_a_link_is_read(
    database: Database, template_id: int
) -> None:
    for key in ("C1", "C2", "C3"):
        mark(database, template_id, key, NOW - timedelta(days=30))
    mark(database, template_id, "I1", NOW - timedelta(days=30), kind="item")
    link(database, template_id, "C2")
    run(database, template_id, NOW - timedelta(days=1), status="cancelled")
    run(database, template_id, NOW - timedelta(hours=5), dry_run=True)
    run(database, template_id, NOW - timedelta(hours=4), trigger="retry")
    assert unlinked(database, template_id) == ["C1", "C3"]


def test_after_a_complete_run_only_marks_made_since_then_are_looked_at(
    database: Database, template_id: int
) -> None:
    last_run = NOW - timedelta(hours=2)
    run(database, template_id, last_run)
    run(database, template_id, NOW - timedelta(minutes=10), status="cancelled")
    mark(database, template_id, "OLD", last_run - MARK_MARGIN - timedelta(minutes=1))
    mark(database, template_id, "SAVING", last_run - MARK_MARGIN + timedelta(minutes=1))
    mark(database, template_id, "NEW", NOW - timedelta(minutes=5))
    mark(database, template_id, "NEW-LINKED", NOW - timedelta(minutes=5))
    link(database, template_id, "NEW-LINKED")
    assert unlinked(database, template_id) == ["NEW", "SAVING"]


def test_marks_of_another_template_or_kind_are_not_ours(
    database: Database, template_id: int
) -> None:
    with database.session() as session:
        other = Template(name="Other")
        session.add(other)
        session.flush()
        other_id = other.id
    mark(database, template_id, "C1", NOW)
    mark(database, other_id, "C2", NOW)
    mark(database, template_id, "A1", NOW, kind="item")
    assert unlinked(database, template_id) == ["C1"]
    keys = [f"X{n}" for n in range(1200)] + ["C1", "C2", "A1"]
    assert marked_among(database, template_id, "customer", keys) == {"C1"}
    assert marked_among(database, template_id, "item", keys) == {"A1"}
