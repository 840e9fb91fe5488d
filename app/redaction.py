"""Keeps secrets out of log output, whatever a log line or exception says.

``app.secrets`` registers every secret it reads or writes; the logging
filter installed by ``app.logsetup`` replaces any registered value in a
formatted record (message, arguments and traceback text) with ``***``.
"""

from __future__ import annotations

import logging
import threading

MASK = "***"
_MIN_LENGTH = 4
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Remember a value that must never appear in a log."""
    if value and len(value) >= _MIN_LENGTH:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    with _lock:
        values = sorted(_secrets, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks registered secrets in the final message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
