"""A malformed Tagrain customer or product fails alone; the rest of the run goes on.

Like receipts, refunds and expenses (tests/hardening), master records that
break the contract in one field must not stop every customers or products run
at the same record: the record fails with the reason, waits for a retry, and
goes through once Tagrain serves it whole again.
"""

from __future__ import annotations

from sqlalchemy import select

from app.sandbox.launcher import RunningSandboxes
from app.store import Database, PendingRetry, RecordLog
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.runner import RunResult


def _failures(database: Database, run_id: int) -> list[tuple[str, str]]:
    with database.session() as session:
        rows = session.execute(
            select(RecordLog.source_id, RecordLog.message).where(
                RecordLog.run_id == run_id, RecordLog.status == "failed"
            )
        ).all()
    return [(source_id, message or "") for source_id, message in rows]


def _run(engine: Engine, template_id: int, object_name: str, direction: str) -> RunResult:
    """Run an object on schedule; the result of its run in one direction."""
    results = engine.run(object_name, template_id, trigger="schedule")
    return next(r for r in results if r.object_name == direction)


def _waiting(database: Database, object_name: str) -> set[str]:
    with database.session() as session:
        return set(
            session.scalars(
                select(PendingRetry.source_id).where(PendingRetry.object == object_name)
            )
        )


def test_a_malformed_customer_fails_alone_and_goes_through_later(
    database: Database, template_id: int, sandboxes: RunningSandboxes
) -> None:
    engine = Engine(database, OBJECTS)
    sandboxes.tagrain.serve_bad_answers("missing_field", path="/api/v1/customers")

    first = _run(engine, template_id, "customers", "customers")

    assert first.status == "partial" and first.failed == 1, first
    assert first.created > 0, "the other customers went on"
    [(bad_id, message)] = _failures(database, first.run_id)
    assert "field 'updated_at' is missing" in message
    assert _waiting(database, "customers") == {bad_id}

    second = _run(engine, template_id, "customers", "customers")
    assert second.failed == 0, second
    assert _waiting(database, "customers") == set()


def test_a_malformed_product_fails_alone(
    database: Database, template_id: int, sandboxes: RunningSandboxes
) -> None:
    engine = Engine(database, OBJECTS)
    sandboxes.tagrain.serve_bad_answers("no_offset", path="/api/v1/products")

    first = _run(engine, template_id, "products", "products_down")

    assert first.status == "partial" and first.failed == 1, first
    [(bad_id, message)] = _failures(database, first.run_id)
    assert "updated_at" in message
    second = _run(engine, template_id, "products", "products_down")
    assert second.failed == 0, second
    assert bad_id not in _waiting(database, "products_down")
