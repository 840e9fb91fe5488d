"""Typed Service Layer errors carrying SAP's code and message word for word."""

from __future__ import annotations

import json
from typing import Any

SESSION_CODE = 301
NOT_FOUND_CODE = -2028


class ServiceLayerError(Exception):
    """An error answered by (or on the way to) the Service Layer.

    ``status`` is the HTTP status (0 when no answer came), ``code`` SAP's code
    (an int such as -10 or 301, None when SAP gave none), ``message`` SAP's text
    exactly as written.
    """

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(status, code, message)
        self.status = status
        self.code = code
        self.message = message

    def __str__(self) -> str:
        code = f" {self.code}" if self.code is not None else ""
        return f"Service Layer error{code} (HTTP {self.status}): {self.message}"


class AuthenticationError(ServiceLayerError):
    """Login refused: wrong company, user or password. Never retried automatically."""


class SessionError(ServiceLayerError):
    """The session stayed invalid even after logging in again."""


class NotFoundError(ServiceLayerError):
    """No such entity (-2028 / 404)."""


class BusinessRuleError(ServiceLayerError):
    """SAP refused the record (a 400 such as -10, -2035, -5006): fix the data, do not retry."""


class PreconditionFailedError(BusinessRuleError):
    """The entity changed since it was read (ETag mismatch, -2039 / 412)."""


class ForbiddenError(ServiceLayerError):
    """The user may not do this (-6006 / 403)."""


class TransientError(ServiceLayerError):
    """A failure worth retrying later (connection, timeout, 502/503/504, empty 500).

    ``possibly_processed`` is True when a POST may have been applied anyway (its
    answer timed out, was dropped, or came back 502/504/empty 500): check for the
    record (e.g. by ``U_TG_ID``) before posting it again.
    """

    def __init__(
        self, status: int, code: int | None, message: str, possibly_processed: bool = False
    ) -> None:
        super().__init__(status, code, message)
        self.possibly_processed = possibly_processed


def parse_error_body(body: bytes | str) -> tuple[int | None, str] | None:
    """SAP's (code, message) from a v1 or v2 error body, or None if it is not one."""
    try:
        data: Any = json.loads(body) if body else None
    except ValueError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None
    raw_code, raw_message = error.get("code"), error.get("message")
    if isinstance(raw_message, dict):
        raw_message = raw_message.get("value")
    try:
        code: int | None = int(raw_code) if raw_code is not None else None
    except (TypeError, ValueError):
        code = None
    return code, "" if raw_message is None else str(raw_message)


def is_transient_status(status: int, body: bytes) -> bool:
    """Whether an HTTP answer is a transient failure: 502/503/504, or 500 with an empty body."""
    return status in {502, 503, 504} or (status == 500 and not body.strip())


def is_session_expired(status: int, body: bytes) -> bool:
    """Whether an answer says the session is invalid or timed out (401 / 301)."""
    if status != 401:
        return False
    parsed = parse_error_body(body)
    return parsed is None or parsed[0] == SESSION_CODE


def error_for(status: int, body: bytes) -> ServiceLayerError:
    """The typed error for a failed answer."""
    parsed = parse_error_body(body)
    code, message = parsed if parsed else (None, body.decode("utf-8", "replace")[:500])
    if is_transient_status(status, body):
        return TransientError(status, code, message or f"HTTP {status}")
    if status == 401 and code == SESSION_CODE:
        return SessionError(status, code, message)
    if status == 401:
        return AuthenticationError(status, code, message)
    if status == 403:
        return ForbiddenError(status, code, message)
    if status == 404 or code == NOT_FOUND_CODE:
        return NotFoundError(status, code, message)
    if status == 412:
        return PreconditionFailedError(status, code, message)
    if 400 <= status < 500:
        return BusinessRuleError(status, code, message)
    return ServiceLayerError(status, code, message)
