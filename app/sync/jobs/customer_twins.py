"""The first link of a Tagrain customer and its SAP twin, by the first-link rules.

Both directions link twins through here: the Tagrain → SAP job when SAP
already has the customer, the SAP → Tagrain job when Tagrain already has it.
Each record is read as a view of the shared fields; ``first_link.merge``
decides the values both keep (``CUSTOMER_RULES``); the fields that change are
written to SAP (one PATCH of the business partner) and to Tagrain (one PATCH
of the customer), and the link's fingerprint is the merged record's. The next
runs in both directions then read their own side equal to the link and skip:
no echo, no ping-pong. The record log names every field changed, old → new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.connectors.sapb1.records import BusinessPartnerDraft, SapAddress, SapBusinessPartner
from app.connectors.tagrain.records import Customer
from app.sync.context import SyncContext
from app.sync.first_link import CUSTOMER_RULES, FIRST_LINK, SAP, TAGRAIN, Merged, merge
from app.sync.jobs.common_up import write_key
from app.sync.jobs.fingerprints import customer_fingerprint
from app.sync.jobs.master_groups import GroupSync
from app.sync.mapping.customers import tagrain_name, tagrain_street
from app.sync.records import RecordError

LINKS = "customers"
NAME_LENGTH = 100
PHONE_LENGTH = 40
ADDRESS = ("street", "city", "postcode", "country")


@dataclass(frozen=True)
class TwinLink:
    """What a first link did: the merged record's fingerprint and the changes on each side."""

    fingerprint: str
    merged: Merged
    customer: Customer
    """The Tagrain customer as it is after the link (written or as read)."""
    shown: Merged
    """The merge as the record log tells it (customer groups by name)."""

    def message(self, matched: str) -> str:
        """The record log's line: how the twins matched, then what changed on each side."""
        return f"{matched}; {FIRST_LINK}{self.shown.describe()}"


def sap_view(bp: SapBusinessPartner, group_id: str | None) -> dict[str, Any]:
    """An SAP business partner's shared fields (``group_id``: its group's Tagrain id)."""
    return {
        "name": bp.card_name,
        "email": bp.email,
        "phone": bp.phone or bp.cellular,
        "tax_number": bp.federal_tax_id,
        "group": group_id,
        "street": bp.address.street,
        "city": bp.address.city,
        "postcode": bp.address.zip_code,
        "country": bp.address.country,
        "active": bp.active,
    }


def tagrain_view(customer: Customer) -> dict[str, Any]:
    """A Tagrain customer's shared fields."""
    address = customer.address
    return {
        "name": tagrain_name(customer),
        "email": customer.email,
        "phone": customer.phone,
        "tax_number": customer.tax_number,
        "group": customer.group_id,
        "street": tagrain_street(address),
        "city": address.city if address else None,
        "postcode": address.postcode if address else None,
        "country": address.country if address else None,
        "active": customer.active,
    }


def tagrain_changes(customer: Customer, merged: Merged) -> dict[str, Any]:
    """The PATCH that brings the Tagrain customer to the merged values (only what changes)."""
    changed = merged.on(TAGRAIN)
    values = merged.values
    payload: dict[str, Any] = {}
    if "name" in changed:
        name = " ".join(str(values["name"]).split())[:NAME_LENGTH]
        if customer.company:
            payload["company"] = name
        else:
            first, _, last = name.partition(" ")
            payload.update(first_name=first, last_name=last or None, company=None)
    for name, target in (("email", "email"), ("tax_number", "tax_number"), ("group", "group_id")):
        if name in changed:
            payload[target] = values[name]
    if "phone" in changed:
        payload["phone"] = (values["phone"] or "")[:PHONE_LENGTH] or None
    if "active" in changed:
        payload["active"] = values["active"]
    if any(part in changed for part in ADDRESS):
        current = customer.address
        keep_lines = "street" not in changed and current is not None
        payload["address"] = {
            "line1": current.line1 if keep_lines and current else values["street"],
            "line2": current.line2 if keep_lines and current else None,
            "city": values["city"],
            "postcode": values["postcode"],
            "country": values["country"],
        }
    return payload


def sap_changes(
    bp: SapBusinessPartner, merged: Merged, groups: GroupSync
) -> BusinessPartnerDraft | None:
    """The business partner update that brings SAP to the merged values (None: nothing)."""
    changed = merged.on(SAP)
    if not changed:
        return None
    values = merged.values
    group_code = None
    if "group" in changed:
        group_code = groups.sap_code_of(str(values["group"]))
        if group_code is None:
            raise RecordError(
                f"the Tagrain customer group {values['group']} has no SAP twin; "
                "SAP needs a customer group of the same name"
            )
    address = None
    if any(part in changed for part in ADDRESS):
        address = SapAddress(
            street=values["street"],
            city=values["city"],
            zip_code=values["postcode"],
            country=values["country"],
        )
    return BusinessPartnerDraft(
        card_code=bp.card_code,
        card_name=values["name"] if "name" in changed else bp.card_name,
        group_code=group_code,
        email=values["email"] if "email" in changed else bp.email,
        phone=values["phone"] if "phone" in changed else bp.phone,
        federal_tax_id=values["tax_number"] if "tax_number" in changed else bp.federal_tax_id,
        address=address,
        active=values["active"],
        bill_to=bp.bill_to_name,
    )


def link_twins(
    ctx: SyncContext,
    bp: SapBusinessPartner,
    customer: Customer,
    groups: GroupSync,
) -> TwinLink:
    """Merge the twins, write the changes to both sides, return the merged fingerprint.

    ``groups`` gives the Tagrain id of the SAP customer's group (pushed when
    missing) and the groups' names. The Tagrain customer also gets the CardCode
    as its ``external_ref``. The caller binds the link with the returned
    fingerprint.
    """
    group_id = groups.ensure(bp.group_code)
    merged = merge(CUSTOMER_RULES, sap_view(bp, group_id), tagrain_view(customer))
    draft = sap_changes(bp, merged, groups)
    if draft is not None:
        ctx.sap.update_customer(bp.card_code, draft)
    payload = tagrain_changes(customer, merged)
    if customer.external_ref != bp.card_code:
        payload["external_ref"] = bp.card_code
    written = customer
    if payload:
        key = write_key(LINKS, bp.card_code, f"link:{customer.id}", payload)
        written = ctx.tagrain.update_customer(customer.id, payload, idempotency_key=key)
    values = merged.values
    fingerprint = customer_fingerprint(
        name=values["name"],
        email=values["email"],
        phone=values["phone"],
        tax_number=values["tax_number"],
        group=values["group"],
        street=values["street"],
        city=values["city"],
        postcode=values["postcode"],
        country=values["country"],
        active=values["active"],
    )
    shown = groups.named(merged, "group", group_id, bp.group_code)
    return TwinLink(fingerprint, merged, written, shown)
