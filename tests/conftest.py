"""Fixtures every test shares: an isolated home folder, an in-memory keyring, a store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

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
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


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
