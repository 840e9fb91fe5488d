"""Customers SAP → Tagrain: the business partners marked "Sync" for the template.

Runs are incremental by SAP's UpdateDate/UpdateTime (inclusive), plus every
marked customer that has no link yet (newly marked ones whose last change is
older than the watermark); a full run reads every marked customer. Either
way, the records the run has just retried are not read again. The job
runs under the object name ``customers_up`` (its own lease and watermark)
but keeps its links under ``customers``, shared with the Tagrain → SAP job:
one Tagrain customer is one SAP business partner whichever side created it.

A customer without a link is matched before anything is created: by the
Tagrain id SAP already carries (``U_TG_ID``), by ``external_ref`` or ``code``
equal to the CardCode, then by e-mail; a match is linked and brought up to
SAP's data, not duplicated. The Tagrain id is written back to ``U_TG_ID``.

The link keeps the fingerprint of the shared fields (``fingerprints``); an
SAP change with the link's fingerprint is an echo of the other direction and
is skipped. When both sides changed since the last sync, the later change
wins and the record log says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from app.connectors.sapb1.company import SapBusinessPartner
from app.connectors.tagrain.errors import TagrainNotFoundError, TagrainValidationError
from app.connectors.tagrain.records import Customer
from app.sync.binder import Binding
from app.sync.context import SyncContext
from app.sync.job import ContextJob
from app.sync.jobs.common_up import (
    Marks,
    TagrainIndex,
    linked_sap_keys,
    oldest_first,
    relink,
    write_key,
)
from app.sync.jobs.errors import translate_errors
from app.sync.jobs.fingerprints import sap_customer_fingerprint, tagrain_customer_fingerprint
from app.sync.jobs.master_groups import CUSTOMER_GROUPS, GroupSync
from app.sync.records import Action, Outcome, SourceRecord

LINKS = "customers"
NAME_LENGTH = 100
PHONE_LENGTH = 40


def customer_keys(customer: Customer) -> Iterable[str]:
    """The keys a Tagrain customer can be matched by."""
    if customer.external_ref:
        yield f"ref:{customer.external_ref}"
    yield f"code:{customer.code}"
    if customer.email:
        yield f"email:{customer.email.strip().casefold()}"


def customer_payload(
    bp: SapBusinessPartner, group_id: str | None, existing: Customer | None
) -> dict[str, Any]:
    """The Tagrain fields of an SAP customer (explicit None clears a field in Tagrain).

    The CardName goes to ``company`` when the Tagrain customer is a company,
    else it is split into first and last name at the first space.
    """
    name = " ".join(bp.card_name.split())[:NAME_LENGTH] or bp.card_code
    names: dict[str, Any]
    if existing is not None and existing.company:
        names = {"company": name}
    else:
        first, _, last = name.partition(" ")
        names = {"first_name": first, "last_name": last or None, "company": None}
    address = bp.address
    parts = (address.street, address.city, address.zip_code, address.country)
    return {
        **names,
        "email": bp.email,
        "phone": (bp.phone or bp.cellular or "")[:PHONE_LENGTH] or None,
        "tax_number": bp.federal_tax_id,
        "group_id": group_id,
        "address": None
        if not any(parts)
        else {
            "line1": (address.street or "")[:NAME_LENGTH] or None,
            "line2": None,
            "city": address.city,
            "postcode": address.zip_code,
            "country": address.country,
        },
        "external_ref": bp.card_code,
        "active": bp.active,
    }


class CustomersUpJob(ContextJob):
    """SAP business partners marked for the template → Tagrain customers."""

    object_name = "customers_up"
    direction = "to_tagrain"
    parallel = True

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self.marks = Marks(ctx, "customer")
        self.retried: set[str] = set()
        self.groups = GroupSync(ctx, CUSTOMER_GROUPS)
        self.index: TagrainIndex[Customer] = TagrainIndex(
            lambda: ctx.tagrain.iter_customers(), customer_keys, lambda c: c.id
        )

    def _marked(self) -> frozenset[str]:
        return self.marks.keys()

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        marked = self._marked()
        if not marked:
            return
        with translate_errors():
            if since is None:
                customers = sorted(
                    self.ctx.sap.customers(codes=sorted(marked - self.retried)),
                    key=lambda bp: oldest_first(bp.updated_at, bp.card_code),
                )
                for bp in customers:
                    yield SourceRecord(bp.card_code, bp.updated_at, bp)
                return
            seen = set(self.retried)
            unlinked = sorted(marked - linked_sap_keys(self.ctx, LINKS) - seen)
            for bp in self.ctx.sap.customers(codes=unlinked) if unlinked else ():
                seen.add(bp.card_code)
                yield SourceRecord(bp.card_code, None, bp)
            for bp in self.ctx.sap.customers(since=since):
                if bp.card_code in marked and bp.card_code not in seen:
                    yield SourceRecord(bp.card_code, bp.updated_at, bp)

    def count(self, since: datetime | None) -> int | None:
        return len(self._marked()) if since is None else None

    def fetch(self, source_id: str) -> SourceRecord | None:
        self.retried.add(source_id)
        with translate_errors():
            bp = self.ctx.sap.customer(source_id)
        return None if bp is None else SourceRecord(bp.card_code, bp.updated_at, bp)

    def apply(self, record: SourceRecord) -> Outcome:
        bp: SapBusinessPartner = record.payload
        if bp.card_code not in self._marked():
            return Outcome(Action.SKIPPED, message="no longer marked for this template")
        with translate_errors():
            return self._apply(bp)

    def _apply(self, bp: SapBusinessPartner) -> Outcome:
        group_id = self.groups.ensure(bp.group_code)
        fingerprint = sap_customer_fingerprint(bp, self.ctx.binder)
        link = self.ctx.binder.by_sap(LINKS, bp.card_code)
        if link is not None:
            if link.fingerprint == fingerprint:
                self._write_back(bp, link.tagrain_id)
                return Outcome(Action.SKIPPED, target_key=link.tagrain_id)
            current = self._get(link.tagrain_id)
            if current is not None:
                return self._update(bp, current, link, fingerprint, group_id)
        match, how = self._match(bp)
        if match is not None:
            return self._link(bp, match, how, fingerprint, group_id)
        return self._create(bp, fingerprint, group_id)

    def _get(self, tagrain_id: str) -> Customer | None:
        try:
            return self.ctx.tagrain.get_customer(tagrain_id)
        except TagrainNotFoundError:
            return None

    def _update(
        self,
        bp: SapBusinessPartner,
        current: Customer,
        link: Binding,
        fingerprint: str,
        group_id: str | None,
    ) -> Outcome:
        tagrain_fingerprint = tagrain_customer_fingerprint(current, self.ctx.binder)
        both = tagrain_fingerprint != link.fingerprint
        if both and bp.updated_at is not None and current.updated_at > bp.updated_at:
            return Outcome(
                Action.SKIPPED,
                target_key=current.id,
                message="changed on both sides since the last sync; Tagrain's change is later "
                "and wins",
            )
        if tagrain_fingerprint == fingerprint:
            relink(self.ctx, LINKS, current.id, bp.card_code, fingerprint)
            self._write_back(bp, current.id)
            return Outcome(Action.SKIPPED, target_key=current.id, message="already equal")
        payload = customer_payload(bp, group_id, current)
        key = write_key(LINKS, bp.card_code, f"{current.id}:{link.fingerprint}", payload)
        updated = self.ctx.tagrain.update_customer(current.id, payload, idempotency_key=key)
        self.index.add(updated)
        relink(self.ctx, LINKS, updated.id, bp.card_code, fingerprint)
        self._write_back(bp, updated.id)
        message = (
            "changed on both sides since the last sync; SAP's change is later and wins"
            if both
            else None
        )
        return Outcome(Action.UPDATED, target_key=updated.id, message=message)

    def _candidates(self, bp: SapBusinessPartner) -> Iterator[tuple[Customer, str]]:
        if bp.tagrain_id:
            carried = self._get(bp.tagrain_id)
            if carried is not None:
                yield carried, "the Tagrain id in U_TG_ID"
        for key, how in (
            (f"ref:{bp.card_code}", "external reference"),
            (f"code:{bp.card_code}", "code"),
            (f"email:{(bp.email or '').strip().casefold()}" if bp.email else "", "e-mail"),
        ):
            for customer in self.index.find(key) if key else ():
                yield customer, how

    def _match(self, bp: SapBusinessPartner) -> tuple[Customer | None, str]:
        for customer, how in self._candidates(bp):
            if customer.external_ref not in (None, bp.card_code):
                continue
            other = self.ctx.binder.by_tagrain(LINKS, customer.id)
            if other is not None and other.sap_key != bp.card_code:
                continue
            return customer, how
        return None, ""

    def _link(
        self,
        bp: SapBusinessPartner,
        match: Customer,
        how: str,
        fingerprint: str,
        group_id: str | None,
    ) -> Outcome:
        message = f"matched Tagrain customer {match.code} by {how}; linked, not duplicated"
        same = tagrain_customer_fingerprint(match, self.ctx.binder) == fingerprint
        if not same or match.external_ref != bp.card_code:
            payload = customer_payload(bp, group_id, match)
            key = write_key(LINKS, bp.card_code, f"link:{match.id}", payload)
            self.index.add(self.ctx.tagrain.update_customer(match.id, payload, idempotency_key=key))
        relink(self.ctx, LINKS, match.id, bp.card_code, fingerprint)
        self._write_back(bp, match.id)
        return Outcome(Action.LINKED, target_key=match.id, message=message)

    def _create(self, bp: SapBusinessPartner, fingerprint: str, group_id: str | None) -> Outcome:
        payload = {"code": bp.card_code, **customer_payload(bp, group_id, None)}
        key = write_key(LINKS, bp.card_code, "create", payload)
        try:
            created = self.ctx.tagrain.create_customer(payload, idempotency_key=key)
        except TagrainValidationError as exc:
            if exc.field != "code":
                raise
            self.index.reset()
            match, how = self._match(bp)
            if match is None:
                raise
            return self._link(bp, match, how, fingerprint, group_id)
        self.index.add(created)
        relink(self.ctx, LINKS, created.id, bp.card_code, fingerprint)
        self._write_back(bp, created.id)
        return Outcome(Action.CREATED, target_key=created.id)

    def _write_back(self, bp: SapBusinessPartner, tagrain_id: str) -> None:
        if bp.tagrain_id != tagrain_id:
            self.ctx.sap.set_customer_tagrain_id(bp.card_code, tagrain_id)
