"""Bulk marking: which customers and items a template synchronizes (Qt-free core).

The "Set Customers / Set Items for Synchronization" matrices read SAP records
by code and group range together with what the store knows about each one
(the template it is marked for, when it was last synced), and save the
user's ticks as ``SyncMark`` rows in one transaction. A record is marked for
one template at a time: ticking one that another template owns is refused
with ``MarkConflict`` unless the caller says to move it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.connectors.sapb1.records import SapListedRecord
from app.store import Database, Link, SyncMark, Template, changes
from app.sync.context import SyncContext
from app.sync.jobs.errors import translate_errors
from app.sync.leases import this_process

CUSTOMER = "customer"
ITEM = "item"
KINDS = (CUSTOMER, ITEM)
LINK_OBJECTS = {
    CUSTOMER: ("customers",),
    ITEM: ("products",),
}
"""The link objects whose ``synced_at`` is a record's last sync."""
CHOICE_LISTS = ("customers", "customer_groups", "items", "item_groups")
PAGE_SIZE = 500
_CHUNK = 500
_SAVE_ATTEMPTS = 3
_T = TypeVar("_T")


@dataclass(frozen=True)
class Criteria:
    """What the Selection Criteria window asked for (empty bounds are open)."""

    kind: str
    template_id: int
    code_from: str = ""
    code_to: str = ""
    group_from: int | None = None
    group_to: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")


@dataclass(frozen=True)
class MarkRow:
    """One matrix row: the SAP record and what the store says about it."""

    code: str
    name: str
    group: str
    item_type: str
    owner_id: int | None
    owner: str
    last_sync: datetime | None

    def marked_for(self, template_id: int) -> bool:
        """Whether the record is marked for this template."""
        return self.owner_id == template_id


@dataclass(frozen=True)
class SaveOutcome:
    """What one save changed."""

    marked: int = 0
    unmarked: int = 0
    moved: int = 0

    @property
    def changed(self) -> int:
        """Records whose mark changed."""
        return self.marked + self.unmarked + self.moved


@dataclass(frozen=True)
class MarkResult:
    """What ``apply_marks`` did: the save, the records left to another template, the rest."""

    outcome: SaveOutcome
    conflicts: dict[str, str]
    """Codes marked for another template and not moved → that template's name."""
    elsewhere: dict[str, str]
    """Codes asked to unmark that another template owns (left alone) → its name."""
    unchanged: int


class MarkConflict(Exception):
    """Ticked records are marked for another template and were not confirmed to move."""

    def __init__(self, owners: dict[str, str]) -> None:
        self.owners = owners
        names = ", ".join(sorted(set(owners.values())))
        super().__init__(f"{len(owners)} record(s) are marked for another template ({names})")


@dataclass
class StoreView:
    """The store's side of the rows: owners, template names and last syncs."""

    owners: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    synced: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def load(cls, database: Database, kind: str, template_id: int) -> StoreView:
        """Read every mark of the kind and this template's last syncs in one session."""
        with database.session() as session:
            owners = {
                key: owner
                for key, owner in session.execute(
                    select(SyncMark.sap_key, SyncMark.template_id).where(SyncMark.kind == kind)
                )
            }
            names = _template_names(session)
            synced = {
                key: at
                for key, at in session.execute(
                    select(Link.sap_key, func.max(Link.synced_at))
                    .where(
                        Link.template_id == template_id,
                        Link.object.in_(LINK_OBJECTS[kind]),
                    )
                    .group_by(Link.sap_key)
                )
            }
        return cls(owners, names, {key: _aware(at) for key, at in synced.items()})

    def row(self, record: SapListedRecord, group: str) -> MarkRow:
        """A matrix row of an SAP record."""
        owner_id = self.owners.get(record.code)
        return MarkRow(
            code=record.code,
            name=record.name,
            group=group,
            item_type=record.item_type,
            owner_id=owner_id,
            owner=self.names.get(owner_id, "") if owner_id is not None else "",
            last_sync=self.synced.get(record.code),
        )


