"""SQLite storage of the Tagrain sandbox: records, paging, inventory, idempotency.

Every record of every collection is one row: its JSON body as served, its
``updated_at`` in microseconds and a unique key (code, SKU or lower-cased
name) where the collection has one. One connection serves all threads behind
one lock; an in-memory database works the same as a file.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    unique_key TEXT,
    body TEXT NOT NULL,
    UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS records_page ON records (collection, updated_us, id);
CREATE UNIQUE INDEX IF NOT EXISTS records_unique
    ON records (collection, unique_key) WHERE unique_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS inventory (
    store_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (store_id, sku)
);
CREATE INDEX IF NOT EXISTS inventory_page ON inventory (store_id, updated_us, sku);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_us INTEGER NOT NULL
);
"""


class BadCursor(ValueError):
    """A cursor this sandbox did not hand out."""


def encode_cursor(updated_us: int, key: str) -> str:
    """The opaque cursor after the row ``(updated_us, key)``."""
    raw = json.dumps([updated_us, key], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The ``(updated_us, key)`` a cursor encodes; BadCursor when it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        updated_us, key = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(updated_us, int) or not isinstance(key, str):
        raise BadCursor(cursor)
    return updated_us, key


@dataclass(frozen=True)
class Page:
    """One page of a listing: the JSON bodies as stored and the next cursor."""

    bodies: list[str]
    next_cursor: str | None


@dataclass(frozen=True)
class Row:
    """A record to insert in bulk."""

    collection: str
    id: str
    updated_us: int
    unique_key: str | None
    body: dict[str, Any]


class Database:
    """The sandbox's SQLite database; every method is thread-safe."""

    def __init__(self, path: str | Path | None = None) -> None:
        target = ":memory:" if path is None else str(path)
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock (nested use joins the outer one)."""
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def next_number(self, collection: str) -> int:
        """The next serial number for a new record of ``collection``."""
        with self.transaction() as conn:
            key = f"counter:{collection}"
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            number = (int(row[0]) if row else 0) + 1
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, number))
        return number

    def max_updated_us(self) -> int:
        """The latest ``updated_at`` of any record or inventory level (0 when empty)."""
        with self._lock:
            a = self._conn.execute("SELECT MAX(updated_us) FROM records").fetchone()[0]
            b = self._conn.execute("SELECT MAX(updated_us) FROM inventory").fetchone()[0]
        return max(a or 0, b or 0)

    def insert_rows(self, rows: Iterable[Row]) -> None:
        """Insert records in bulk (used by the seed)."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO records (collection, id, updated_us, unique_key, body)"
                " VALUES (?, ?, ?, ?, ?)",
                ((r.collection, r.id, r.updated_us, r.unique_key, _dump(r.body)) for r in rows),
            )

    def insert(self, row: Row) -> None:
        """Insert one record (sqlite3.IntegrityError on a duplicate unique key)."""
        self.insert_rows([row])

    def replace(
        self,
        collection: str,
        id: str,
        updated_us: int,
        unique_key: str | None,
        body: dict[str, Any],
    ) -> None:
        """Overwrite one existing record."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE records SET updated_us = ?, unique_key = ?, body = ?"
                " WHERE collection = ? AND id = ?",
                (updated_us, unique_key, _dump(body), collection, id),
            )

    def get(self, collection: str, id: str) -> dict[str, Any] | None:
        """One record's body, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM records WHERE collection = ? AND id = ?", (collection, id)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def find_by_key(self, collection: str, unique_key: str) -> dict[str, Any] | None:
        """The record of ``collection`` holding ``unique_key``, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM records WHERE collection = ? AND unique_key = ?",
                (collection, unique_key),
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def ids_by_key(self, collection: str, keys: list[str]) -> dict[str, str]:
        """``unique_key -> id`` for the keys of ``collection`` that exist."""
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, id in self._conn.execute(
                    f"SELECT unique_key, id FROM records WHERE collection = ?"
                    f" AND unique_key IN ({marks})",
                    (collection, *chunk),
                ):
                    found[key] = id
        return found

    def exists(self, collection: str, id: str) -> bool:
        """Whether the record exists."""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM records WHERE collection = ? AND id = ?", (collection, id)
            ).fetchone()
        return row is not None

    def count(self, collection: str) -> int:
        """How many records ``collection`` holds."""
        with self._lock:
            return int(
                self._conn.execute(
                    "SELECT COUNT(*) FROM records WHERE collection = ?", (collection,)
                ).fetchone()[0]
            )

    def bodies(self, collection: str) -> list[dict[str, Any]]:
        """Every record body of ``collection`` in id order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT body FROM records WHERE collection = ? ORDER BY id", (collection,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def ids(self, collection: str) -> list[str]:
        """Every id of ``collection`` in id order."""
        with self._lock:
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM records WHERE collection = ? ORDER BY id", (collection,)
                )
            ]

    def page(
        self, collection: str, since_us: int | None, after: tuple[int, str] | None, limit: int
    ) -> Page:
        """The page of ``collection`` ordered by ``(updated_at, id)``."""
        sql = "SELECT updated_us, id, body FROM records WHERE collection = ?"
        return self._page(sql, [collection], "id", since_us, after, limit)

    def inventory_page(
        self, store_id: str, since_us: int | None, after: tuple[int, str] | None, limit: int
    ) -> Page:
        """The page of a store's inventory ordered by ``(updated_at, sku)``."""
        sql = "SELECT updated_us, sku, body FROM inventory WHERE store_id = ?"
        return self._page(sql, [store_id], "sku", since_us, after, limit)

    def _page(
        self,
        sql: str,
        args: list[Any],
        key: str,
        since_us: int | None,
        after: tuple[int, str] | None,
        limit: int,
    ) -> Page:
        if since_us is not None:
            sql += " AND updated_us >= ?"
            args.append(since_us)
        if after is not None:
            sql += f" AND (updated_us, {key}) > (?, ?)"
            args.extend(after)
        sql += f" ORDER BY updated_us, {key} LIMIT ?"
        args.append(limit + 1)
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = encode_cursor(rows[-1][0], rows[-1][1]) if more else None
        return Page([r[2] for r in rows], cursor)

    def put_inventory(
        self, store_id: str, levels: Iterable[tuple[str, int, dict[str, Any]]]
    ) -> None:
        """Set inventory levels ``(sku, updated_us, body)`` of one store."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO inventory (store_id, sku, updated_us, body)"
                " VALUES (?, ?, ?, ?)",
                ((store_id, sku, us, _dump(body)) for sku, us, body in levels),
            )

    def inventory_level(self, store_id: str, sku: str) -> dict[str, Any] | None:
        """One inventory level, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM inventory WHERE store_id = ? AND sku = ?", (store_id, sku)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def remembered(self, key: str, not_before_us: int) -> tuple[str, int, str] | None:
        """The ``(fingerprint, status, body)`` first answered under an idempotency key."""
        with self._lock:
            row = self._conn.execute(
                "SELECT fingerprint, status, body FROM idempotency"
                " WHERE key = ? AND created_us >= ?",
                (key, not_before_us),
            ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), str(row[2]))

    def remember(self, key: str, fingerprint: str, status: int, body: str, now_us: int) -> None:
        """Keep the answer given under an idempotency key."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO idempotency (key, fingerprint, status, body, created_us)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, fingerprint, status, body, now_us),
            )


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


PREFIXES = {
    "stores": "st",
    "customer-groups": "cg",
    "product-groups": "pg",
    "manufacturers": "mf",
    "customers": "cu",
    "products": "pr",
    "sales": "sa",
    "refunds": "rf",
    "expenses": "ex",
}


def record_id(collection: str, number: int) -> str:
    """The opaque id of the ``number``-th record of ``collection``."""
    return f"{PREFIXES[collection]}_{number:08d}"
