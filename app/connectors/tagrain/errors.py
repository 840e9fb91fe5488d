"""Typed errors of the Tagrain client, carrying the server's code, message and field.

Retrying is decided by type: ``TagrainTransientError`` and
``TagrainRateLimitedError`` may succeed later, the others will not without a
change of request, key or data.
"""

from __future__ import annotations


class TagrainError(Exception):
    """A failed Tagrain call: HTTP status (None without an answer), code, message, field."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = "Tagrain" if self.status is None else f"Tagrain HTTP {self.status}"
        if self.code:
            head += f" {self.code}"
        text = f"{head}: {self.message}"
        return f"{text} (field: {self.field})" if self.field else text


class TagrainAuthError(TagrainError):
    """The API key is missing, wrong, expired or lacks the right (401, 403)."""


class TagrainNotFoundError(TagrainError):
    """The record or path does not exist (404)."""


class TagrainValidationError(TagrainError):
    """The request was refused as it stands (400, 405, 409, 422); ``field`` names the culprit."""


class TagrainRateLimitedError(TagrainError):
    """Too many requests (429); ``retry_after`` is the server's wait in seconds, if given."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)  # type: ignore[arg-type]


class TagrainTransientError(TagrainError):
    """Server error (5xx), dropped connection or timeout that outlasted the retries."""

    retryable = True


class TagrainBadResponseError(TagrainError):
    """An answer that is not the contract: HTML, truncated JSON, missing or malformed fields."""
