"""The binder: the one owner of links (Tagrain id ↔ SAP key) during a run.

Jobs and their dependency resolvers run on worker threads; they *bind* what
they created or matched, and the binding is visible at once to every later
look-up of the run. Nothing is written to the store from a worker: the
runner's thread takes each record's bindings (``RecordWork``) and writes them
with the record's log row in one transaction (``write``), a relink included —
the stale link of either side is dropped in that same transaction. In a
preview the bindings stay in memory and are never written.

A link also names the SAP company it belongs to. A template pointed at
another company database would otherwise take the first company's keys for
the second's; ``check_company`` refuses such a run with a clear message.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from app.store import Database, Link, SyncMark
from app.sync.records import Action, Outcome, RunError


@dataclass(frozen=True)
class Binding:
    """One record's identity on both sides, as a link row holds it."""

    object: str
    tagrain_id: str
    sap_key: str
    sap_secondary_key: str | None = None
    sap_doc_num: str | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class PreviewRow:
    """One write a preview would have made: which side, what, and about which record."""

    side: str  # "SAP" or "Tagrain"
    action: str  # create, update, cancel, link
    what: str  # "A/R invoice", "business partner", "customer", ...
    key: str
    detail: str = ""

    def describe(self) -> str:
        """The row as a sentence for the record log and the CLI."""
        text = f"would {self.action} {self.side} {self.what} {self.key}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class DependencyOutcome:
    """A record of another object that applying a record created or linked on the way."""

    object: str
    source_id: str
    outcome: Outcome


@dataclass
class RecordWork:
    """What applying one record bound, resolved on the way and (in a preview) would write."""

    bindings: list[Binding] = field(default_factory=list)
    previews: list[PreviewRow] = field(default_factory=list)
    dependencies: list[DependencyOutcome] = field(default_factory=list)


def note_dependency(object_name: str, source_id: str, outcome: Outcome) -> None:
    """Log a dependency created or linked while applying the current record.

    The runner writes it as a log row of its own object in the same run, so a
    customer or item created for a sale shows in the log like any record.
    """
    work = current_work()
    if work is not None and outcome.action is not Action.SKIPPED:
        work.dependencies.append(DependencyOutcome(object_name, source_id, outcome))


LINKS_PER_QUERY = 500
"""Tagrain ids per IN (...) when many links are read at once."""
PRIMED_LIMIT = 2000
"""Links read ahead for a page of records and kept in memory (the oldest go first)."""

_current = threading.local()


def current_work() -> RecordWork | None:
    """The work of the record this thread is applying (None outside a record)."""
    return getattr(_current, "work", None)


@contextmanager
def record_work(binder: Binder | None = None) -> Iterator[RecordWork]:
    """Collect what the record applied on this thread binds and previews.

    When applying the record breaks off with an exception, what it bound will
    never be written: ``binder`` forgets it, so no later look-up of the run
    trusts a link the store does not have.
    """
    work = RecordWork()
    previous = current_work()
    _current.work = work
    try:
        yield work
    except BaseException:
        if binder is not None:
            binder.forget(work.bindings)
        raise
    finally:
        _current.work = previous


