"""Business Partner and Item Master Data as the client shows them (Qt-free core).

A ``MasterDataReader`` reads one customer or item at a time from a
template's SAP company — browsed first / previous / next / last or found by
code or name — together with what the store says about it: the template it
is marked for, its Tagrain id, when it was last synced and how that went.
The reader keeps one SAP session for its form and caches the small lists
(groups, manufacturers, warehouses, price lists) that turn codes into names.
Marks are written through ``app.sync.marking.save_marks``: one template at a
time, moving only with the user's consent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from app.connectors.sapb1.records import SapAddress, SapBusinessPartner, SapItem
from app.store import Database, Link, RecordLog, Run, SyncMark, Template
from app.sync.context import SyncContext
from app.sync.jobs.errors import translate_errors
from app.sync.marking import CUSTOMER, ITEM, KINDS, LINK_OBJECTS, SaveOutcome, save_marks

SAP_LISTS = {CUSTOMER: "customers", ITEM: "items"}
"""The SAP company's browsable list of each kind."""
RUN_OBJECTS = {
    CUSTOMER: (("customers_up", "source"), ("customers", "target")),
    ITEM: (("products_up", "source"), ("products_down", "target")),
}
"""The runs that touch a record of each kind, and which side of their log is the SAP key."""


@dataclass(frozen=True)
class LastOutcome:
    """The latest record-log row of a record: what the sync did and when."""

    action: str
    status: str
    message: str
    at: datetime

    def describe(self) -> str:
        """The outcome in words, SAP's message included when there is one."""
        text = self.action.capitalize()
        return f"{text}: {self.message}" if self.message else text


@dataclass(frozen=True)
class HubState:
    """The Integration Hub tab of a record: its mark, cross reference and last sync."""

    owner_id: int | None = None
    owner: str = ""
    cross_reference: str = ""
    last_sync: datetime | None = None
    last_outcome: LastOutcome | None = None

    def marked_for(self, template_id: int) -> bool:
        """Whether the record is marked for this template."""
        return self.owner_id == template_id


@dataclass(frozen=True)
class StockRow:
    """An item's quantities in one warehouse."""

    warehouse: str
    name: str
    in_stock: Decimal
    committed: Decimal

    @property
    def available(self) -> Decimal:
        """In stock minus committed."""
        return self.in_stock - self.committed


@dataclass(frozen=True)
class BusinessPartnerView:
    """What the Business Partner Master Data form shows of a customer."""

    code: str
    name: str
    group: str
    email: str
    phone: str
    currency: str
    address: str
    hub: HubState


@dataclass(frozen=True)
class ItemView:
    """What the Item Master Data form shows of an item."""

    code: str
    name: str
    group: str
    manufacturer: str
    barcode: str
    price: Decimal | None
    price_list: str
    stock: list[StockRow] = field(default_factory=list)
    hub: HubState = field(default_factory=HubState)


MasterRecord = BusinessPartnerView | ItemView


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def hub_state(
    database: Database, kind: str, template_id: int, code: str, sap_tagrain_id: str | None
) -> HubState:
    """The store's side of a record, for the template whose SAP company shows it.

    The cross reference is the template's link, else the Tagrain id SAP carries.
    """
    with database.session() as session:
        mark = session.execute(
            select(SyncMark.template_id, Template.name)
            .join(Template, Template.id == SyncMark.template_id)
            .where(SyncMark.kind == kind, SyncMark.sap_key == code)
        ).first()
        link = session.execute(
            select(Link.tagrain_id, Link.synced_at)
            .where(
                Link.template_id == template_id,
                Link.object.in_(LINK_OBJECTS[kind]),
                Link.sap_key == code,
            )
            .order_by(Link.synced_at.desc())
            .limit(1)
        ).first()
        sides = [
            and_(
                RecordLog.object == obj,
                (RecordLog.source_id if side == "source" else RecordLog.target_key) == code,
            )
            for obj, side in RUN_OBJECTS[kind]
        ]
        log = session.execute(
            select(RecordLog.action, RecordLog.status, RecordLog.message, RecordLog.at)
            .join(Run, Run.id == RecordLog.run_id)
            .where(Run.template_id == template_id, Run.dry_run.is_(False), or_(*sides))
            .order_by(RecordLog.at.desc(), RecordLog.id.desc())
            .limit(1)
        ).first()
    outcome = None
    if log is not None:
        at = _aware(log.at)
        assert at is not None
        outcome = LastOutcome(log.action, log.status, log.message or "", at)
    return HubState(
        owner_id=mark.template_id if mark is not None else None,
        owner=mark.name if mark is not None else "",
        cross_reference=(link.tagrain_id if link is not None else None) or sap_tagrain_id or "",
        last_sync=_aware(link.synced_at) if link is not None else None,
        last_outcome=outcome,
    )


