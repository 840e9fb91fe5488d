"""Customer groups, product groups and manufacturers, SAP → Tagrain.

SAP keeps no change time on these, and there are few, so every run reads
them all. Each SAP group is linked (SAP code ↔ Tagrain id) under its own
object name; the link's fingerprint is the name last written, so an
unchanged group is skipped, a renamed one renamed in Tagrain. A Tagrain
group that already has the SAP name (Tagrain keeps names unique, ignoring
case) is linked, not duplicated. ``GroupSync.ensure`` lets the customer and
product jobs push a group they need before the group job has run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from app.connectors.sapb1.company import SapCompany
from app.connectors.sapb1.records import SapGroup
from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.errors import TagrainNotFoundError
from app.sync.binder import note_dependency
from app.sync.context import SyncContext
from app.sync.first_link import Merged
from app.sync.jobs.common_up import relink, write_key
from app.sync.jobs.errors import translate_errors
from app.sync.jobs.fingerprints import digest
from app.sync.jobs.sap_source import SapJob
from app.sync.records import Action, Outcome, RecordError, SourceRecord


class Named(Protocol):
    """A Tagrain group-like record."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class GroupKind:
    """How one kind of group is read from SAP and written to Tagrain."""

    object_name: str
    label: str
    sap_list: Callable[[SapCompany], list[SapGroup]]
    tagrain_list: Callable[[TagrainClient], Iterable[Named]]
    create: Callable[[TagrainClient, dict[str, str], str], Named]
    rename: Callable[[TagrainClient, str, dict[str, str], str], Named]


CUSTOMER_GROUPS = GroupKind(
    "customer_groups",
    "customer group",
    lambda sap: sap.customer_groups(),
    lambda tg: tg.iter_customer_groups(),
    lambda tg, body, key: tg.create_customer_group(body, idempotency_key=key),
    lambda tg, id, body, key: tg.update_customer_group(id, body, idempotency_key=key),
)
PRODUCT_GROUPS = GroupKind(
    "product_groups",
    "product group",
    lambda sap: sap.item_groups(),
    lambda tg: tg.iter_product_groups(),
    lambda tg, body, key: tg.create_product_group(body, idempotency_key=key),
    lambda tg, id, body, key: tg.update_product_group(id, body, idempotency_key=key),
)
MANUFACTURERS = GroupKind(
    "manufacturers",
    "manufacturer",
    lambda sap: sap.manufacturers(),
    lambda tg: tg.iter_manufacturers(),
    lambda tg, body, key: tg.create_manufacturer(body, idempotency_key=key),
    lambda tg, id, body, key: tg.update_manufacturer(id, body, idempotency_key=key),
)


def group_payload(group: SapGroup) -> dict[str, str]:
    """The Tagrain fields of an SAP group: its name exactly as SAP spells it."""
    return {"name": group.name}


def group_fingerprint(group: SapGroup) -> str:
    """What the link remembers of a group: its name exactly as SAP spells it."""
    return digest((group.name,))


