"""The per-machine settings file: defaults, round trip, atomic writes, bad files, no passwords."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app import cli
from app.local_settings import (
    LocalSettings,
    LocalSettingsError,
    desktop_fires_schedules,
    load_local_settings,
    local_settings_path,
    save_local_settings,
)
from app.store import DatabaseError, open_database
from app.store.database import DATABASE_URL_ENV, resolve_url


def test_the_file_lives_in_the_config_folder_of_the_hub_home(isolated_home: Path) -> None:
    assert local_settings_path() == isolated_home / "config" / "settings.json"


def test_without_a_file_the_defaults_apply() -> None:
    settings = load_local_settings()
    assert settings == LocalSettings(database_url=None, schedules_run_by="desktop")
    assert not local_settings_path().exists()


def test_saved_settings_read_back(isolated_home: Path) -> None:
    wanted = LocalSettings("postgresql+psycopg://hub@dbserver:5432/integration_hub", "service")
    save_local_settings(wanted)
    assert load_local_settings() == wanted
    assert load_local_settings().service_runs_schedules
    data = json.loads((isolated_home / "config" / "settings.json").read_text())
    assert data == {
        "database_url": "postgresql+psycopg://hub@dbserver:5432/integration_hub",
        "schedules_run_by": "service",
    }


def test_an_explicit_path_is_used(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "mine.json"
    save_local_settings(LocalSettings(schedules_run_by="service"), path)
    assert load_local_settings(path).schedules_run_by == "service"
    assert not local_settings_path().exists()


def test_saving_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_local_settings(LocalSettings("sqlite:///a.db"), path)
    inode_before = path.stat().st_ino
    save_local_settings(LocalSettings("sqlite:///b.db"), path)
    assert load_local_settings(path).database_url == "sqlite:///b.db"
    assert os.listdir(tmp_path) == ["settings.json"]
    assert path.stat().st_ino != inode_before


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    save_local_settings(LocalSettings("sqlite:///a.db"), path)

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(LocalSettingsError, match=r"cannot write the settings file .*No space left"):
        save_local_settings(LocalSettings("sqlite:///b.db"), path)
    monkeypatch.undo()
    assert load_local_settings(path).database_url == "sqlite:///a.db"
    assert os.listdir(tmp_path) == ["settings.json"]


def test_an_empty_url_means_the_local_file() -> None:
    assert LocalSettings(database_url="  ").database_url is None


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://hub:Sup3rSecret@dbserver/integration_hub",
        "mssql+pyodbc://sa:Sup3rSecret@sqlserver/hub?driver=ODBC+Driver+18+for+SQL+Server",
    ],
)
def test_a_url_with_a_password_is_refused_and_the_password_not_repeated(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(LocalSettingsError) as caught:
        LocalSettings(database_url=url)
    message = str(caught.value)
    assert "contains a password" in message
    assert "pgpass" in message
    assert "Sup3rSecret" not in message
    assert not (tmp_path / "settings.json").exists()


def test_a_hand_edited_file_with_a_password_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"database_url": "postgresql+psycopg://hub:pw123@db/hub"}))
    with pytest.raises(LocalSettingsError) as caught:
        load_local_settings(path)
    assert str(path) in str(caught.value)
    assert "pw123" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"database_url": 5}', "database_url must be text"),
        ('{"schedules_run_by": "everyone"}', "schedules_run_by must be one of desktop, service"),
        ('{"database_url": "no url at all"}', "is not a database URL"),
    ],
)
def test_a_bad_file_is_named_with_the_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content)
    with pytest.raises(LocalSettingsError) as caught:
        load_local_settings(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)


def test_a_file_that_is_not_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(LocalSettingsError, match="not UTF-8"):
        load_local_settings(path)


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    with pytest.raises(LocalSettingsError, match="cannot read the settings file"):
        load_local_settings(path)


def test_unknown_choice_for_schedules_is_refused() -> None:
    with pytest.raises(LocalSettingsError, match="schedules_run_by"):
        LocalSettings(schedules_run_by="nobody")  # type: ignore[arg-type]


def test_the_url_comes_from_option_then_environment_then_settings_then_default(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = isolated_home / "data" / "integration-hub.sqlite3"
    assert resolve_url().database == str(default)
    save_local_settings(LocalSettings(f"sqlite:///{tmp_path / 'settings.db'}"))
    assert resolve_url().database == str(tmp_path / "settings.db")
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url().database == str(tmp_path / "env.db")
    assert resolve_url(f"sqlite:///{tmp_path / 'cli.db'}").database == str(tmp_path / "cli.db")


def test_a_bad_settings_file_stops_opening_the_store_with_its_name() -> None:
    local_settings_path().parent.mkdir(parents=True)
    local_settings_path().write_text("{oops")
    with pytest.raises(DatabaseError, match=r"settings\.json is not valid JSON"):
        open_database()


def test_cli_reports_a_bad_settings_file_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    local_settings_path().parent.mkdir(parents=True)
    local_settings_path().write_text('{"schedules_run_by": 3}')
    assert cli.main(["status"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"integration-hub: error: the settings file {local_settings_path()}" in err


def test_who_fires_schedules_on_this_desktop_is_read_from_the_settings() -> None:
    assert desktop_fires_schedules()
    save_local_settings(LocalSettings(schedules_run_by="service"))
    assert not desktop_fires_schedules()
    local_settings_path().write_text("{oops")
    with pytest.raises(LocalSettingsError, match=r"settings\.json is not valid JSON"):
        desktop_fires_schedules()
