"""A Tagrain customer → the SAP business partner fields it creates or updates.

New customers take the template's customer group (or the SAP group linked to
theirs), currency, price list, payment terms and CardCode prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.connectors.sapb1.records import BusinessPartnerDraft, SapAddress
from app.connectors.tagrain.records import Address, Customer
from app.sync.context import TemplateRules
from app.sync.records import RecordError

CARD_CODE_LENGTH = 15


@dataclass(frozen=True)
class CustomerDependencies:
    """What a business partner needs from outside the customer, resolved by the job.

    ``linked_group``: the SAP group linked to the customer's Tagrain group
    (None: unlinked or no group, so the template's group for new customers).
    """

    card_code: str
    linked_group: int | None = None


def tagrain_name(customer: Customer) -> str:
    """The one-line name of a Tagrain customer: the company, else first and last name."""
    name = customer.company or " ".join(p for p in (customer.first_name, customer.last_name) if p)
    return name.strip() or customer.code


def tagrain_street(address: Address | None) -> str | None:
    """Address lines one and two as one street line (SAP keeps one)."""
    if address is None:
        return None
    return ", ".join(p for p in (address.line1, address.line2) if p) or None


def new_card_code(customer: Customer, rules: TemplateRules) -> str:
    """The CardCode of a customer created from Tagrain: the code series prefix + its code."""
    prefix = rules.new_customer_prefix
    code = customer.code if customer.code.startswith(prefix) else prefix + customer.code
    if len(code) > CARD_CODE_LENGTH:
        raise RecordError(
            f"customer code {code!r} is longer than SAP's {CARD_CODE_LENGTH} characters"
        )
    return code


def map_customer(
    customer: Customer, deps: CustomerDependencies, rules: TemplateRules
) -> BusinessPartnerDraft:
    """The SAP fields of a Tagrain customer."""
    address = None
    if customer.address is not None:
        address = SapAddress(
            street=tagrain_street(customer.address),
            city=customer.address.city,
            zip_code=customer.address.postcode,
            country=customer.address.country,
        )
    return BusinessPartnerDraft(
        card_code=deps.card_code,
        card_name=tagrain_name(customer),
        group_code=rules.new_customer_group if deps.linked_group is None else deps.linked_group,
        email=customer.email,
        phone=customer.phone,
        federal_tax_id=customer.tax_number,
        currency=rules.currency,
        price_list=rules.price_list,
        payment_terms=rules.payment_terms,
        tagrain_id=customer.id,
        address=address,
        active=customer.active,
    )
