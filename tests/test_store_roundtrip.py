"""What the store keeps comes back as it was written, with the rules a user relies on."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from app.store import (
    Database,
    ExpenseMapping,
    Link,
    PendingRetry,
    RecordLog,
    Run,
    RunLease,
    Schedule,
    StoreMapping,
    SyncMark,
    SyncObject,
    Template,
    TenderMapping,
    Watermark,
    open_database,
)


@pytest.fixture
def database(any_database: Database) -> Database:
    """These round trips run on SQLite and on PostgreSQL."""
    return any_database


def _template(database: Database, name: str = "Main") -> int:
    with database.session() as session:
        template = Template(
            name=name,
            sap_url="https://sap.example.com:50000",
            sap_company_db="SBODEMOUS",
            sap_user="manager",
            tagrain_url="https://tagrain.example.com",
            default_cash_customer="C-WALKIN",
        )
        template.store_mappings.append(
            StoreMapping(store_id="st_1", store_code="NYC", warehouse_code="NY")
        )
        template.tender_mappings.append(
            TenderMapping(tender_type="card", payment_means="credit_card", credit_card_code=1)
        )
        template.expense_mappings.append(
            ExpenseMapping(category="postage", account_code="_SYS00000000620")
        )
        session.add(template)
        session.flush()
        return template.id


def test_template_with_mappings_round_trip(database: Database) -> None:
    template_id = _template(database)
    with database.session() as session:
        template = session.get_one(Template, template_id)
        assert template.sap_version == "v2"
        assert template.sap_verify_tls is True
        assert [m.warehouse_code for m in template.store_mappings] == ["NY"]
        assert template.tender_mappings[0].credit_card_code == 1
        assert template.expense_mappings[0].account_code == "_SYS00000000620"
        assert template.created_at.tzinfo is not None


def test_deleting_a_template_removes_what_belongs_to_it(database: Database) -> None:
    template_id = _template(database)
    with database.session() as session:
        session.add(SyncMark(kind="item", sap_key="A00001", template_id=template_id))
        session.add(Schedule(template_id=template_id, object=SyncObject.SALES))
        session.add(
            Link(template_id=template_id, object="sales", tagrain_id="s1", sap_key="Invoices(1)")
        )
    with database.session() as session:
        session.delete(session.get_one(Template, template_id))
    with database.session() as session:
        for model in (SyncMark, Schedule, Link, StoreMapping, TenderMapping, ExpenseMapping):
            assert session.scalars(select(model)).all() == [], model.__name__


def test_an_item_is_marked_for_one_template_at_a_time(database: Database) -> None:
    first = _template(database, "First")
    second = _template(database, "Second")
    with database.session() as session:
        session.add(SyncMark(kind="item", sap_key="A00001", template_id=first))
        session.add(SyncMark(kind="customer", sap_key="A00001", template_id=second))
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(SyncMark(kind="item", sap_key="A00001", template_id=second))


def test_a_tagrain_record_links_to_one_sap_record(database: Database) -> None:
    template_id = _template(database)
    with database.session() as session:
        session.add(
            Link(
                template_id=template_id,
                object="sales",
                tagrain_id="sale_1",
                sap_key="13:101",
                sap_secondary_key="24:55",
                sap_doc_num="5001",
            )
        )
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(
            Link(template_id=template_id, object="sales", tagrain_id="sale_1", sap_key="13:102")
        )
    with database.session() as session:
        link = session.scalars(select(Link)).one()
        assert (link.sap_key, link.sap_secondary_key, link.sap_doc_num) == (
            "13:101",
            "24:55",
            "5001",
        )


def test_times_come_back_timezone_aware_in_utc(database: Database) -> None:
    template_id = _template(database)
    berlin = timezone(timedelta(hours=1))
    mark = datetime(2026, 11, 27, 14, 3, 11, 250000, tzinfo=berlin)
    with database.session() as session:
        session.add(
            Watermark(template_id=template_id, object="sales", direction="to_sap", value=mark)
        )
    with database.session() as session:
        stored = session.scalars(select(Watermark)).one().value
    assert stored == mark
    assert stored.tzinfo is UTC
    assert stored.hour == 13


def test_a_naive_time_is_refused_not_guessed(database: Database) -> None:
    template_id = _template(database)
    with pytest.raises(StatementError, match="timezone-aware"), database.session() as session:
        session.add(
            Watermark(
                template_id=template_id,
                object="sales",
                direction="to_sap",
                value=datetime(2026, 1, 1, 12, 0),
            )
        )


def test_runs_record_logs_retries_and_leases(database: Database) -> None:
    template_id = _template(database)
    with database.session() as session:
        run = Run(template_id=template_id, object="sales", trigger="manual", total=2)
        run.records.append(
            RecordLog(
                object="sales",
                source_id="sale_9",
                action="failed",
                status="failed",
                message="Item code 'X9' not found [INV1.ItemCode]",
            )
        )
        session.add(run)
        session.add(
            PendingRetry(
                template_id=template_id,
                object="sales",
                source_id="sale_9",
                last_error="Item code 'X9' not found [INV1.ItemCode]",
            )
        )
        session.add(
            RunLease(
                template_id=template_id,
                object="sales",
                holder="DESKTOP-1:4242",
                expires_at=datetime.now(UTC) + timedelta(minutes=5),
            )
        )
    with database.session() as session:
        run = session.scalars(select(Run)).one()
        assert run.status == "running"
        assert run.records[0].message == "Item code 'X9' not found [INV1.ItemCode]"
        assert session.scalars(select(PendingRetry)).one().attempts == 1
        assert session.scalars(select(RunLease)).one().holder == "DESKTOP-1:4242"


def test_schedule_keeps_its_window(database: Database) -> None:
    template_id = _template(database)
    with database.session() as session:
        session.add(
            Schedule(
                template_id=template_id,
                object="inventory",
                enabled=True,
                frequency="weekly",
                weekdays="mon,wed,fri",
                window_start=time(8, 0),
                window_end=time(20, 0),
                interval_minutes=15,
            )
        )
    with database.session() as session:
        schedule = session.scalars(select(Schedule)).one()
        assert (schedule.window_start, schedule.window_end) == (time(8, 0), time(20, 0))
        assert schedule.weekdays.split(",") == ["mon", "wed", "fri"]


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(
    database_file: Path,
) -> None:
    database = open_database(f"sqlite:///{database_file}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    database.dispose()
