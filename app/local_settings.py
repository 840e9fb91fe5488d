"""Settings of this machine: which database the store is in and who runs the schedules.

They live in a small JSON file in the user's config folder (platformdirs; with
``INTEGRATION_HUB_HOME`` set, ``<home>/config/settings.json``), not in the store,
because they say where the store is. Each desktop and the service account has
its own file.

The file never holds a password: a database URL that carries one is refused
with a message naming the safe places for it (PostgreSQL's ``~/.pgpass`` or
``PGPASSFILE``, Windows authentication for SQL Server). Writes are atomic (a
temporary file beside the target, then ``os.replace``), so a crash never
leaves half a file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs

from app.paths import APP_AUTHOR, APP_NAME, HOME_ENV

SchedulesRunBy = Literal["desktop", "service"]
SCHEDULES_RUN_BY: tuple[str, ...] = get_args(SchedulesRunBy)
FILE_NAME = "settings.json"


class LocalSettingsError(ValueError):
    """The settings file cannot be read or written, or a value is not allowed; for the user."""


def url_has_password(url: str) -> bool:
    """Whether a database URL carries a password (a malformed URL counts as not)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return bool(make_url(url).password)
    except ArgumentError:
        return False


def _check_url(url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except ArgumentError:
        raise LocalSettingsError(
            f"{url!r} is not a database URL: expected e.g. "
            "postgresql+psycopg://hub@dbserver/integration_hub"
        ) from None
    if url_has_password(url):
        raise LocalSettingsError(password_refusal(url))


def password_refusal(url: str) -> str:
    """The message for a database URL with a password in it, password hidden."""
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    return (
        f"the database URL {shown} contains a password; the settings file never keeps one. "
        "Use a URL without the password, e.g. postgresql+psycopg://hub@dbserver/integration_hub, "
        "and keep the password in ~/.pgpass (%APPDATA%\\postgresql\\pgpass.conf on Windows) "
        "or the file PGPASSFILE names; for SQL Server use Windows authentication"
    )


@dataclass(frozen=True)
class LocalSettings:
    """This machine's choices: the store's URL (None: the local SQLite file) and the scheduler."""

    database_url: str | None = None
    schedules_run_by: SchedulesRunBy = "desktop"

    def __post_init__(self) -> None:
        url = self.database_url
        if url is not None and not url.strip():
            object.__setattr__(self, "database_url", None)
        elif url is not None:
            object.__setattr__(self, "database_url", url.strip())
            _check_url(url.strip())
        if self.schedules_run_by not in SCHEDULES_RUN_BY:
            raise LocalSettingsError(
                f"schedules_run_by must be one of {', '.join(SCHEDULES_RUN_BY)}, "
                f"not {self.schedules_run_by!r}"
            )

    @property
    def service_runs_schedules(self) -> bool:
        """Whether the desktop client leaves firing schedules to the service."""
        return self.schedules_run_by == "service"


def config_dir() -> Path:
    """The folder of this user's settings file."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def local_settings_path() -> Path:
    """The settings file of this user on this machine."""
    return config_dir() / FILE_NAME


def load_local_settings(path: Path | None = None) -> LocalSettings:
    """The saved settings; defaults when there is no file; LocalSettingsError naming a bad file."""
    path = path or local_settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LocalSettings()
    except OSError as exc:
        raise LocalSettingsError(f"cannot read the settings file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LocalSettingsError(f"the settings file {path} is not UTF-8 text") from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LocalSettingsError(
            f"the settings file {path} is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from None
    if not isinstance(data, dict):
        raise LocalSettingsError(f"the settings file {path} must hold a JSON object")
    url = data.get("database_url")
    if url is not None and not isinstance(url, str):
        raise LocalSettingsError(f"the settings file {path}: database_url must be text or null")
    run_by = data.get("schedules_run_by", "desktop")
    try:
        return LocalSettings(database_url=url, schedules_run_by=run_by)
    except LocalSettingsError as exc:
        raise LocalSettingsError(f"the settings file {path}: {exc}") from None


def save_local_settings(settings: LocalSettings, path: Path | None = None) -> None:
    """Write the settings atomically (temporary file, then ``os.replace``)."""
    path = path or local_settings_path()
    if settings.database_url is not None and url_has_password(settings.database_url):
        raise LocalSettingsError(password_refusal(settings.database_url))
    data = {
        "database_url": settings.database_url,
        "schedules_run_by": settings.schedules_run_by,
    }
    text = json.dumps(data, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise LocalSettingsError(
            f"cannot write the settings file {path}: {exc.strerror or exc}"
        ) from None


def desktop_fires_schedules() -> bool:
    """Whether this desktop's embedded scheduler may fire schedules (the settings say so).

    A settings file that cannot be read raises ``LocalSettingsError`` naming it
    (the client cannot open its store with such a file either).
    """
    return not load_local_settings().service_runs_schedules
