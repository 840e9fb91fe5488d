"""Fingerprints of the customer fields both directions share, for echo suppression.

Either direction stores, in the customer's link, the fingerprint of what it
just wrote; the other direction computes the fingerprint of the record it
reads from its own side and skips it when the two are equal (our own write
coming back). The fingerprint covers only the normalised shared fields:
name, e-mail, phone, tax number, customer group (as the Tagrain group id,
via the ``customer_groups`` links), bill-to address and whether the customer
is active (a frozen SAP customer is an inactive Tagrain one).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from app.connectors.sapb1.records import SapBusinessPartner
from app.connectors.tagrain.records import Customer
from app.sync.binder import Binder
from app.sync.mapping.customers import tagrain_name, tagrain_street

_SPACES = re.compile(r"\s+")
_PHONE = re.compile(r"[^0-9+]")


def _text(value: str | None) -> str:
    return _SPACES.sub(" ", value or "").strip().casefold()


def _phone(value: str | None) -> str:
    return _PHONE.sub("", value or "")


def _tax(value: str | None) -> str:
    return _SPACES.sub("", value or "").upper()


def digest(parts: Iterable[str]) -> str:
    """A short stable hash of some already normalised strings."""
    raw = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def customer_fingerprint(
    *,
    name: str | None,
    email: str | None,
    phone: str | None,
    tax_number: str | None,
    group: str | None,
    street: str | None,
    city: str | None,
    postcode: str | None,
    country: str | None,
    active: bool = True,
) -> str:
    """The fingerprint of a customer's shared fields (``group`` is the Tagrain group id)."""
    return digest(
        (
            _text(name),
            _text(email),
            _phone(phone),
            _tax(tax_number),
            group or "",
            _text(street),
            _text(city),
            _text(postcode),
            _text(country),
            "active" if active else "inactive",
        )
    )


def sap_group_as_tagrain(links: Binder, group_code: int) -> str:
    """The Tagrain id of an SAP customer group (``sap:<code>`` while it is not linked)."""
    link = links.by_sap("customer_groups", str(group_code))
    return link.tagrain_id if link is not None else f"sap:{group_code}"


def sap_customer_fingerprint(bp: SapBusinessPartner, links: Binder) -> str:
    """The fingerprint of an SAP business partner's shared fields."""
    return customer_fingerprint(
        name=bp.card_name,
        email=bp.email,
        phone=bp.phone or bp.cellular,
        tax_number=bp.federal_tax_id,
        group=sap_group_as_tagrain(links, bp.group_code),
        street=bp.address.street,
        city=bp.address.city,
        postcode=bp.address.zip_code,
        country=bp.address.country,
        active=bp.active,
    )


def tagrain_customer_fingerprint(customer: Customer, links: Binder) -> str:
    """The fingerprint of a Tagrain customer's shared fields (``links`` for symmetry)."""
    address = customer.address
    return customer_fingerprint(
        name=tagrain_name(customer),
        email=customer.email,
        phone=customer.phone,
        tax_number=customer.tax_number,
        group=customer.group_id,
        street=tagrain_street(address),
        city=address.city if address else None,
        postcode=address.postcode if address else None,
        country=address.country if address else None,
        active=customer.active,
    )
