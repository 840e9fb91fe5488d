"""Live mode: a background till that keeps ringing up sales, refunds and expenses.

Every ``interval`` seconds one ``tick`` writes a few new records (and now and
then voids a recent sale or settles an on-account one), so a scheduled sync in
the demo always finds fresh work. The sequence of events is fixed by the seed;
only the timestamps follow the clock.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from decimal import Decimal

from app.sandbox.tagrain.activity import Body, Catalog, Till
from app.sandbox.tagrain.clock import Clock, parse
from app.sandbox.tagrain.db import Database, Row, record_id


class LiveMode:
    """Rings up new activity every few seconds until stopped."""

    def __init__(self, db: Database, clock: Clock, seed: int = 1) -> None:
        self.db = db
        self.clock = clock
        self.rng = random.Random(seed * 1_000_003 + 17)
        self._till: Till | None = None
        self._recent: deque[Body] = deque(maxlen=50)
        self._refunded: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tick_lock = threading.Lock()
        self.ticks = 0

    @property
    def running(self) -> bool:
        """Whether the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, interval: float) -> None:
        """Tick every ``interval`` seconds in a daemon thread (no-op when running)."""
        if interval <= 0:
            raise ValueError("the live interval must be positive")
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name="tagrain-live", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop ticking and wait for the thread; after it returns nothing more is written."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.tick()

    def tick(self) -> int:
        """Ring up one round of activity now; returns how many records were written."""
        with self._tick_lock, self.db.transaction():
            till, rng = self._ready(), self.rng
            written = 0
            for _ in range(rng.choice((1, 1, 2, 3))):
                sale = till.sale(self._new_id("sales"), self.clock.now_us())
                self._insert("sales", sale)
                self._recent.append(sale)
                written += 1
            open_sales = [s for s in self._recent if s["id"] not in self._refunded]
            if open_sales and rng.random() < 0.3:
                sale = rng.choice(open_sales)
                if sale["status"] != "voided":
                    refund = till.refund(self._new_id("refunds"), sale, self.clock.now_us())
                    self._insert("refunds", refund)
                    self._refunded.add(sale["id"])
                    written += 1
            if rng.random() < 0.25:
                expense = till.expense(self._new_id("expenses"), self.clock.now_us())
                self._insert("expenses", expense)
                written += 1
            written += self._change_recent(till, rng)
            self.ticks += 1
            return written

    def leave_alone(self, ids: Iterable[str]) -> None:
        """Never void, settle or refund these sales (a test changes them behind the till)."""
        gone = set(ids)
        with self._tick_lock:
            for sale in [s for s in self._recent if s["id"] in gone]:
                self._recent.remove(sale)
            self._refunded |= gone

    def refund(self, sale_id: str) -> Body:
        """Refund (fully or partly) the sale ``sale_id`` now; returns the refund."""
        with self._tick_lock, self.db.transaction():
            sale = self.db.get("sales", sale_id)
            if sale is None:
                raise KeyError(sale_id)
            if sale["status"] == "voided":
                raise ValueError(f"sale {sale_id} is voided")
            refund = self._ready().refund(self._new_id("refunds"), sale, self.clock.now_us())
            self._insert("refunds", refund)
            return refund

    def ring_up(self, store_code: str, items: list[tuple[str, Decimal]], scan: bool = True) -> Body:
        """Sell these (SKU, quantity) pairs now in a store, walk-in, cash; returns the sale."""
        with self._tick_lock, self.db.transaction():
            till = self._ready()
            store = next(s for s in till.catalog.stores if s.code == store_code)
            sale = till.ring_up(self._new_id("sales"), self.clock.now_us(), store, items, scan)
            self._insert("sales", sale)
            self._refunded.add(sale["id"])
            return sale

    def scan_missing(self, sale_id: str) -> Body:
        """Add the serial and batch numbers a sale's lines lack now (its ``updated_at`` moves)."""
        with self._tick_lock, self.db.transaction():
            sale = self.db.get("sales", sale_id)
            if sale is None:
                raise KeyError(sale_id)
            changed = self._ready().scan_missing(sale, self.clock.now_us())
            self.db.replace("sales", sale_id, parse(changed["updated_at"]), None, changed)
            return changed

    def settle(self, sale_id: str) -> Body:
        """Pay an on-account sale now (by card); returns the changed sale."""
        with self._tick_lock, self.db.transaction():
            sale = self.db.get("sales", sale_id)
            if sale is None or sale["status"] != "on_account":
                raise ValueError(f"sale {sale_id} is not on account")
            changed = self._ready().settle(sale, self.clock.now_us())
            self.db.replace("sales", sale_id, parse(changed["updated_at"]), None, changed)
            return changed

    def _ready(self) -> Till:
        if self._till is None:
            self._till = Till(Catalog.load(self.db), self.rng, self.db.next_number)
        return self._till

    def _change_recent(self, till: Till, rng: random.Random) -> int:
        roll = rng.random()
        candidates = [s for s in self._recent if s["id"] not in self._refunded]
        if roll < 0.08:
            candidates = [s for s in candidates if s["status"] == "completed"]
            change = till.void
        elif roll < 0.16:
            candidates = [s for s in candidates if s["status"] == "on_account"]
            change = till.settle
        else:
            return 0
        if not candidates:
            return 0
        sale = rng.choice(candidates)
        changed = change(sale, self.clock.now_us())
        self.db.replace("sales", sale["id"], parse(changed["updated_at"]), None, changed)
        self._recent.remove(sale)
        self._recent.append(changed)
        return 1

    def _new_id(self, collection: str) -> str:
        return record_id(collection, self.db.next_number(collection))

    def _insert(self, collection: str, body: Body) -> None:
        self.db.insert(Row(collection, body["id"], parse(body["updated_at"]), None, body))