class Binder:
    """Links of one template: read from the store, bound in memory, written by the runner.

    Thread-safe. ``preview``: bindings are kept for the run only and never written.
    """

    def __init__(
        self, database: Database, template_id: int, company_db: str, *, preview: bool = False
    ) -> None:
        self.database = database
        self.template_id = template_id
        self.company_db = company_db
        self.preview = preview
        self._lock = threading.Lock()
        self._by_tagrain: dict[tuple[str, str], Binding] = {}
        self._by_sap: dict[tuple[str, str], Binding] = {}
        self._primed: OrderedDict[tuple[str, str], Binding | None] = OrderedDict()

    def check_company(self) -> None:
        """RunError when the template's links belong to another SAP company.

        Two index seeks (a key below, a key above this company) however many
        links there are; the links are counted only to word the refusal.
        """
        template = Link.template_id == self.template_id
        with self.database.session() as session:
            other = None
            for beyond in (
                Link.sap_company_db < self.company_db,
                Link.sap_company_db > self.company_db,
            ):
                other = session.scalars(
                    select(Link.sap_company_db).where(template, beyond).limit(1)
                ).first()
                if other is not None:
                    break
            if other is None:
                return
            count = session.scalar(
                select(func.count()).where(template, Link.sap_company_db == other)
            )
        raise RunError(
            f"this template now points at SAP company {self.company_db!r}, but its "
            f"{count} links were made in company {other!r}: what is linked there is not "
            f"in {self.company_db!r}. Point the template back at {other!r}, or add a new "
            f"template for {self.company_db!r} (Administration → Integration Hub → Templates)"
        )

    def by_tagrain(self, object_name: str, tagrain_id: str) -> Binding | None:
        """The link of a Tagrain record."""
        key = (object_name, tagrain_id)
        with self._lock:
            bound = self._by_tagrain.get(key)
            if bound is not None:
                return bound
            if key in self._primed:
                return self._primed[key]
        return self._read(object_name, Link.tagrain_id == tagrain_id)

    def prime(self, object_name: str, tagrain_ids: Iterable[str], *, own: bool = True) -> None:
        """Read the links of a page of records at once.

        Later look-ups of these ids are answered from memory instead of one query
        each. For the object the run holds the lease of (``own``) that includes
        "no link": nothing else binds its links meanwhile, and what this run binds
        is looked up first. For another object (a sale's customers) only the links
        found are kept; a missing one is looked up in the store when asked for,
        as another run may be linking it. The most recent ``PRIMED_LIMIT`` are kept.
        """
        wanted = list(dict.fromkeys(tagrain_ids))
        found = self.links_of(object_name, wanted)
        with self._lock:
            for tagrain_id in wanted:
                key = (object_name, tagrain_id)
                link = found.get(tagrain_id)
                if link is None and not own:
                    continue
                self._primed[key] = link
                self._primed.move_to_end(key)
            while len(self._primed) > PRIMED_LIMIT:
                self._primed.popitem(last=False)

    def by_sap(self, object_name: str, sap_key: str) -> Binding | None:
        """The link of an SAP record."""
        with self._lock:
            bound = self._by_sap.get((object_name, sap_key))
        if bound is not None:
            return bound
        return self._read(object_name, Link.sap_key == sap_key)

    def _read(self, object_name: str, condition: object) -> Binding | None:
        with self.database.session() as session:
            link = session.scalars(
                select(Link).where(
                    Link.template_id == self.template_id,
                    Link.object == object_name,
                    condition,  # type: ignore[arg-type]
                )
            ).first()
            return None if link is None else _binding(link)

    def links_of(self, object_name: str, tagrain_ids: Iterable[str]) -> dict[str, Binding]:
        """The links of many Tagrain records at once (absent: no link), read in chunks."""
        wanted = list(dict.fromkeys(tagrain_ids))
        found: dict[str, Binding] = {}
        with self.database.session() as session:
            for start in range(0, len(wanted), LINKS_PER_QUERY):
                chunk = wanted[start : start + LINKS_PER_QUERY]
                for link in session.scalars(
                    select(Link).where(
                        Link.template_id == self.template_id,
                        Link.object == object_name,
                        Link.tagrain_id.in_(chunk),
                    )
                ):
                    found[link.tagrain_id] = _binding(link)
        with self._lock:
            for tagrain_id in wanted:
                bound = self._by_tagrain.get((object_name, tagrain_id))
                if bound is not None:
                    found[tagrain_id] = bound
        return found

    def linked_sap_keys(self, object_name: str) -> set[str]:
        """The SAP keys that have a link for this object (bound in this run included)."""
        with self.database.session() as session:
            keys = set(
                session.scalars(
                    select(Link.sap_key).where(
                        Link.template_id == self.template_id, Link.object == object_name
                    )
                )
            )
        with self._lock:
            keys.update(key for (name, key) in self._by_sap if name == object_name)
        return keys

    def bind(
        self,
        object_name: str,
        tagrain_id: str,
        sap_key: str,
        *,
        sap_secondary_key: str | None = None,
        sap_doc_num: str | None = None,
        fingerprint: str | None = None,
    ) -> Binding:
        """Link a Tagrain record and an SAP record (either's old link to another goes).

        Visible to every look-up of this run at once; written to the store by the
        runner with the log row of the record being applied.
        """
        old = self.by_tagrain(object_name, tagrain_id)
        binding = Binding(
            object=object_name,
            tagrain_id=tagrain_id,
            sap_key=sap_key,
            sap_secondary_key=sap_secondary_key
            or (old.sap_secondary_key if old and old.sap_key == sap_key else None),
            sap_doc_num=sap_doc_num
            or (old.sap_doc_num if old and old.sap_key == sap_key else None),
            fingerprint=fingerprint,
        )
        with self._lock:
            if old is not None and old.sap_key != sap_key:
                self._by_sap.pop((object_name, old.sap_key), None)
            stale = self._by_sap.get((object_name, sap_key))
            if stale is not None and stale.tagrain_id != tagrain_id:
                self._by_tagrain.pop((object_name, stale.tagrain_id), None)
            self._by_tagrain[(object_name, tagrain_id)] = binding
            self._by_sap[(object_name, sap_key)] = binding
        work = current_work()
        if work is not None:
            work.bindings.append(binding)
        return binding

    def write(self, session: Session, bindings: list[Binding]) -> None:
        """Write bindings in the caller's transaction (the runner's, with the record's log row).

        Each is a relink: a link of the same SAP key to another Tagrain record,
        or of the same Tagrain record to another SAP key, is replaced.
        """
        if self.preview or not bindings:
            return
        now = datetime.now(UTC)
        tagrain_ids = {(b.object, b.tagrain_id) for b in bindings}
        sap_keys = {(b.object, b.sap_key) for b in bindings}
        if len(tagrain_ids) < len(bindings) or len(sap_keys) < len(bindings):
            # The same record bound twice in one group: one after the other, in order.
            for binding in bindings:
                self._write_group(session, [binding], now)
            return
        self._write_group(session, bindings, now)

    def _write_group(self, session: Session, bindings: list[Binding], now: datetime) -> None:
        """Write bindings that share no Tagrain id and no SAP key, in a few statements."""
        links = cast(Table, Link.__table__)
        connection = session.connection()
        connection.execute(
            links.delete().where(
                links.c.template_id == self.template_id,
                links.c.object == bindparam("b_object"),
                links.c.sap_key == bindparam("b_key"),
                links.c.tagrain_id != bindparam("b_tagrain"),
            ),
            [
                {"b_object": b.object, "b_key": b.sap_key, "b_tagrain": b.tagrain_id}
                for b in bindings
            ],
        )
        old: dict[tuple[str, str], Any] = {}
        for object_name in {b.object for b in bindings}:
            wanted = [b.tagrain_id for b in bindings if b.object == object_name]
            for start in range(0, len(wanted), LINKS_PER_QUERY):
                for row in connection.execute(
                    select(
                        links.c.id,
                        links.c.tagrain_id,
                        links.c.sap_secondary_key,
                        links.c.sap_doc_num,
                    ).where(
                        links.c.template_id == self.template_id,
                        links.c.object == object_name,
                        links.c.tagrain_id.in_(wanted[start : start + LINKS_PER_QUERY]),
                    )
                ):
                    old[(object_name, row.tagrain_id)] = row
        new_rows, changed_rows = [], []
        for binding in bindings:
            values = {
                "sap_key": binding.sap_key,
                "sap_company_db": self.company_db,
                "fingerprint": binding.fingerprint,
                "synced_at": now,
            }
            known = old.get((binding.object, binding.tagrain_id))
            if known is None:
                new_rows.append(
                    {
                        "template_id": self.template_id,
                        "object": binding.object,
                        "tagrain_id": binding.tagrain_id,
                        "sap_secondary_key": binding.sap_secondary_key,
                        "sap_doc_num": binding.sap_doc_num,
                        **values,
                    }
                )
            else:
                changed_rows.append(
                    {
                        "b_id": known.id,
                        "sap_secondary_key": binding.sap_secondary_key or known.sap_secondary_key,
                        "sap_doc_num": binding.sap_doc_num or known.sap_doc_num,
                        **values,
                    }
                )
        if new_rows:
            connection.execute(links.insert(), new_rows)
        if changed_rows:
            connection.execute(links.update().where(links.c.id == bindparam("b_id")), changed_rows)

    def written(self, bindings: list[Binding]) -> None:
        """Forget bindings the store now holds (memory stays flat over a long run).

        A link read ahead that named one of their SAP keys for another record was
        replaced by the relink, so it is dropped from memory too.
        """
        if self.preview:
            return
        self.forget(bindings)
        taken = {(b.object, b.sap_key) for b in bindings}
        with self._lock:
            stale = [
                key
                for key, primed in self._primed.items()
                if primed is not None and (key[0], primed.sap_key) in taken
            ]
            for key in stale:
                del self._primed[key]

    def run_ended(self, *, preview: bool) -> None:
        """Forget what only held while a run had its lease.

        Primed "no link" answers were true while no other run could link those
        records. After a real run every binding it recorded has been written, so
        one still in memory belongs to a record that was never recorded (the run
        stopped between posting and recording): the store, and the next run's
        look-up by the Tagrain id, are the truth for it, not this memory. A
        preview's bindings were never to be written; they stay for the rest of
        the preview.
        """
        with self._lock:
            self._primed.clear()
            if not preview:
                self._by_tagrain.clear()
                self._by_sap.clear()

    def forget(self, bindings: list[Binding]) -> None:
        """Drop bindings from memory (written, or never to be written)."""
        with self._lock:
            for binding in bindings:
                key = (binding.object, binding.tagrain_id)
                self._primed.pop(key, None)
                if self._by_tagrain.get(key) is binding:
                    del self._by_tagrain[key]
                sap = (binding.object, binding.sap_key)
                if self._by_sap.get(sap) is binding:
                    del self._by_sap[sap]

    def marked(self, kind: str) -> list[str]:
        """SAP keys marked "Sync" for this template (kind: customer or item)."""
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(SyncMark.sap_key)
                    .where(SyncMark.template_id == self.template_id, SyncMark.kind == kind)
                    .order_by(SyncMark.sap_key)
                )
            )


def _binding(link: Link) -> Binding:
    return Binding(
        object=link.object,
        tagrain_id=link.tagrain_id,
        sap_key=link.sap_key,
        sap_secondary_key=link.sap_secondary_key,
        sap_doc_num=link.sap_doc_num,
        fingerprint=link.fingerprint,
    )
