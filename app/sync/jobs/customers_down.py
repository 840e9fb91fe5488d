"""Customers Tagrain → SAP: every Tagrain customer becomes (or is linked to) an SAP customer.

Scheduled runs read what changed since the watermark; "Sync Now" is a full
download of every Tagrain customer, whatever its timestamp, as the product
page promises. A Tagrain customer is linked, not duplicated, when SAP already
has it: by the Tagrain id in ``U_TG_ID``, by its ERP code (``external_ref`` or
``code``), then by e-mail; the first link merges the twins field by field
(``customer_twins``, rules in ``app.sync.first_link``) and writes the merged
values to both sides. New customers get the template's customer group
(or the group linked to theirs), currency, price list and code prefix.

Echo suppression: the link keeps a fingerprint of the shared fields as last
written by either direction; a Tagrain change with the same fingerprint is
our own write coming back and is skipped. When both sides changed since the
last sync, the later change wins and the record log says which.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from app.connectors.sapb1.records import BusinessPartnerDraft, SapBusinessPartner
from app.connectors.tagrain.records import Customer
from app.sync.binder import note_dependency
from app.sync.context import SyncContext
from app.sync.jobs.common_down import DownContext, Malformed, TagrainSourceJob, tolerant
from app.sync.jobs.customer_twins import link_twins
from app.sync.jobs.fingerprints import sap_customer_fingerprint, tagrain_customer_fingerprint
from app.sync.jobs.master_groups import CUSTOMER_GROUPS, GroupSync
from app.sync.mapping.customers import (
    CustomerDependencies,
    map_customer,
    new_card_code,
    tagrain_name,
)
from app.sync.records import Action, Outcome, RecordError

CARD_NAME_LENGTH = 100


def name_note(customer: Customer) -> str | None:
    """What the record log says when SAP keeps only the start of a long name."""
    length = len(tagrain_name(customer))
    if length <= CARD_NAME_LENGTH:
        return None
    return (
        f"the name has {length} characters; SAP keeps the first {CARD_NAME_LENGTH} "
        "(BusinessPartner.CardName)"
    )


class CustomerResolver:
    """Finds or creates the SAP customer of a Tagrain customer (for documents and the job)."""

    def __init__(self, down: DownContext) -> None:
        self.down = down
        self.groups = GroupSync(down.ctx, CUSTOMER_GROUPS)

    def card_code_for(self, customer_id: str | None) -> str | None:
        """The CardCode of a document's customer, created when SAP lacks it.

        None for a walk-in: the mapping sends it to the template's cash customer.
        """
        if customer_id is None:
            return None
        link = self.down.ctx.binder.by_tagrain("customers", customer_id)
        if link is not None:
            return link.sap_key

        def load() -> str:
            customer = self.down.ctx.tagrain.get_customer(customer_id)
            card_code, outcome = self.upsert(customer)
            note_dependency("customers", customer.id, outcome)
            return card_code

        return self.down.cache.get("customer", customer_id, load)

    def draft(self, customer: Customer, card_code: str) -> BusinessPartnerDraft:
        """The SAP fields of a Tagrain customer, its group resolved through the group links."""
        linked_group = None
        if customer.group_id:
            link = self.down.ctx.binder.by_tagrain("customer_groups", customer.group_id)
            if link is not None:
                linked_group = int(link.sap_key)
        deps = CustomerDependencies(card_code, linked_group)
        return map_customer(customer, deps, self.down.ctx.rules)

    def find_existing(self, customer: Customer) -> SapBusinessPartner | None:
        """The SAP customer this Tagrain customer already is, if any."""
        sap = self.down.ctx.sap
        found = sap.find_customer(tagrain_id=customer.id)
        if found is not None:
            return found
        for code in (customer.external_ref, customer.code):
            if code:
                bp = sap.customer(code)
                if bp is not None and bp.tagrain_id in (None, customer.id):
                    return bp
        if customer.email:
            bp = sap.find_customer(email=customer.email)
            if bp is not None and bp.tagrain_id in (None, customer.id):
                return bp
        return None

    def upsert(self, customer: Customer) -> tuple[str, Outcome]:
        """Create, link or update the SAP customer; returns its CardCode and the outcome."""
        ctx = self.down.ctx
        fingerprint = tagrain_customer_fingerprint(customer, ctx.binder)
        link = ctx.binder.by_tagrain("customers", customer.id)
        if link is not None:
            if link.fingerprint == fingerprint:
                return link.sap_key, Outcome(Action.SKIPPED, target_key=link.sap_key)
            bp = ctx.sap.customer(link.sap_key)
            if bp is None:
                raise RecordError(f"linked SAP customer {link.sap_key} no longer exists")
            sap_changed = sap_customer_fingerprint(bp, ctx.binder) != link.fingerprint
            if sap_changed and bp.updated_at and bp.updated_at > customer.updated_at:
                return link.sap_key, Outcome(
                    Action.SKIPPED,
                    target_key=link.sap_key,
                    message="changed on both sides; SAP's change is later and wins",
                )
            draft = replace(self.draft(customer, link.sap_key), bill_to=bp.bill_to_name)
            ctx.sap.update_customer(link.sap_key, draft)
            ctx.binder.bind("customers", customer.id, link.sap_key, fingerprint=fingerprint)
            notes = (
                "changed on both sides; Tagrain's change is later and wins"
                if sap_changed
                else None,
                name_note(customer),
            )
            message = "; ".join(n for n in notes if n) or None
            return link.sap_key, Outcome(Action.UPDATED, target_key=link.sap_key, message=message)
        existing = self.find_existing(customer)
        if existing is not None:
            twins = link_twins(ctx, existing, customer, self.groups)
            if existing.tagrain_id != customer.id:
                ctx.sap.set_customer_tagrain_id(existing.card_code, customer.id)
            ctx.binder.bind(
                "customers", customer.id, existing.card_code, fingerprint=twins.fingerprint
            )
            matched = f"matched SAP customer {existing.card_code}; linked, not duplicated"
            return existing.card_code, Outcome(
                Action.LINKED, target_key=existing.card_code, message=twins.message(matched)
            )
        card_code = new_card_code(customer, ctx.rules)
        ctx.sap.create_customer(self.draft(customer, card_code))
        ctx.binder.bind("customers", customer.id, card_code, fingerprint=fingerprint)
        return card_code, Outcome(Action.CREATED, target_key=card_code, message=name_note(customer))


class CustomersDownJob(TagrainSourceJob[Customer]):
    """Tagrain customers → SAP business partners."""

    object_name = "customers"

    def __init__(self, ctx: SyncContext, down: DownContext | None = None) -> None:
        super().__init__(ctx, down)
        self.resolver = CustomerResolver(self.down)

    def list_records(self, since: datetime | None) -> Iterator[Customer | Malformed]:
        return self.ctx.tagrain.iter_records(
            "customers", tolerant(Customer.from_json), updated_since=since
        )

    def get_record(self, record_id: str) -> Customer:
        return self.ctx.tagrain.get_customer(record_id)

    def apply_record(self, customer: Customer) -> Outcome:
        _, outcome = self.resolver.upsert(customer)
        return outcome
