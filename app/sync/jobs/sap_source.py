"""What every SAP → Tagrain job shares: reading SAP, applying under error translation.

``SapJob`` is the smallest part: an SAP → Tagrain job applies each record's
payload under ``translate_errors``. ``SapSourceJob`` is the lifecycle of the
jobs over SAP master data marked "Sync" for the template (customers, items):

- read: the marked records changed since the watermark plus the marked ones
  that have no link yet (newly marked records whose last change is older
  than the watermark; see ``unlinked``: only recent marks are looked at, so
  the run does not grow with the company); a full run reads every marked
  record, oldest change first. Either way, the records the run has just
  retried are not read again;
- count (a full run: the marked records) and fetch for a retry;
- apply: a record no longer marked is skipped; else its dependencies are
  resolved, and it is skipped (its link's fingerprint is unchanged), updated
  over its link, linked to a matching Tagrain record or created;
- bind: the link, and the Tagrain id written back into SAP's ``U_TG_ID``;
- the index of the Tagrain collection the unlinked records are matched in.

A job declares its SAP reader and write-back, its marks kind, link object,
Tagrain collection with its matching keys, and its mapper (``resolve``,
``fingerprint``, ``update``, ``link`` and ``create_body``).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from app.connectors.tagrain.errors import TagrainNotFoundError, TagrainValidationError
from app.sync.binder import Binding
from app.sync.context import SyncContext
from app.sync.job import ContextJob
from app.sync.jobs.common_up import (
    Marks,
    TagrainIndex,
    oldest_first,
    relink,
    write_key,
)
from app.sync.jobs.errors import translate_errors
from app.sync.jobs.unlinked import KEYS_PER_QUERY, batched, unlinked_marks
from app.sync.records import Action, Outcome, SourceRecord


class SapRecord(Protocol):
    """What every marked SAP record carries: its change time and the Tagrain id in U_TG_ID."""

    @property
    def updated_at(self) -> datetime | None: ...

    @property
    def tagrain_id(self) -> str | None: ...


class TagrainRecord(Protocol):
    """A Tagrain record: only its id matters to the lifecycle."""

    @property
    def id(self) -> str: ...


P = TypeVar("P")
S = TypeVar("S", bound=SapRecord)
T = TypeVar("T", bound=TagrainRecord)
D = TypeVar("D")


class SapJob(ContextJob, Generic[P]):
    """An SAP → Tagrain job: each record's payload is applied under ``translate_errors``."""

    direction = "to_tagrain"

    @abstractmethod
    def apply_record(self, payload: P) -> Outcome:
        """Apply one record's payload to Tagrain."""

    def apply(self, record: SourceRecord) -> Outcome:
        with translate_errors():
            return self.apply_record(record.payload)


