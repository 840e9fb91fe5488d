"""Connector errors turned into the sync core's three kinds, with the other side's words.

Jobs wrap their calls to SAP and Tagrain in ``with translate_errors():`` so
the runner only ever sees ``RecordError`` (the record as it stands is
refused: SAP 400 business rules, Tagrain 4xx validation, not found),
``TransientError`` (5xx, timeouts, rate limits that outlasted the
connectors' own retries) or ``RunError`` (wrong credentials, no right to
the API, a server that cannot be reached at all). The message is the other
side's message word for word; the original exception is chained. SAP's
business-rule messages stand alone, as users expect to see them in the
record log; every other message starts with the system that gave it
("Tagrain: ...", "SAP: ..."), so that a 503 or a refused password says where.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from urllib3.exceptions import NameResolutionError, NewConnectionError

from app.connectors.sapb1 import errors as sl
from app.connectors.tagrain import errors as tg
from app.sync.records import RecordError, RunError, SyncError, TransientError

UNREACHABLE_CAUSES: tuple[type[BaseException], ...] = (
    NewConnectionError,
    NameResolutionError,
    ConnectionRefusedError,
)


def is_unreachable(exc: BaseException) -> bool:
    """Whether the failure (or any error behind it) says the server cannot be reached at all.

    A refused connection or an unknown host name is reported as unreachable;
    a dropped connection or a timeout is a passing failure.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UNREACHABLE_CAUSES):
            return True
        todo.extend((current.__cause__, current.__context__, getattr(current, "reason", None)))
        todo.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return False


def _sap(exc: sl.ServiceLayerError) -> SyncError:
    words = exc.message or str(exc)
    if isinstance(exc, (sl.BusinessRuleError, sl.NotFoundError)):
        return RecordError(words)
    message = f"SAP: {words}"
    if isinstance(exc, sl.AuthenticationError):
        return RunError(
            f"SAP Business One refused the login: {words} "
            "(check the company, user and password in Integration Hub → Connections)"
        )
    if isinstance(exc, (sl.SessionError, sl.ForbiddenError)):
        return RunError(message)
    if isinstance(exc, sl.TransientError):
        return RunError(message) if is_unreachable(exc) else TransientError(message)
    if exc.status == 0:
        return RunError(message)
    if exc.status >= 500:
        return TransientError(message)
    return RecordError(message)


def _tagrain(exc: tg.TagrainError) -> SyncError:
    message = f"Tagrain: {exc.message or exc}"
    if exc.field:
        message = f"{message} (field: {exc.field})"
    if isinstance(exc, tg.TagrainAuthError):
        return RunError(
            f"Tagrain refused the API key: {exc.message or exc} "
            "(enter the current key in Integration Hub → Connections)"
        )
    if isinstance(exc, (tg.TagrainTransientError, tg.TagrainRateLimitedError)):
        return RunError(message) if is_unreachable(exc) else TransientError(message)
    if isinstance(exc, (tg.TagrainValidationError, tg.TagrainNotFoundError)):
        return RecordError(message)
    if isinstance(exc, tg.TagrainBadResponseError):
        return TransientError(message)
    if exc.status is None:
        return RunError(message)
    if exc.status >= 500:
        return TransientError(message)
    return RecordError(message)


def translate(exc: BaseException) -> SyncError | None:
    """The sync error for a connector error (None when it is not one)."""
    if isinstance(exc, sl.ServiceLayerError):
        return _sap(exc)
    if isinstance(exc, tg.TagrainError):
        return _tagrain(exc)
    return None


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise SAP and Tagrain connector errors as the sync error of their kind."""
    try:
        yield
    except sl.ServiceLayerError as exc:
        raise _sap(exc) from exc
    except tg.TagrainError as exc:
        raise _tagrain(exc) from exc