class GroupSync:
    """Pushes SAP groups of one kind to Tagrain (thread-safe; one instance per run)."""

    def __init__(self, ctx: SyncContext, kind: GroupKind) -> None:
        self.ctx = ctx
        self.kind = kind
        self._lock = threading.RLock()
        self._by_name: dict[str, tuple[str, str]] | None = None
        self._sap: dict[int, SapGroup] | None = None

    def sap_groups(self) -> dict[int, SapGroup]:
        """Every SAP group of the kind, by code (read once)."""
        with self._lock:
            if self._sap is None:
                self._sap = {g.code: g for g in self.kind.sap_list(self.ctx.sap)}
            return self._sap

    def _tagrain_by_name(self) -> dict[str, tuple[str, str]]:
        if self._by_name is None:
            self._by_name = {
                g.name.casefold(): (g.id, g.name) for g in self.kind.tagrain_list(self.ctx.tagrain)
            }
        return self._by_name

    def tagrain_name(self, tagrain_id: str | None) -> str | None:
        """The name of a Tagrain group read at the start of the run (None: not among them)."""
        with self._lock:
            names = self._tagrain_by_name()
        return next((name for gid, name in names.values() if gid == tagrain_id), None)

    def sap_code_of(self, tagrain_id: str) -> int | None:
        """The SAP code of a Tagrain group: its link, else the SAP group of the same name.

        A group found by name is linked on the way (as the groups job would);
        None when SAP has no such group.
        """
        link = self.ctx.binder.by_tagrain(self.kind.object_name, tagrain_id)
        if link is not None:
            return int(link.sap_key)
        name = (self.tagrain_name(tagrain_id) or "").casefold()
        for code, group in self.sap_groups().items():
            if name and group.name.casefold() == name and self.ensure(code) == tagrain_id:
                return code
        return None

    def named(self, merged: Merged, field: str, sap_id: str | None, sap_code: int | None) -> Merged:
        """The merge with this kind's groups shown by name in ``field``'s change.

        ``sap_id`` and ``sap_code``: the SAP record's group, as Tagrain id and SAP code.
        """
        sap_group = self.sap_groups().get(sap_code) if sap_code is not None else None

        def name(group_id: Any) -> Any:
            if group_id is None:
                return None
            if group_id == sap_id and sap_group is not None:
                return sap_group.name
            return self.tagrain_name(group_id) or group_id

        return replace(
            merged,
            changes=tuple(
                replace(c, old=name(c.old), new=name(c.new)) if c.field == field else c
                for c in merged.changes
            ),
        )

    def ensure(self, code: int) -> str | None:
        """The Tagrain id of an SAP group, pushing it first when it has no link yet.

        The group is a dependency of the record being applied: it is logged with
        that record and, in a preview, only previewed (its id is ``preview-N``).
        """
        link = self.ctx.binder.by_sap(self.kind.object_name, str(code))
        if link is not None:
            return link.tagrain_id
        with self._lock:
            group = self.sap_groups().get(code)
            if group is None:
                raise RecordError(f"SAP {self.kind.label} {code} does not exist")
            note_dependency(self.kind.object_name, str(code), self.apply(group))
        link = self.ctx.binder.by_sap(self.kind.object_name, str(code))
        return None if link is None else link.tagrain_id

    def apply(self, group: SapGroup) -> Outcome:
        """Create, link, rename or skip one group in Tagrain."""
        with self._lock:
            return self._apply(group)

    def _apply(self, group: SapGroup) -> Outcome:
        kind, sap_key = self.kind, str(group.code)
        fingerprint, body = group_fingerprint(group), group_payload(group)
        link = self.ctx.binder.by_sap(kind.object_name, sap_key)
        if link is not None and link.fingerprint == fingerprint:
            return Outcome(Action.SKIPPED, target_key=link.tagrain_id)
        if link is not None:
            base = f"{link.tagrain_id}:{link.fingerprint}"
            key = write_key(kind.object_name, sap_key, base, body)
            try:
                renamed = kind.rename(self.ctx.tagrain, link.tagrain_id, body, key)
            except TagrainNotFoundError:
                renamed = None
            if renamed is not None:
                self._remember(renamed.id, renamed.name)
                relink(self.ctx, kind.object_name, renamed.id, sap_key, fingerprint)
                return Outcome(
                    Action.UPDATED,
                    target_key=renamed.id,
                    message=f"renamed in Tagrain to {group.name!r}",
                )
        found = self._tagrain_by_name().get(group.name.casefold())
        if found is not None:
            return self._link(group, found, fingerprint)
        key = write_key(kind.object_name, sap_key, "create", body)
        created = kind.create(self.ctx.tagrain, body, key)
        self._remember(created.id, created.name)
        relink(self.ctx, kind.object_name, created.id, sap_key, fingerprint)
        return Outcome(Action.CREATED, target_key=created.id)

    def _link(self, group: SapGroup, found: tuple[str, str], fingerprint: str) -> Outcome:
        kind, sap_key = self.kind, str(group.code)
        tagrain_id, tagrain_name = found
        other = self.ctx.binder.by_tagrain(kind.object_name, tagrain_id)
        if other is not None and other.sap_key != sap_key:
            raise RecordError(
                f"Tagrain {kind.label} {tagrain_name!r} is already linked to SAP "
                f"{kind.label} {other.sap_key}; names must be unique"
            )
        message = f"matched Tagrain {kind.label} {tagrain_name!r} by name; linked, not duplicated"
        if tagrain_name != group.name:
            base = f"{tagrain_id}:{tagrain_name}"
            body = group_payload(group)
            key = write_key(kind.object_name, sap_key, base, body)
            kind.rename(self.ctx.tagrain, tagrain_id, body, key)
            self._remember(tagrain_id, group.name)
        relink(self.ctx, kind.object_name, tagrain_id, sap_key, fingerprint)
        return Outcome(Action.LINKED, target_key=tagrain_id, message=message)

    def _remember(self, tagrain_id: str, name: str) -> None:
        by_name = self._tagrain_by_name()
        for folded, (known_id, _) in list(by_name.items()):
            if known_id == tagrain_id:
                del by_name[folded]
        by_name[name.casefold()] = (tagrain_id, name)


class MasterGroupsJob(SapJob[SapGroup]):
    """One kind of SAP group → Tagrain; every run reads all of them (SAP has no change time)."""

    kind: GroupKind

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self.groups = GroupSync(ctx, self.kind)

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        with translate_errors():
            groups = sorted(self.groups.sap_groups().values(), key=lambda g: g.code)
        for group in groups:
            yield SourceRecord(str(group.code), None, group)

    def fetch(self, source_id: str) -> SourceRecord | None:
        with translate_errors():
            group = self.groups.sap_groups().get(int(source_id))
        return None if group is None else SourceRecord(source_id, None, group)

    def apply_record(self, payload: SapGroup) -> Outcome:
        return self.groups.apply(payload)

    def count(self, since: datetime | None) -> int | None:
        with translate_errors():
            return len(self.groups.sap_groups())


class CustomerGroupsJob(MasterGroupsJob):
    """SAP customer-type business partner groups → Tagrain customer groups."""

    object_name = "customer_groups"
    kind = CUSTOMER_GROUPS


class ProductGroupsJob(MasterGroupsJob):
    """SAP item groups → Tagrain product groups."""

    object_name = "product_groups"
    kind = PRODUCT_GROUPS


class ManufacturersJob(MasterGroupsJob):
    """SAP manufacturers → Tagrain manufacturers."""

    object_name = "manufacturers"
    kind = MANUFACTURERS
