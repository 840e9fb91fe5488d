"""What the SAP → Tagrain jobs share: write keys, link upkeep, look-ups of Tagrain records.

Tagrain's contract has no search by code, e-mail, SKU or barcode, so the
jobs that must match existing Tagrain records before creating one read the
collection once per run into a ``TagrainIndex`` (ids and the few matching
keys only) and keep it current with what they write.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Generic, TypeVar

from app.connectors.tagrain.drafts import to_payload
from app.sync.context import SyncContext
from app.sync.jobs.unlinked import marked_among

T = TypeVar("T")
OLDEST = datetime.min


def write_key(object_name: str, source_id: str, base: str | None, payload: Any) -> str:
    """The Idempotency-Key of one Tagrain write.

    Derived from the SAP record's id, what it is written over (``base``: the
    target's Tagrain id and the link's last fingerprint, or ``create``) and
    the content.
    The same write retried after a crash replays; two different records with
    the same content, or a record going A → B → A, are separate writes.
    """
    canonical = json.dumps(
        to_payload(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    raw = f"{object_name}\n{source_id}\n{base or ''}\n{canonical}"
    return "ih-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def relink(
    ctx: SyncContext, object_name: str, tagrain_id: str, sap_key: str, fingerprint: str | None
) -> None:
    """Link an SAP record to a Tagrain record, dropping a stale link of either to another."""
    ctx.binder.bind(object_name, tagrain_id, sap_key, fingerprint=fingerprint)


def linked_sap_keys(ctx: SyncContext, object_name: str) -> set[str]:
    """The SAP keys that already have a link for this object."""
    return ctx.binder.linked_sap_keys(object_name)


class Marks:
    """The SAP keys marked "Sync" for the template, asked of the store once per run (thread-safe).

    A full run loads every mark (``keys``); an incremental one asks only about
    the keys it meets (``among``, ``has``) and remembers the answers.
    """

    def __init__(self, ctx: SyncContext, kind: str) -> None:
        self._ctx = ctx
        self._kind = kind
        self._lock = threading.Lock()
        self._keys: frozenset[str] | None = None
        self._known: dict[str, bool] = {}

    def keys(self) -> frozenset[str]:
        """Every marked key."""
        with self._lock:
            if self._keys is None:
                self._keys = frozenset(self._ctx.binder.marked(self._kind))
            return self._keys

    def among(self, keys: Iterable[str]) -> set[str]:
        """Which of these keys are marked."""
        wanted = list(dict.fromkeys(keys))
        with self._lock:
            if self._keys is not None:
                return {key for key in wanted if key in self._keys}
            unknown = [key for key in wanted if key not in self._known]
        found = (
            marked_among(self._ctx.database, self._ctx.rules.id, self._kind, unknown)
            if unknown
            else set()
        )
        with self._lock:
            self._known.update((key, key in found) for key in unknown)
            return {key for key in wanted if self._known.get(key)}

    def has(self, key: str) -> bool:
        """Whether this key is marked."""
        return bool(self.among((key,)))

    def known(self, keys: Iterable[str]) -> None:
        """Remember keys the store has just said are marked."""
        with self._lock:
            self._known.update((key, True) for key in keys)


def oldest_first(updated_at: datetime | None, key: str) -> tuple[datetime, str]:
    """A sort key putting records without a change time first, then by time, then by key."""
    return ((updated_at or OLDEST).replace(tzinfo=None), key)


class TagrainIndex(Generic[T]):
    """Tagrain records of one collection by matching keys, loaded on first use (thread-safe).

    ``keys`` gives a record's keys, already normalised (``"code:C001"``,
    ``"email:a@b.c"``); several records may share a key (e-mails need not be
    unique), so a look-up returns them all in the order read.
    """

    def __init__(
        self,
        load: Callable[[], Iterable[T]],
        keys: Callable[[T], Iterable[str]],
        id_of: Callable[[T], str],
    ) -> None:
        self._load = load
        self._keys = keys
        self._id_of = id_of
        self._lock = threading.Lock()
        self._records: dict[str, T] | None = None
        self._by_key: dict[str, list[str]] = {}

    def _put(self, records: dict[str, T], record: T) -> None:
        record_id = self._id_of(record)
        old = records.get(record_id)
        if old is not None:
            for key in self._keys(old):
                ids = self._by_key.get(key, [])
                if record_id in ids:
                    ids.remove(record_id)
        records[record_id] = record
        for key in self._keys(record):
            self._by_key.setdefault(key, []).append(record_id)

    def _ensure(self) -> dict[str, T]:
        if self._records is None:
            records: dict[str, T] = {}
            self._by_key = {}
            for record in self._load():
                self._put(records, record)
            self._records = records
        return self._records

    def find(self, key: str) -> list[T]:
        """The records carrying this key."""
        with self._lock:
            records = self._ensure()
            return [records[i] for i in self._by_key.get(key, ())]

    def add(self, record: T) -> None:
        """Remember a record just written (replacing the copy read before, if any)."""
        with self._lock:
            if self._records is not None:
                self._put(self._records, record)

    def reset(self) -> None:
        """Forget everything; the next look-up reads the collection again."""
        with self._lock:
            self._records, self._by_key = None, {}
