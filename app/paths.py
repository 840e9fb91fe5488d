"""Where the add-on keeps its data and logs on this machine.

platformdirs gives the per-user folders each OS expects (on Windows
``%LOCALAPPDATA%\\Tagrain\\IntegrationHub``). ``INTEGRATION_HUB_HOME`` puts both
under one folder instead: for tests, portable installs and the service.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "IntegrationHub"
APP_AUTHOR = "Tagrain"
HOME_ENV = "INTEGRATION_HUB_HOME"
DATABASE_URL_ENV = "INTEGRATION_HUB_DATABASE_URL"
"""The environment variable that names the store's database URL (it wins over the settings)."""


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The folder of the local database and the sandbox databases."""
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    """The folder of the rotating log files."""
    home = _home()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
