"""Start reading a run's changes while its pre-flight checks run.

The pre-flight asks SAP for the template's codes and the add-on's fields
(a few round trips); the first records of a run need their own round trips
(the listing, and the look-ups a job makes ahead of posting). Both only read,
so they can overlap: the first record is asked for on a side thread while the
pre-flight runs, and the runner takes it, and the rest, afterwards.

When the pre-flight fails or the run is cancelled, what was read is dropped
(nothing was written) and an error the early read met is not reported: the
pre-flight's message is the one to fix first (a missing field makes every
look-up fail too).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")

_END = object()


class EarlyRead(Generic[T]):
    """A listing whose first record is being read already.

    ``records()`` hands on that record and the rest (raising what reading met);
    ``drop()`` waits for the first read to end and closes the listing.
    """

    def __init__(self, listing: Iterator[T]) -> None:
        self._listing = listing
        self._side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-early")
        self._first = self._side.submit(next, listing, _END)
        self._side.shutdown(wait=False)
        self._taken = False

    def records(self) -> Iterator[T]:
        """The listing from its first record on (only once)."""
        self._taken = True
        first = self._first.result()
        if first is _END:
            return
        yield first  # type: ignore[misc]
        yield from self._listing

    def drop(self) -> None:
        """Forget the listing unless ``records()`` took it: its reading ends here."""
        if self._taken:
            return
        self._taken = True
        with contextlib.suppress(Exception):  # the pre-flight's message is the one shown
            self._first.result()
        close = getattr(self._listing, "close", None)
        if close is not None:
            close()
