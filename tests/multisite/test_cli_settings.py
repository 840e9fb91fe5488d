"""``integration-hub settings``: show, set database-url (checked and upgraded first), schedules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import URL, make_url

from app import cli
from app.local_settings import LocalSettings, load_local_settings, local_settings_path
from app.store import migrate, open_database
from app.store.database import DATABASE_URL_ENV


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_prints_the_defaults_and_the_database_in_use(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "settings", "show")
    assert code == 0
    assert f"settings file: {isolated_home / 'config' / 'settings.json'} (not written yet" in out
    assert f"database in use: sqlite:///{isolated_home / 'data'}" in out
    assert "(from the default)" in out
    assert "schedules run by: desktop" in out


def test_set_database_url_upgrades_the_new_store_before_saving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    code, out, _ = run(capsys, "settings", "set", "database-url", url)
    assert code == 0
    assert f"the schema is at the latest revision ({migrate.head_revision()})" in out
    assert load_local_settings().database_url == url
    database = open_database(url, upgrade=False)
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    database.dispose()
    code, out, _ = run(capsys, "settings", "show")
    assert f"database in use: {url} (from the settings file)" in out
    code, out, _ = run(capsys, "status")
    assert f"database: {url}" in out


def test_the_environment_still_wins_and_show_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "settings", "set", "database-url", f"sqlite:///{tmp_path / 'file.db'}")
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'env.db'}")
    code, out, _ = run(capsys, "settings", "show")
    assert code == 0
    assert f"database in use: sqlite:///{tmp_path / 'env.db'} (from the environment" in out
    option = f"sqlite:///{tmp_path / 'opt.db'}"
    code, out, _ = run(capsys, "--database", option, "settings", "show")
    assert code == 0
    assert f"database in use: {option} (from the --database option)" in out


def test_an_unreachable_database_is_not_saved(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "settings", "set", "database-url", "postgresql+psycopg://hub@127.0.0.1:1/nothing"
    )
    assert code == cli.EXIT_FAILED
    assert "cannot open the database" in err and "the settings were not changed" in err
    assert not local_settings_path().exists()


def test_a_url_with_a_password_is_refused_before_connecting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(
        capsys, "settings", "set", "database-url", "postgresql+psycopg://hub:Secr3t@db/hub"
    )
    assert code == cli.EXIT_USAGE
    assert "contains a password" in err and "Secr3t" not in err
    assert not local_settings_path().exists()


def test_local_goes_back_to_the_file_of_this_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "settings", "set", "database-url", f"sqlite:///{tmp_path / 'shared.db'}")
    run(capsys, "settings", "set", "schedules", "service")
    code, out, _ = run(capsys, "settings", "set", "database-url", "--local")
    assert code == 0 and "local file" in out
    assert load_local_settings() == LocalSettings(None, "service")


def test_set_schedules_keeps_the_database_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    run(capsys, "settings", "set", "database-url", url)
    code, out, _ = run(capsys, "settings", "set", "schedules", "service")
    assert code == 0 and "no longer runs schedules" in out
    assert json.loads(local_settings_path().read_text()) == {
        "database_url": url,
        "schedules_run_by": "service",
    }
    code, _, err = run(capsys, "settings", "set", "schedules", "nobody")
    assert code == cli.EXIT_USAGE and "invalid choice" in err


def test_a_postgresql_url_without_password_connects_through_pgpass(
    postgres_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = make_url(postgres_url)
    pgpass = tmp_path / "pgpass"
    host, port = url.host or "localhost", url.port or 5432
    pgpass.write_text(f"{host}:{port}:{url.database}:{url.username}:{url.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    bare = URL.create(
        url.drivername, url.username, None, url.host, url.port, url.database
    ).render_as_string(hide_password=False)
    assert url.password and make_url(bare).password is None
    code, out, err = run(capsys, "settings", "set", "database-url", bare)
    assert code == 0, err
    assert f"connected to {bare}" in out
    assert load_local_settings().database_url == bare
    code, out, _ = run(capsys, "status")
    assert code == 0 and f"database: {bare}" in out


def test_a_broken_settings_file_is_named_by_show_and_repaired_by_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    local_settings_path().parent.mkdir(parents=True)
    local_settings_path().write_text("{broken")
    code, _, err = run(capsys, "settings", "show")
    assert code == cli.EXIT_USAGE
    assert f"{local_settings_path()} is not valid JSON" in err
    code, _, err = run(capsys, "settings", "set", "schedules", "service")
    assert code == 0
    assert "is not valid JSON" in err and "written anew" in err
    assert load_local_settings() == LocalSettings(None, "service")
