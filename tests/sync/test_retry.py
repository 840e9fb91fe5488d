"""Retrying chosen failed records: only those are applied, and fixed ones leave the queue."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.store import Database, PendingRetry, Run, TenderMapping
from app.sync import leases
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS


def _drop_card(database: Database, template_id: int) -> None:
    with database.session() as session:
        session.execute(
            delete(TenderMapping).where(
                TenderMapping.template_id == template_id, TenderMapping.tender_type == "card"
            )
        )


def _add_card(database: Database, template_id: int) -> None:
    with database.session() as session:
        session.add(
            TenderMapping(
                template_id=template_id,
                tender_type="card",
                payment_means="credit_card",
                credit_card_code=1,
            )
        )


def _waiting(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(PendingRetry.source_id).order_by(PendingRetry.id)))


def test_retry_applies_only_the_chosen_records(database: Database, template_id: int) -> None:
    _drop_card(database, template_id)
    Engine(database, OBJECTS).run("sales", template_id, trigger="schedule")
    failed = _waiting(database)
    assert len(failed) >= 2
    _add_card(database, template_id)

    result = Engine(database, OBJECTS).retry("sales", template_id, failed[:1])

    assert (result.total, result.failed) == (1, 0)
    assert _waiting(database) == failed[1:]
    with database.session() as session:
        run = session.get_one(Run, result.run_id)
        assert (run.trigger, run.status, run.total) == ("retry", "succeeded", 1)


def test_retry_refuses_while_the_job_runs_elsewhere(database: Database, template_id: int) -> None:
    leases.acquire(database, template_id, "sales", holder="OTHER-PC:4242")
    with pytest.raises(leases.LeaseHeld, match="OTHER-PC:4242"):
        Engine(database, OBJECTS).retry("sales", template_id, ["x"])


def test_unknown_job_name_is_a_clear_error(database: Database) -> None:
    engine = Engine(database, OBJECTS)
    assert engine.job_factory("customers_up").object_name == "customers_up"  # type: ignore[attr-defined]
    with pytest.raises(LookupError, match="nothing"):
        engine.job_factory("nothing")
