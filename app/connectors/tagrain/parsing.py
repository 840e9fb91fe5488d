"""Reading contract values out of decoded JSON: decimals, aware times, required fields.

Every failure raises ``TagrainBadResponseError`` naming the record kind, its
id and the field, so a broken answer is reported as exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from app.connectors.tagrain.errors import TagrainBadResponseError

DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
T = TypeVar("T")
_MISSING = object()


def parse_decimal(value: Any, what: str = "value") -> Decimal:
    """A contract decimal string as ``Decimal`` (floats and numbers are refused)."""
    if not isinstance(value, str) or not DECIMAL.match(value):
        raise ValueError(f"{what} must be a decimal string, got {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"{what} is not a decimal: {value!r}") from exc


def parse_time(value: Any, what: str = "value") -> datetime:
    """An RFC 3339 timestamp as an aware ``datetime`` (no offset is an error)."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be an RFC 3339 string, got {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} has no UTC offset: {value!r}")
    return moment


def format_time(moment: datetime) -> str:
    """An aware ``datetime`` as RFC 3339 (naive times are refused)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Tagrain times must be timezone-aware")
    return moment.isoformat()


def format_decimal(value: Decimal) -> str:
    """A ``Decimal`` as a plain decimal string (no exponent)."""
    if not value.is_finite():
        raise ValueError(f"not a finite decimal: {value}")
    return format(value, "f")


class Reader:
    """Reads the fields of one raw record, naming it in every error."""

    def __init__(self, kind: str, raw: Any, id: str | None = None) -> None:
        if not isinstance(raw, dict):
            raise TagrainBadResponseError(f"{kind} is not a JSON object: {str(raw)[:80]!r}")
        self.kind = kind
        self.raw = raw
        self.id = id if id is not None else raw.get("id")

    def fail(self, field: str, problem: str) -> TagrainBadResponseError:
        """The error for a bad field of this record."""
        who = f"{self.kind} {self.id}" if isinstance(self.id, str) and self.id else self.kind
        return TagrainBadResponseError(f"{who}: field {field!r} {problem}", field=field)

    def _get(self, field: str) -> Any:
        value = self.raw.get(field, _MISSING)
        if value is _MISSING:
            raise self.fail(field, "is missing")
        return value

    def _convert(self, field: str, convert: Callable[[Any], T], optional: bool) -> T | None:
        value = self._get(field)
        if value is None:
            if optional:
                return None
            raise self.fail(field, "is null")
        try:
            return convert(value)
        except (ValueError, TypeError) as exc:
            raise self.fail(field, f"is malformed ({exc})") from None

    def text(self, field: str) -> str:
        """A required string."""
        value = self._convert(field, _string, optional=False)
        assert value is not None
        return value

    def opt_text(self, field: str) -> str | None:
        """A string or null (the key itself must be present)."""
        return self._convert(field, _string, optional=True)

    def decimal(self, field: str) -> Decimal:
        """A required decimal string."""
        value = self._convert(field, parse_decimal, optional=False)
        assert value is not None
        return value

    def time(self, field: str) -> datetime:
        """A required RFC 3339 timestamp with an offset."""
        value = self._convert(field, parse_time, optional=False)
        assert value is not None
        return value

    def flag(self, field: str) -> bool:
        """A required boolean."""
        value = self._convert(field, _boolean, optional=False)
        assert value is not None
        return value

    def integer(self, field: str) -> int:
        """A required integer."""
        value = self._convert(field, _integer, optional=False)
        assert value is not None
        return value

    def objects(self, field: str) -> list[Any]:
        """A required array (its items are read by the caller)."""
        value = self._convert(field, _array, optional=False)
        assert value is not None
        return value

    def opt_objects(self, field: str) -> list[Any]:
        """An array that may be null or absent (read as empty)."""
        if self.raw.get(field) is None:
            return []
        return self.objects(field)

    def opt_object(self, field: str) -> dict[str, Any] | None:
        """An object or null."""
        return self._convert(field, _object, optional=True)

    def child(self, kind: str, raw: Any) -> Reader:
        """A reader for a nested object, reporting under this record's id."""
        return Reader(f"{self.kind} {self.id} {kind}", raw, id="")


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _array(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {type(value).__name__}")
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value