def mark_count(database: Database, kind: str, code: str) -> int:
    """How many marks the record has (0 or 1: one template at a time)."""
    with database.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(SyncMark)
                .where(SyncMark.kind == kind, SyncMark.sap_key == code)
            )
            or 0
        )


def set_mark(
    database: Database,
    kind: str,
    template_id: int,
    code: str,
    sync: bool,
    *,
    move: bool = False,
    user: str | None = None,
) -> SaveOutcome:
    """Mark (``sync``) or unmark one record for the template, in one transaction.

    Raises ``MarkConflict`` when another template owns it and ``move`` is not given.
    """
    return save_marks(
        database,
        kind,
        template_id,
        [code] if sync else [],
        [] if sync else [code],
        move=[code] if move else [],
        user=user,
    )


def _address(address: SapAddress) -> str:
    town = " ".join(part for part in (address.zip_code, address.city) if part)
    return "\n".join(part for part in (address.street, town, address.country) if part)


class MasterDataReader:
    """One form's reads from a template's SAP company (call from one worker at a time)."""

    def __init__(self, database: Database, kind: str, template_id: int) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        self.database = database
        self.kind = kind
        self.template_id = template_id
        self._context: SyncContext | None = None
        self._names: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    @property
    def context(self) -> SyncContext:
        """The template's sync context, opened on first use."""
        if self._context is None:
            self._context = SyncContext(self.database, self.template_id)
        return self._context

    def close(self) -> None:
        """Log out of SAP."""
        with self._lock:
            if self._context is not None:
                self._context.close()
                self._context = None

    def browse(self, step: str, code: str | None = None) -> MasterRecord | None:
        """The first / previous / next / last record (from ``code``), or None past either end."""
        return self._locked(
            lambda: self._read(self.context.sap.browse_code(SAP_LISTS[self.kind], step, code))
        )

    def find(self, text: str) -> MasterRecord | None:
        """The record with this code, else the first whose code starts with or name contains it."""
        wanted = text.strip()
        if not wanted:
            return None
        return self._locked(
            lambda: self._read(self.context.sap.find_code(SAP_LISTS[self.kind], wanted))
        )

    def read(self, code: str) -> MasterRecord | None:
        """The record with exactly this code (again, e.g. after saving its mark)."""
        return self._locked(lambda: self._read(code))

    def _locked(self, work: Callable[[], MasterRecord | None]) -> MasterRecord | None:
        with self._lock, translate_errors():
            return work()

    def _read(self, code: str | None) -> MasterRecord | None:
        if code is None:
            return None
        sap = self.context.sap
        if self.kind == CUSTOMER:
            partner = sap.customer(code)
            return None if partner is None else self._partner(partner)
        rules = self.context.rules
        item = next(
            iter(sap.items(codes=[code], price_list=rules.price_list, with_stock=True)), None
        )
        return None if item is None else self._item(item)

    def _partner(self, bp: SapBusinessPartner) -> BusinessPartnerView:
        groups = self._lookup("customer_groups")
        return BusinessPartnerView(
            code=bp.card_code,
            name=bp.card_name,
            group=groups.get(str(bp.group_code), str(bp.group_code)),
            email=bp.email or "",
            phone=bp.phone or bp.cellular or "",
            currency=bp.currency or "",
            address=_address(bp.address),
            hub=hub_state(self.database, CUSTOMER, self.template_id, bp.card_code, bp.tagrain_id),
        )

    def _item(self, item: SapItem) -> ItemView:
        price_list = self.context.rules.price_list
        warehouses = self._lookup("warehouses")
        manufacturer = (
            self._lookup("manufacturers").get(str(item.manufacturer), str(item.manufacturer))
            if item.manufacturer is not None
            else ""
        )
        list_name = (
            self._lookup("price_lists").get(str(price_list), str(price_list))
            if price_list is not None
            else ""
        )
        stock = [
            StockRow(code, warehouses.get(code, ""), in_stock, committed)
            for code, (in_stock, committed) in sorted(item.stock.items())
        ]
        return ItemView(
            code=item.item_code,
            name=item.item_name,
            group=self._lookup("item_groups").get(str(item.group_code), str(item.group_code)),
            manufacturer=manufacturer,
            barcode=item.barcode or "",
            price=item.price,
            price_list=list_name,
            stock=stock,
            hub=hub_state(self.database, ITEM, self.template_id, item.item_code, item.tagrain_id),
        )

    def _lookup(self, name: str) -> dict[str, str]:
        """Code → name of a small SAP list, read once per reader."""
        if name not in self._names:
            sap = self.context.sap
            if name == "item_groups":
                rows = [(str(g.code), g.name) for g in sap.item_groups()]
            elif name == "manufacturers":
                rows = [(str(g.code), g.name) for g in sap.manufacturers()]
            else:
                rows = sap.choices(name)
            self._names[name] = dict(rows)
        return self._names[name]