class SapSourceJob(SapJob[S], Generic[S, T, D]):
    """An SAP → Tagrain job over the SAP records marked "Sync" for the template.

    ``S`` is the SAP record, ``T`` the Tagrain record, ``D`` what a record
    needs resolved before it is mapped (its groups' Tagrain ids).
    """

    parallel = True
    marks_kind: str
    """The kind of SAP record marked for the template ("customer", "item")."""
    links: str
    """The object name the links live under (shared with the other direction)."""
    unique_field: str
    """The Tagrain field a create is refused on when another record already has it."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self.marks = Marks(ctx, self.marks_kind)
        self.retried: set[str] = set()
        self.index: TagrainIndex[T] = TagrainIndex(
            self.tagrain_records, self.tagrain_keys, lambda record: record.id
        )

    @abstractmethod
    def key_of(self, record: S) -> str:
        """The SAP key of a record (the one marked and linked)."""

    @abstractmethod
    def sap_records(
        self, *, since: datetime | None = None, codes: list[str] | None = None
    ) -> Iterable[S]:
        """The SAP records with these keys, or the ones changed since ``since``."""

    @abstractmethod
    def sap_record(self, key: str) -> S | None:
        """One SAP record again (None when it no longer exists)."""

    @abstractmethod
    def set_tagrain_id(self, key: str, tagrain_id: str) -> None:
        """Write the Tagrain id into the SAP record's ``U_TG_ID``."""

    @abstractmethod
    def tagrain_records(self) -> Iterable[T]:
        """Every record of the Tagrain collection (read once a run, for matching)."""

    @abstractmethod
    def tagrain_record(self, tagrain_id: str) -> T:
        """One Tagrain record (raises TagrainNotFoundError when there is none)."""

    @abstractmethod
    def tagrain_write(self, tagrain_id: str | None, payload: dict[str, Any], key: str) -> T:
        """Create (``tagrain_id`` None) or update a Tagrain record with this Idempotency-Key."""

    @abstractmethod
    def tagrain_keys(self, record: T) -> Iterable[str]:
        """The normalised keys a Tagrain record is matched by (``"sku:A1"``)."""

    @abstractmethod
    def match_keys(self, record: S) -> Iterable[tuple[str, str]]:
        """The index keys an SAP record is matched by, in order, each with how it is told."""

    @abstractmethod
    def resolve(self, record: S) -> D:
        """The record's dependencies (its groups pushed to Tagrain when not linked yet)."""

    @abstractmethod
    def fingerprint(self, record: S, deps: D) -> str:
        """What the link remembers of the record; an equal fingerprint is skipped."""

    @abstractmethod
    def update(self, record: S, deps: D, current: T, link: Binding, fingerprint: str) -> Outcome:
        """Bring the linked Tagrain record up to the SAP record."""

    @abstractmethod
    def link(self, record: S, deps: D, match: T, how: str, fingerprint: str) -> Outcome:
        """Link the record to a matching Tagrain record (``how`` it matched), not duplicating it."""

    @abstractmethod
    def create_body(self, record: S, deps: D) -> dict[str, Any]:
        """The Tagrain record to create (RecordError when it cannot be)."""

    def marked(self) -> frozenset[str]:
        """The SAP keys marked for the template (read once a run)."""
        return self.marks.keys()

    def may_link(self, record: S, candidate: T) -> bool:
        """Whether a candidate may be linked to the record at all (before its links are asked)."""
        return True

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        with translate_errors():
            if since is None:
                marked = self.marked()
                records = sorted(
                    self.sap_records(codes=sorted(marked - self.retried)) if marked else (),
                    key=lambda r: oldest_first(r.updated_at, self.key_of(r)),
                )
                for record in records:
                    yield SourceRecord(self.key_of(record), record.updated_at, record)
                return
            seen = set(self.retried)
            unlinked = [key for key in self.unlinked() if key not in seen]
            self.marks.known(unlinked)
            for record in self.sap_records(codes=unlinked) if unlinked else ():
                seen.add(self.key_of(record))
                yield SourceRecord(self.key_of(record), None, record)
            for page in batched(self.sap_records(since=since), KEYS_PER_QUERY):
                changed = self.marks.among(self.key_of(record) for record in page)
                for record in page:
                    key = self.key_of(record)
                    if key in changed and key not in seen:
                        yield SourceRecord(key, record.updated_at, record)

    def unlinked(self) -> list[str]:
        """The marked keys with no link yet, sorted (made or moved since the last full read)."""
        return unlinked_marks(
            self.ctx.database, self.ctx.rules.id, self.marks_kind, self.links, self.object_name
        )

    def count(self, since: datetime | None) -> int | None:
        return len(self.marked()) if since is None else None

    def fetch(self, source_id: str) -> SourceRecord | None:
        self.retried.add(source_id)
        with translate_errors():
            record = self.sap_record(source_id)
        if record is None:
            return None
        return SourceRecord(self.key_of(record), record.updated_at, record)

    def apply(self, record: SourceRecord) -> Outcome:
        if not self.marks.has(self.key_of(record.payload)):
            return Outcome(Action.SKIPPED, message="no longer marked for this template")
        return super().apply(record)

    def apply_record(self, payload: S) -> Outcome:
        deps = self.resolve(payload)
        fingerprint = self.fingerprint(payload, deps)
        link = self.ctx.binder.by_sap(self.links, self.key_of(payload))
        if link is not None:
            if link.fingerprint == fingerprint:
                self.write_back(payload, link.tagrain_id)
                return Outcome(Action.SKIPPED, target_key=link.tagrain_id)
            current = self.get(link.tagrain_id)
            if current is not None:
                return self.update(payload, deps, current, link, fingerprint)
        match, how = self.match(payload)
        if match is not None:
            return self.link(payload, deps, match, how, fingerprint)
        return self.create(payload, deps, fingerprint)

    def create(self, record: S, deps: D, fingerprint: str) -> Outcome:
        """Create the Tagrain record; one another run created meanwhile is matched and linked."""
        body = self.create_body(record, deps)
        key = write_key(self.links, self.key_of(record), "create", body)
        try:
            created = self.tagrain_write(None, body, key)
        except TagrainValidationError as exc:
            if exc.field != self.unique_field:
                raise
            self.index.reset()
            match, how = self.match(record)
            if match is None:
                raise
            return self.link(record, deps, match, how, fingerprint)
        self.done(record, created, fingerprint)
        return Outcome(Action.CREATED, target_key=created.id)

    def get(self, tagrain_id: str) -> T | None:
        """The Tagrain record, or None when it no longer exists."""
        try:
            return self.tagrain_record(tagrain_id)
        except TagrainNotFoundError:
            return None

    def candidates(self, record: S) -> Iterator[tuple[T, str]]:
        """Tagrain records that may be the SAP record, best first, each with how it was found."""
        for key, how in self.match_keys(record):
            for found in self.index.find(key):
                yield found, how

    def match(self, record: S) -> tuple[T | None, str]:
        """The first candidate not linked to another SAP record, and how it matched."""
        sap_key = self.key_of(record)
        for candidate, how in self.candidates(record):
            if not self.may_link(record, candidate):
                continue
            other = self.ctx.binder.by_tagrain(self.links, candidate.id)
            if other is None or other.sap_key == sap_key:
                return candidate, how
        return None, ""

    def write(self, record: S, tagrain_id: str, payload: dict[str, Any], base: str) -> T:
        """Update a Tagrain record, keyed by the record, what it is written over and the content."""
        key = write_key(self.links, self.key_of(record), base, payload)
        return self.tagrain_write(tagrain_id, payload, key)

    def done(self, record: S, written: T, fingerprint: str) -> None:
        """Remember a Tagrain record just written and bind the SAP record to it."""
        self.index.add(written)
        self.bind(record, written.id, fingerprint)

    def bind(self, record: S, tagrain_id: str, fingerprint: str) -> None:
        """Link the records and write the Tagrain id back into SAP."""
        relink(self.ctx, self.links, tagrain_id, self.key_of(record), fingerprint)
        self.write_back(record, tagrain_id)

    def write_back(self, record: S, tagrain_id: str) -> None:
        """Write the Tagrain id into ``U_TG_ID`` unless SAP already carries it."""
        if record.tagrain_id != tagrain_id:
            self.set_tagrain_id(self.key_of(record), tagrain_id)
