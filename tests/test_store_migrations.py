"""The store's schema comes only from Alembic migrations, and they match the models."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.store import migrate, open_database
from app.store.models import Base

EXPECTED_TABLES = {
    "templates",
    "sync_marks",
    "store_mappings",
    "tender_mappings",
    "expense_mappings",
    "schedules",
    "runs",
    "record_log",
    "pending_retries",
    "links",
    "watermarks",
    "run_leases",
}


def test_empty_database_is_migrated_to_head(store_url: str) -> None:
    database = open_database(store_url)
    try:
        assert migrate.current_revision(database.engine) == migrate.head_revision()
        tables = set(inspect(database.engine).get_table_names())
        assert tables >= EXPECTED_TABLES
    finally:
        database.dispose()


def test_autogenerate_finds_nothing_missing(store_url: str) -> None:
    database = open_database(store_url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        database.dispose()


def test_downgrade_to_base_and_upgrade_again(store_url: str) -> None:
    engine = create_engine(store_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    engine.dispose()


def test_opening_twice_keeps_data_and_revision(database_file: Path) -> None:
    from app.store.models import Template

    first = open_database(f"sqlite:///{database_file}")
    with first.session() as session:
        session.add(Template(name="Main"))
    first.dispose()
    second = open_database(f"sqlite:///{database_file}")
    with second.session() as session:
        assert [t.name for t in session.query(Template)] == ["Main"]
    assert migrate.current_revision(second.engine) == migrate.head_revision()
    second.dispose()
