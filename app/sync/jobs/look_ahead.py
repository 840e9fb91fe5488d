"""Read a Tagrain listing ahead of the runner, in batches whose look-ups are made before use.

Posting a sale costs two Service Layer round trips; the look-ups it needs
(its link, whether SAP already holds its invoice, its items, its tax codes)
are made for a whole batch of sales in a few requests. This module keeps
those look-ups off the posting path: a reader thread pages through the
listing, hands each batch to the look-up pool, and the runner receives a
batch only when its look-ups are done, while the next batches are already
being read and looked up.

The first batch is small so posting starts soon; later batches are bigger so
a run makes fewer look-up requests. Batches are looked up ``at_once`` at a
time (one keeps a client's first second quiet; more keep up with many
sessions); at most ``ahead`` are read beyond the one the runner is applying,
so memory does not grow with the run.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

STOP_CHECK_SECONDS = 0.1
"""How often a reader blocked on a full hand-over checks whether the runner stopped."""


@dataclass
class _Batch(Generic[T]):
    records: list[T]
    looked_up: Future[None]


@dataclass
class _Failed:
    error: BaseException


class _Done:
    pass


def growing_batches(items: Iterable[T], sizes: Sequence[int]) -> Iterator[list[T]]:
    """Consecutive lists: the first of ``sizes[0]`` items, the next of ``sizes[1]``, …

    The last size is kept for every later batch; the last batch may be shorter.
    """
    batch: list[T] = []
    index = 0
    for item in items:
        batch.append(item)
        if len(batch) == sizes[min(index, len(sizes) - 1)]:
            yield batch
            batch = []
            index += 1
    if batch:
        yield batch


class RecentlyListed:
    """The ids of the last ``size`` records listed, to tell a record listed a second time.

    Memory stays flat over a run of any length. A record listed again further back
    than ``size`` has long been applied (the runner holds a few records per worker,
    the look-ahead a few batches), so its link or its posting is found when it is
    looked up again.
    """

    def __init__(self, size: int) -> None:
        self._order: deque[str] = deque()
        self._ids: set[str] = set()
        self._size = size

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._ids

    def add(self, record_id: str) -> None:
        """Remember one more id (forgetting the oldest beyond ``size``)."""
        if record_id in self._ids:
            return
        self._order.append(record_id)
        self._ids.add(record_id)
        while len(self._order) > self._size:
            self._ids.discard(self._order.popleft())


class LookAhead(Generic[T, U]):
    """Records of a listing, each batch handed on once ``look_up`` has run over it.

    ``choose`` picks which of a batch's records to look up; it runs on the
    reader thread in listing order, so it can keep track of what was listed
    before. ``look_up`` receives them and fills the run's caches; an error it
    raises stops the iteration there (the records before it were handed on).
    Closing the iterator (the runner stopped: a cancel, an error) stops the
    reader and waits only for the look-ups already sent.
    """

    def __init__(
        self,
        listing: Iterator[T],
        look_up: Callable[[list[U]], None],
        *,
        choose: Callable[[list[T]], list[U]],
        sizes: Sequence[int],
        ahead: int,
        name: str,
        at_once: int = 1,
    ) -> None:
        self._listing = listing
        self._look_up = look_up
        self._choose = choose
        self._sizes = sizes
        self._ahead = ahead
        self._at_once = at_once
        self._name = name

    def __iter__(self) -> Iterator[T]:
        handed: queue.Queue[_Batch[T] | _Failed | _Done] = queue.Queue(maxsize=self._ahead)
        stop = threading.Event()
        pool = ThreadPoolExecutor(self._at_once, thread_name_prefix=f"{self._name}-lookups")

        def hand_over(item: _Batch[T] | _Failed | _Done) -> bool:
            while not stop.is_set():
                try:
                    handed.put(item, timeout=STOP_CHECK_SECONDS)
                    return True
                except queue.Full:
                    continue
            return False

        def read() -> None:
            try:
                for batch in growing_batches(self._listing, self._sizes):
                    if stop.is_set():
                        return
                    looked_up = pool.submit(self._look_up, self._choose(batch))
                    if not hand_over(_Batch(batch, looked_up)):
                        return
                hand_over(_Done())
            except BaseException as exc:  # handed to the runner, which reports it
                hand_over(_Failed(exc))

        reader = threading.Thread(target=read, name=f"{self._name}-reader", daemon=True)
        reader.start()
        try:
            while True:
                item = handed.get()
                if isinstance(item, _Done):
                    return
                if isinstance(item, _Failed):
                    raise item.error
                item.looked_up.result()
                yield from item.records
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            reader.join(timeout=STOP_CHECK_SECONDS * 2)
