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
merged with SAP's field by field (``customer_twins``, rules in
``app.sync.first_link``), not duplicated; the merged values are written to
both sides. The Tagrain id is written back to ``U_TG_ID``.

The link keeps the fingerprint of the shared fields (``fingerprints``); an
SAP change with the link's fingerprint is an echo of the other direction and
is skipped. When both sides changed since the last sync, the later change
wins and the record log says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from app.connectors.sapb1.records import SapBusinessPartner
from app.connectors.tagrain.records import Customer
from app.sync.binder import Binding
from app.sync.context import SyncContext
from app.sync.jobs.customer_twins import link_twins
from app.sync.jobs.fingerprints import sap_customer_fingerprint, tagrain_customer_fingerprint
from app.sync.jobs.master_groups import CUSTOMER_GROUPS, GroupSync
from app.sync.jobs.sap_source import SapSourceJob
from app.sync.records import Action, Outcome

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


def customer_match_keys(bp: SapBusinessPartner) -> list[tuple[str, str]]:
    """The index keys an SAP customer is matched by, in order, each with how it is told."""
    keys = [(f"ref:{bp.card_code}", "external reference"), (f"code:{bp.card_code}", "code")]
    if bp.email:
        keys.append((f"email:{bp.email.strip().casefold()}", "e-mail"))
    return keys


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


class CustomersUpJob(SapSourceJob[SapBusinessPartner, Customer, str | None]):
    """SAP business partners marked for the template → Tagrain customers.

    A record's dependency is the Tagrain id of its customer group.
    """

    object_name = "customers_up"
    marks_kind = "customer"
    links = LINKS
    unique_field = "code"

    def __init__(self, ctx: SyncContext) -> None:
        super().__init__(ctx)
        self.groups = GroupSync(ctx, CUSTOMER_GROUPS)

    def key_of(self, record: SapBusinessPartner) -> str:
        return record.card_code

    def sap_records(
        self, *, since: datetime | None = None, codes: list[str] | None = None
    ) -> Iterable[SapBusinessPartner]:
        return self.ctx.sap.customers(since=since, codes=codes)

    def sap_record(self, key: str) -> SapBusinessPartner | None:
        return self.ctx.sap.customer(key)

    def set_tagrain_id(self, key: str, tagrain_id: str) -> None:
        self.ctx.sap.set_customer_tagrain_id(key, tagrain_id)

    def tagrain_records(self) -> Iterable[Customer]:
        return self.ctx.tagrain.iter_customers()

    def tagrain_record(self, tagrain_id: str) -> Customer:
        return self.ctx.tagrain.get_customer(tagrain_id)

    def tagrain_write(self, tagrain_id: str | None, payload: dict[str, Any], key: str) -> Customer:
        if tagrain_id is None:
            return self.ctx.tagrain.create_customer(payload, idempotency_key=key)
        return self.ctx.tagrain.update_customer(tagrain_id, payload, idempotency_key=key)

    def candidates(self, record: SapBusinessPartner) -> Iterator[tuple[Customer, str]]:
        """The customer whose id SAP carries in U_TG_ID first, then the index's matches."""
        if record.tagrain_id:
            carried = self.get(record.tagrain_id)
            if carried is not None:
                yield carried, "the Tagrain id in U_TG_ID"
        yield from super().candidates(record)

    def may_link(self, record: SapBusinessPartner, candidate: Customer) -> bool:
        return candidate.external_ref in (None, record.card_code)

    def tagrain_keys(self, record: Customer) -> Iterable[str]:
        return customer_keys(record)

    def match_keys(self, record: SapBusinessPartner) -> Iterable[tuple[str, str]]:
        return customer_match_keys(record)

    def resolve(self, record: SapBusinessPartner) -> str | None:
        return self.groups.ensure(record.group_code)

    def fingerprint(self, record: SapBusinessPartner, deps: str | None) -> str:
        return sap_customer_fingerprint(record, self.ctx.binder)

    def create_body(self, record: SapBusinessPartner, deps: str | None) -> dict[str, Any]:
        return {"code": record.card_code, **customer_payload(record, deps, None)}

    def update(
        self,
        record: SapBusinessPartner,
        deps: str | None,
        current: Customer,
        link: Binding,
        fingerprint: str,
    ) -> Outcome:
        tagrain_fingerprint = tagrain_customer_fingerprint(current, self.ctx.binder)
        both = tagrain_fingerprint != link.fingerprint
        if both and record.updated_at is not None and current.updated_at > record.updated_at:
            return Outcome(
                Action.SKIPPED,
                target_key=current.id,
                message="changed on both sides since the last sync; Tagrain's change is later "
                "and wins",
            )
        if tagrain_fingerprint == fingerprint:
            self.bind(record, current.id, fingerprint)
            return Outcome(Action.SKIPPED, target_key=current.id, message="already equal")
        payload = customer_payload(record, deps, current)
        updated = self.write(record, current.id, payload, f"{current.id}:{link.fingerprint}")
        self.done(record, updated, fingerprint)
        message = (
            "changed on both sides since the last sync; SAP's change is later and wins"
            if both
            else None
        )
        return Outcome(Action.UPDATED, target_key=updated.id, message=message)

    def link(
        self,
        record: SapBusinessPartner,
        deps: str | None,
        match: Customer,
        how: str,
        fingerprint: str,
    ) -> Outcome:
        matched = f"matched Tagrain customer {match.code} by {how}; linked, not duplicated"
        twins = link_twins(self.ctx, record, match, self.groups)
        self.index.add(twins.customer)
        self.bind(record, match.id, twins.fingerprint)
        return Outcome(Action.LINKED, target_key=match.id, message=twins.message(matched))
