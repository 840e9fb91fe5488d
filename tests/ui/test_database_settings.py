"""Database and Scheduling: the store in use, this desktop's database URL and who runs schedules."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from app.local_settings import LocalSettings, load_local_settings, save_local_settings
from app.store import Database, migrate, retention
from app.store.database import DATABASE_URL_ENV
from app.ui.forms.database_settings import DatabaseSettingsForm
from app.ui.main_window import MainWindow
from app.ui.status import MessageKind
from tests.ui.helpers import open_from_tree, press, type_into

DEADLINE = 30_000


def open_settings(qtbot: QtBot, window: MainWindow) -> DatabaseSettingsForm:
    form = open_from_tree(qtbot, window, "database_settings")
    assert isinstance(form, DatabaseSettingsForm)
    qtbot.waitUntil(lambda: form.schema.text() != "Reading…", timeout=DEADLINE)
    return form


def last(window: MainWindow) -> tuple[object, str]:
    return window.messenger.last or (None, "")


def test_the_store_in_use_and_its_schema_are_shown(
    qtbot: QtBot, window: MainWindow, database: Database, database_file: Path
) -> None:
    form = open_settings(qtbot, window)
    assert form.store_url.text() == f"sqlite:///{database_file}"
    assert form.schema.text() == f"{migrate.head_revision()} (up to date)"
    assert form.owner.text() == "Nobody has run the schedules of this database yet."
    assert form.database_url.text() == "" and form.run_desktop.isChecked()
    assert form.mode_button.text() == "OK"


def test_choosing_the_service_is_saved_for_the_next_start(qtbot: QtBot, window: MainWindow) -> None:
    form = open_settings(qtbot, window)
    form.run_service.click()
    assert form.mode_button.text() == "Update"
    press(qtbot, form.mode_button)
    assert load_local_settings() == LocalSettings(None, "service")
    kind, text = last(window)
    assert kind is MessageKind.SUCCESS and "schedules run on the service" in text
    assert "next start" in text and form.mode_button.text() == "OK"


def test_a_new_url_is_tested_first_and_saved_when_it_connects(
    qtbot: QtBot, window: MainWindow, database_file: Path
) -> None:
    form = open_settings(qtbot, window)
    type_into(qtbot, form.database_url, f"sqlite:///{database_file}")
    with qtbot.waitSignal(form.checked, timeout=DEADLINE) as outcome:
        press(qtbot, form.mode_button)
    assert outcome.args == [True]
    assert f"schema {migrate.head_revision()} (up to date)" in form.check_result.text()
    assert load_local_settings().database_url == f"sqlite:///{database_file}"
    assert not form.is_dirty()


def test_an_unreachable_server_is_reported_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    save_local_settings(LocalSettings(None, "service"))
    form = open_settings(qtbot, window)
    assert form.run_service.isChecked()
    type_into(qtbot, form.database_url, "postgresql+psycopg://hub@127.0.0.1:1/integration_hub")
    with qtbot.waitSignal(form.checked, timeout=DEADLINE) as outcome:
        press(qtbot, form.mode_button)
    assert outcome.args == [False]
    kind, text = last(window)
    assert kind is MessageKind.ERROR
    assert text.startswith("Not saved: Cannot connect to postgresql+psycopg://hub@127.0.0.1:1/")
    assert load_local_settings() == LocalSettings(None, "service"), "the file is untouched"
    assert form.is_dirty()


def test_a_url_with_a_password_is_refused_without_showing_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    form = open_settings(qtbot, window)
    type_into(qtbot, form.database_url, "postgresql+psycopg://hub:s3cret@dbserver/hub")
    press(qtbot, form.mode_button)
    kind, text = last(window)
    assert kind is MessageKind.ERROR and "contains a password" in text
    assert "s3cret" not in text
    assert load_local_settings() == LocalSettings()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_test_connection_reads_a_postgresql_store(
    qtbot: QtBot,
    window: MainWindow,
    any_database: Database,
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = make_url(store_url)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"{url.host}:{url.port or 5432}:*:{url.username}:{url.password}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    form = open_settings(qtbot, window)
    type_into(
        qtbot,
        form.database_url,
        f"{url.drivername}://{url.username}@{url.host}:{url.port or 5432}/{url.database}",
    )
    with qtbot.waitSignal(form.checked, timeout=DEADLINE) as outcome:
        press(qtbot, form.test_button)
    assert outcome.args == [True]
    assert f"schema {migrate.head_revision()} (up to date)" in form.check_result.text()
    assert load_local_settings() == LocalSettings(), "Test Connection alone saves nothing"


def test_an_environment_url_is_said_to_win_over_the_saved_one(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql+psycopg://hub@dbserver/integration_hub")
    form = open_settings(qtbot, window)
    hints = [label.text() for label in form.findChildren(QLabel)]
    assert any(text.startswith(f"{DATABASE_URL_ENV} is set on this desktop") for text in hints)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_days_of_record_detail_kept_are_saved_for_the_whole_store(
    qtbot: QtBot, window: MainWindow, database: Database, size: tuple[int, int]
) -> None:
    window.resize(*size)
    form = open_settings(qtbot, window)
    assert form.retention_days.text() == "90"
    type_into(qtbot, form.retention_days, "30")
    assert form.mode_button.text() == "Update"
    with qtbot.waitSignal(form.retention_saved, timeout=DEADLINE) as outcome:
        press(qtbot, form.mode_button)
    assert outcome.args == [True]
    assert retention.retention_days(database) == 30
    kind, text = last(window)
    assert kind is MessageKind.SUCCESS and "The store keeps 30 days of record detail." in text
    assert form.mode_button.text() == "OK"
    assert load_local_settings() == LocalSettings(None, "desktop")


def test_keeping_everything_is_zero_days_and_typing_past_ten_years_is_refused(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    form = open_settings(qtbot, window)
    type_into(qtbot, form.retention_days, "-99999")
    assert form.retention_days.text() == "9999"
    press(qtbot, form.mode_button)
    kind, text = last(window)
    assert kind is MessageKind.ERROR and text == "Keep record detail 0 to 3650 days."
    assert retention.retention_days(database) == 90
    assert form.mode_button.text() == "Update"
    type_into(qtbot, form.retention_days, "0")
    with qtbot.waitSignal(form.retention_saved, timeout=DEADLINE):
        press(qtbot, form.mode_button)
    assert retention.retention_days(database) == 0
    assert "The store keeps all record detail." in last(window)[1]
