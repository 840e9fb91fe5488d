"""Where the store lives: the default file, --database, and the environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import DatabaseError, open_database
from app.store.database import DATABASE_URL_ENV, resolve_url


def test_default_is_a_sqlite_file_in_the_data_folder(isolated_home: Path) -> None:
    url = resolve_url()
    assert url.get_backend_name() == "sqlite"
    assert Path(url.database or "") == isolated_home / "data" / "integration-hub.sqlite3"
    database = open_database()
    database.dispose()
    assert (isolated_home / "data" / "integration-hub.sqlite3").is_file()


def test_environment_variable_overrides_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere" / "hub.db"
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{target}")
    assert resolve_url().database == str(target)


def test_explicit_url_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url(f"sqlite:///{tmp_path / 'cli.db'}").database == str(tmp_path / "cli.db")


@pytest.mark.parametrize("raw", ["nonsense", "://", "sqlite//missing-colon"])
def test_malformed_url_gets_one_clear_message(raw: str) -> None:
    with pytest.raises(DatabaseError, match="invalid database URL"):
        resolve_url(raw)


def test_unknown_dialect_is_named() -> None:
    with pytest.raises(DatabaseError, match=r"no SQLAlchemy dialect 'nosuchdb\+driver'"):
        resolve_url("nosuchdb+driver://host/db")


def test_missing_driver_is_named_and_password_hidden() -> None:
    with pytest.raises(DatabaseError) as caught:
        open_database("postgresql+pg8000://user:Sup3rSecret@127.0.0.1:1/hub")
    assert "pg8000" in str(caught.value)
    assert "Sup3rSecret" not in str(caught.value)


def test_unreachable_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError, match="cannot create the database folder"):
        open_database(f"sqlite:///{blocker / 'db.sqlite3'}")
