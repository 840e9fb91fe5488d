"""Timestamps of the Tagrain sandbox: microseconds since the epoch, rendered RFC 3339.

Records are ordered by ``updated_at``; the sandbox's clock never runs backwards
and never hands out the same instant twice, so a record changed while a client
pages always moves behind the client's cursor.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, tzinfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("timestamp without a UTC offset")
    return (moment - EPOCH) // _MICRO


def from_us(us: int, zone: tzinfo = UTC) -> datetime:
    """The aware datetime of ``us`` microseconds since the epoch, in ``zone``."""
    return (EPOCH + timedelta(microseconds=us)).astimezone(zone)


def render(us: int, zone: tzinfo = UTC) -> str:
    """RFC 3339 with microseconds and an explicit offset (``+00:00`` in UTC)."""
    return from_us(us, zone).isoformat(timespec="microseconds")


def parse(text: str) -> int:
    """Microseconds of an RFC 3339 timestamp; ValueError unless it carries an offset."""
    moment = datetime.fromisoformat(text)
    return to_us(moment)


class Clock:
    """A strictly increasing wall clock in microseconds (thread-safe)."""

    def __init__(self, floor_us: int = 0) -> None:
        self._last = floor_us
        self._lock = threading.Lock()

    def advance_past(self, us: int) -> None:
        """Make sure every later reading is greater than ``us``."""
        with self._lock:
            self._last = max(self._last, us)

    def now_us(self) -> int:
        """The current time, later than every earlier reading."""
        with self._lock:
            self._last = max(time.time_ns() // 1000, self._last + 1)
            return self._last
