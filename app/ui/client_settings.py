"""Where the client keeps its window layout: an INI file in the data folder.

Using app.paths keeps tests (INTEGRATION_HUB_HOME) isolated from the user's
real settings, and a portable install keeps everything in one folder.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app import paths

FILE_NAME = "client.ini"


def client_settings() -> QSettings:
    """The client's settings file (created on first write)."""
    folder = paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / FILE_NAME), QSettings.Format.IniFormat)