def _template_names(session: Session) -> dict[int, str]:
    return {tid: name for tid, name in session.execute(select(Template.id, Template.name))}


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def read_rows(
    database: Database,
    criteria: Criteria,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[MarkRow]]:
    """The matching SAP records with their marks, in pages, by code; stops when cancelled.

    Connector errors are raised as the sync's errors (with SAP's reason).
    """
    ctx = SyncContext(database, criteria.template_id)
    try:
        with translate_errors():
            store = StoreView.load(database, criteria.kind, criteria.template_id)
            code_range = (criteria.code_from, criteria.code_to)
            group_range = (criteria.group_from, criteria.group_to)
            if criteria.kind == CUSTOMER:
                groups = {g.code: g.name for g in ctx.sap.customer_groups()}
                records = ctx.sap.customers_in_ranges(code_range, group_range, page_size)
            else:
                groups = {g.code: g.name for g in ctx.sap.item_groups()}
                records = ctx.sap.items_in_ranges(code_range, group_range, page_size)
            page: list[MarkRow] = []
            for record in records:
                if cancelled():
                    return
                page.append(store.row(record, groups.get(record.group_code, "")))
                if len(page) >= page_size:
                    yield page
                    page = []
            if page and not cancelled():
                yield page
    finally:
        ctx.close()


def choices(database: Database, template_id: int, list_name: str) -> list[tuple[str, str]]:
    """Code and name rows for the criteria's Choose From Lists, read from the template's SAP."""
    if list_name not in CHOICE_LISTS:
        raise LookupError(f"unknown list {list_name!r}")
    ctx = SyncContext(database, template_id)
    try:
        with translate_errors():
            if list_name == "items":
                return ctx.sap.item_choices()
            if list_name == "item_groups":
                return [(str(g.code), g.name) for g in ctx.sap.item_groups()]
            return ctx.sap.choices(list_name)
    finally:
        ctx.close()


def marked_codes(database: Database, kind: str, template_id: int) -> set[str]:
    """The codes of the kind marked for the template now (the store is the truth)."""
    with database.session() as session:
        return set(
            session.scalars(
                select(SyncMark.sap_key).where(
                    SyncMark.kind == kind, SyncMark.template_id == template_id
                )
            )
        )


def owners_elsewhere(
    database: Database, kind: str, template_id: int, codes: Collection[str]
) -> dict[str, str]:
    """Of these codes, those marked for another template, with that template's name."""
    view = StoreView.load(database, kind, template_id)
    return {
        code: view.names.get(owner, "")
        for code in codes
        if (owner := view.owners.get(code)) is not None and owner != template_id
    }


