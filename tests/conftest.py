"""Fixtures every test shares: an isolated home folder, an in-memory keyring, a store."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest
from sqlalchemy import create_engine, make_url, text

from app import credentials
from app.store import Database, open_database
from app.store.database import DATABASE_URL_ENV
from tests.support.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Data and logs of the app go to a temporary folder; no real database URL leaks in."""
    home = tmp_path / "home"
    monkeypatch.setenv("INTEGRATION_HUB_HOME", str(home))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The real keyring API over an in-memory backend."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _handed_over_credentials() -> Iterator[None]:
    """Credentials a test's sandbox hands to the engine end with the test.

    Those of a module's sandbox (handed over before the test began) stay.
    """
    before = credentials.registrations()
    yield
    credentials.reset()
    for registration in before:
        credentials.register(registration.provider, registration.key)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


POSTGRES_ENV = "INTEGRATION_HUB_TEST_POSTGRES"
"""Admin URL of a PostgreSQL server for the store tests (CI starts one and sets it)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store database: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    with fresh_postgres_database("hub_test") as url:
        yield url


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL with the password), dropped afterwards.

    Skips the test when no server is named in ``INTEGRATION_HUB_TEST_POSTGRES``.
    """
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server for this run: set {POSTGRES_ENV} (.ci/run does)")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def any_database(store_url: str) -> Iterator[Database]:
    """The store on each supported database in turn, upgraded to the latest schema."""
    db = open_database(store_url)
    yield db
    db.dispose()


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    """Where the test's SQLite store lives."""
    return tmp_path / "store.sqlite3"


@pytest.fixture
def database(database_file: Path) -> Iterator[Database]:
    """A real SQLite store file, upgraded to the latest schema."""
    db = open_database(f"sqlite:///{database_file}")
    yield db
    db.dispose()
