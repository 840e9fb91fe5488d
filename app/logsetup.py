"""Logging for every face of the app: a rotating file in the user log folder plus the console.

Every handler carries the secret-redacting filter, so no configured handler
can write a password or API key.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app import paths
from app.redaction import RedactingFilter

LOG_FILE_NAME = "integration-hub.log"
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"


def log_file() -> Path:
    """The current log file."""
    return paths.log_dir() / LOG_FILE_NAME


FILE_ONLY = {"file_only": True}
"""``extra=`` for a record the command prints itself: kept in the log file, not on the console."""


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


def configure(level: int = logging.INFO, console: bool = True) -> Path:
    """Install the file and console handlers on the root logger; returns the log file path."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_integration_hub", False):
            root.removeHandler(handler)
            handler.close()
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(FORMAT))
    handlers: list[logging.Handler] = [file_handler]
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.setLevel(logging.WARNING)
        stream.addFilter(_not_file_only)
        handlers.append(stream)
    for handler in handlers:
        handler.addFilter(RedactingFilter())
        handler._integration_hub = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    return path
