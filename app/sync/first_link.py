"""Which side wins, field by field, when twins are linked for the first time.

A customer that exists in both SAP and Tagrain before the hub knows them is
linked, not duplicated (on the initial load, or whenever a first link is
made). The two records rarely agree on every field, and neither side is
simply "the truth": SAP holds the books' data, the till often holds the
newer contact details. ``CUSTOMER_RULES`` says, for each shared field, whose
value both sides keep when both have one and they differ, with the reason a
bookkeeper would give. Whatever the rule, a value is never replaced by an
empty one: when only one side has a value, that value wins.

Fields of one block (the address) come from one side together, chosen by the
block's lead field (the street line), so a street of one address is never
combined with the city of another; a part the chosen side lacks is still
filled from the other side.

``merge`` is the same whichever direction makes the link, so both sides end
with the same values and the link's fingerprint can be the merged record:
the next runs in both directions see no change. Qt-free and I/O-free.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

SAP = "SAP"
TAGRAIN = "Tagrain"
FIRST_LINK = "first link: "
"""What the record log puts before a first link's changes ("; "-separated)."""


def _plain(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class FieldRule:
    """One shared field: whose value wins when both sides have one and they differ, and why.

    ``same`` normalises a value for comparison (case, spaces, phone punctuation),
    as the link's fingerprint does. ``block`` names fields that move together;
    ``lead`` marks the field that decides which side the block comes from.
    """

    field: str
    label: str
    winner: str
    reason: str
    block: str | None = None
    lead: bool = False
    same: Callable[[Any], Any] = dataclass_field(default=_plain, compare=False, repr=False)


@dataclass(frozen=True)
class Change:
    """One value a first link changes on one side."""

    side: str
    field: str
    label: str
    old: Any
    new: Any

    def describe(self) -> str:
        """``SAP e-mail: 'old@x' → 'new@y'`` (empty shown as ``(empty)``)."""
        return f"{self.side} {self.label}: {shown(self.old)} → {shown(self.new)}"


@dataclass(frozen=True)
class Merged:
    """The values both sides keep after the first link, and what changes on each side."""

    values: dict[str, Any]
    changes: tuple[Change, ...]

    def on(self, side: str) -> dict[str, Any]:
        """The fields that change on one side, with their new values."""
        return {c.field: c.new for c in self.changes if c.side == side}

    def describe(self) -> str:
        """Every change as one line of text ("no field changes" when the twins agree)."""
        return "; ".join(c.describe() for c in self.changes) or "no field changes"


def shown(value: Any) -> str:
    """A value as the record log and the preview show it."""
    if is_empty(value):
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(str(value))


def is_empty(value: Any) -> bool:
    """None, or text with nothing but spaces (a boolean is never empty)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _pick(rule: FieldRule, sap: Any, tagrain: Any) -> str:
    """The side whose value wins for one field on its own."""
    if is_empty(sap):
        return TAGRAIN if not is_empty(tagrain) else SAP
    if is_empty(tagrain):
        return SAP
    return rule.winner


def merge(
    rules: tuple[FieldRule, ...], sap: Mapping[str, Any], tagrain: Mapping[str, Any]
) -> Merged:
    """Merge two twins' views (field → value) by the rules.

    A field whose values are the same (after ``same``) changes nowhere; else
    the losing side takes the winning side's value.
    """
    block_side: dict[str, str] = {}
    for rule in rules:
        if rule.block is not None and rule.lead:
            block_side[rule.block] = _pick(rule, sap.get(rule.field), tagrain.get(rule.field))
    values: dict[str, Any] = {}
    changes: list[Change] = []
    for rule in rules:
        ours, theirs = sap.get(rule.field), tagrain.get(rule.field)
        if rule.same(ours) == rule.same(theirs):
            values[rule.field] = ours
            continue
        side = block_side.get(rule.block or "") or _pick(rule, ours, theirs)
        if rule.block is not None:
            wanted = ours if side == SAP else theirs
            if is_empty(wanted):
                side = TAGRAIN if side == SAP else SAP
        new = ours if side == SAP else theirs
        values[rule.field] = new
        loser, old = (TAGRAIN, theirs) if side == SAP else (SAP, ours)
        changes.append(Change(loser, rule.field, rule.label, old, new))
    return Merged(values, tuple(changes))


def _text(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def _phone(value: Any) -> str:
    return "".join(c for c in str(value or "") if c.isdigit() or c == "+")


def _tax(value: Any) -> str:
    return "".join(str(value or "").split()).upper()


CUSTOMER_RULES: tuple[FieldRule, ...] = (
    FieldRule(
        "name",
        "name",
        SAP,
        "the name on invoices and statements is the books' name (BusinessPartner.CardName)",
        same=_text,
    ),
    FieldRule(
        "email",
        "e-mail",
        SAP,
        "SAP's address receives invoices, statements and dunning letters; the bookkeeper "
        "checked it",
        same=_text,
    ),
    FieldRule(
        "phone",
        "phone",
        SAP,
        "the number the accounts department calls; a till-only number is still kept "
        "when SAP has none",
        same=_phone,
    ),
    FieldRule(
        "tax_number",
        "tax number",
        SAP,
        "the VAT/tax id printed on invoices is bookkeeping data (FederalTaxID)",
        same=_tax,
    ),
    FieldRule(
        "group",
        "customer group",
        SAP,
        "SAP's group drives reports and defaults in the books; every SAP customer has one",
    ),
    FieldRule(
        "street",
        "address line",
        SAP,
        "the address moves as one block from the side that has a street line (SAP's when "
        "both do): a street of one address is never combined with another's city",
        block="address",
        lead=True,
        same=_text,
    ),
    FieldRule("city", "city", SAP, "with the address line", block="address", same=_text),
    FieldRule("postcode", "postcode", SAP, "with the address line", block="address", same=_text),
    FieldRule("country", "country", SAP, "with the address line", block="address", same=_text),
    FieldRule(
        "active",
        "active",
        SAP,
        "a customer frozen in SAP (credit stop) must not buy on account at the till",
    ),
)
"""The customer fields both sides share, in the order the record log lists changes."""

PRODUCT_RULES: tuple[FieldRule, ...] = (
    FieldRule(
        "name",
        "name",
        SAP,
        "items are mastered in SAP; the item description is the books' (the ItemCode when "
        "SAP has none)",
        same=_text,
    ),
    FieldRule(
        "group",
        "product group",
        SAP,
        "the item group decides the G/L accounts in SAP; every SAP item has one",
    ),
    FieldRule(
        "manufacturer",
        "manufacturer",
        SAP,
        "SAP's when it names one; else the till's is kept and written into SAP (when SAP has "
        "a manufacturer of that name)",
    ),
    FieldRule(
        "barcode",
        "barcode",
        SAP,
        "SAP's when it has one; else the barcode the till scans is kept and written into "
        "SAP's item",
        same=_text,
    ),
    FieldRule(
        "non_stock",
        "non-stock",
        SAP,
        "whether SAP keeps stock of the item (InventoryItem) is the books' decision",
    ),
    FieldRule("active", "active", SAP, "an item inactive in SAP must not be sold at the till"),
)
"""The product fields the first link merges (the price: see ``PRICE_RULE``)."""

PRICE_RULE = (
    "SAP's price in the template's price list; when that list has no price for the item, "
    "Tagrain's price stays (prices are kept in SAP's price lists, never written there)"
)
"""How the first link treats a product's price (not a merged field: SAP is never written)."""