def save_marks(
    database: Database,
    kind: str,
    template_id: int,
    tick: Collection[str],
    untick: Collection[str],
    *,
    move: Collection[str] = (),
    user: str | None = None,
) -> SaveOutcome:
    """Mark ``tick`` and unmark ``untick`` for the template, in one transaction.

    A ticked record that another template owns moves to this one only when it
    is in ``move``; otherwise nothing is written and ``MarkConflict`` names them.
    Unticking leaves other templates' marks alone. When another desktop marks
    one of the same records between our read and our write, the unique key
    refuses our insert; the save is then read and tried again, so the record
    ends up marked once (or ``MarkConflict`` names the template that won).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    for _ in range(_SAVE_ATTEMPTS - 1):
        try:
            return _save_marks_once(database, kind, template_id, tick, untick, move, user)
        except IntegrityError:
            continue
    return _save_marks_once(database, kind, template_id, tick, untick, move, user)


def _save_marks_once(
    database: Database,
    kind: str,
    template_id: int,
    tick: Collection[str],
    untick: Collection[str],
    move: Collection[str],
    user: str | None,
) -> SaveOutcome:
    with database.session() as session:
        return write_marks(session, kind, template_id, tick, untick, move=move, user=user)


def write_marks(
    session: Session,
    kind: str,
    template_id: int,
    tick: Collection[str],
    untick: Collection[str],
    *,
    move: Collection[str] = (),
    user: str | None = None,
) -> SaveOutcome:
    """``save_marks``' rule in the caller's transaction (MarkConflict: nothing is written)."""
    now = datetime.now(UTC)
    allowed = set(move)
    rows = session.execute(
        select(SyncMark.sap_key, SyncMark.template_id, SyncMark.id).where(SyncMark.kind == kind)
    ).all()
    current = {key: (owner, mark_id) for key, owner, mark_id in rows}
    names = _template_names(session)
    conflicts = {
        code: names.get(current[code][0], "")
        for code in tick
        if code in current and current[code][0] != template_id and code not in allowed
    }
    if conflicts:
        raise MarkConflict(conflicts)
    new = [code for code in dict.fromkeys(tick) if code not in current]
    moving = [
        current[code][1] for code in tick if code in current and current[code][0] != template_id
    ]
    leaving = [code for code in untick if current.get(code, (None, 0))[0] == template_id]
    if new:
        session.execute(
            insert(SyncMark),
            [
                {
                    "kind": kind,
                    "sap_key": code,
                    "template_id": template_id,
                    "marked_at": now,
                    "marked_by": user,
                }
                for code in new
            ],
        )
    for ids in _chunks(moving):
        session.execute(
            update(SyncMark)
            .where(SyncMark.id.in_(ids))
            .values(template_id=template_id, marked_at=now, marked_by=user)
        )
    for codes in _chunks(leaving):
        session.execute(
            delete(SyncMark).where(
                SyncMark.kind == kind,
                SyncMark.template_id == template_id,
                SyncMark.sap_key.in_(codes),
            )
        )
    if new or moving or leaving:
        changes.bump(session, changes.MARKS, this_process())
    return SaveOutcome(marked=len(new), unmarked=len(leaving), moved=len(moving))


def sap_codes(
    database: Database, kind: str, template_id: int, codes: Collection[str]
) -> tuple[list[str], list[str]]:
    """Which of ``codes`` SAP has (in SAP's spelling) and which it has not, a few GETs in all."""
    ctx = SyncContext(database, template_id)
    try:
        with translate_errors():
            found = ctx.sap.existing_codes("customers" if kind == CUSTOMER else "items", codes)
    finally:
        ctx.close()
    folded = {code.casefold(): code for code in found}
    known = [folded[code.casefold()] for code in codes if code.casefold() in folded]
    unknown = [code for code in codes if code.casefold() not in folded]
    return list(dict.fromkeys(known)), unknown


def apply_marks(
    database: Database,
    kind: str,
    template_id: int,
    codes: Collection[str],
    *,
    unmark: bool = False,
    move: bool = False,
    user: str | None = None,
) -> MarkResult:
    """Mark (or unmark) ``codes`` for the template as the matrix's save does, as far as allowed.

    Marking: a record another template owns is moved only with ``move`` (the
    matrix's "Move them?" answered Yes); otherwise it is left where it is and
    named in ``conflicts`` while the others are saved in one transaction.
    Unmarking leaves other templates' marks alone and names them in ``elsewhere``.
    """
    wanted = list(dict.fromkeys(codes))
    mine = marked_codes(database, kind, template_id)
    if unmark:
        elsewhere = owners_elsewhere(database, kind, template_id, wanted)
        outcome = save_marks(database, kind, template_id, (), wanted, user=user)
        return MarkResult(outcome, {}, elsewhere, len(wanted) - outcome.unmarked - len(elsewhere))
    conflicts: dict[str, str] = {}
    if not move:
        conflicts = owners_elsewhere(database, kind, template_id, wanted)
    for _ in range(_SAVE_ATTEMPTS):
        tick = [code for code in wanted if code not in conflicts]
        try:
            outcome = save_marks(
                database, kind, template_id, tick, (), move=tick if move else (), user=user
            )
            break
        except MarkConflict as conflict:
            conflicts.update(conflict.owners)
    else:
        outcome = SaveOutcome()
    unchanged = sum(1 for code in wanted if code in mine)
    return MarkResult(outcome, conflicts, {}, unchanged)


def _chunks(values: list[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
