"""Products SAP → Tagrain: the standard, serial and batch items marked "Sync" for the template.

ItemCode is the Tagrain SKU; the type comes from ManageSerialNumbers and
ManageBatchNumbers, ``non_stock`` from InventoryItem, the price from the
template's price list, the group and manufacturer through their links
(pushed first when missing). Products are added and updated, never
deleted. An item without a link is matched by SKU, then by barcode, before
anything is created; the first link merges the twins by ``first_link.PRODUCT_RULES``
(SAP's values, but a barcode or manufacturer only Tagrain has is kept and
written into SAP's item); the Tagrain id is written back as the item's
cross-reference code (``U_TG_ID``). Variant and gift-card products are
mastered in Tagrain and left alone here.

The job runs as ``products_up`` (own lease and watermark), incremental by
SAP's UpdateDate/UpdateTime plus every marked item not linked yet (in
either case less the items the run has just retried); links
live under ``products``, shared with the Tagrain → SAP product job. The
link's fingerprint is the content last written, so an unchanged item (or
our own write-back coming round again) is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.connectors.sapb1.records import SapItem
from app.connectors.tagrain.parsing import format_decimal
from app.connectors.tagrain.records import Product
from app.sync.binder import Binding
from app.sync.context import SyncContext
from app.sync.first_link import FIRST_LINK, PRODUCT_RULES, SAP, Merged, merge
from app.sync.jobs.fingerprints import digest
from app.sync.jobs.master_groups import MANUFACTURERS, PRODUCT_GROUPS, GroupSync
from app.sync.jobs.sap_source import SapSourceJob
from app.sync.records import Action, Outcome, RecordError

LINKS = "products"
TAGRAIN_MASTERED = ("variant", "gift_card")
NAME_LENGTH = 200


def product_type(item: SapItem) -> str:
    """Tagrain's type of an SAP item."""
    if item.serial:
        return "serial"
    if item.batch:
        return "batch"
    return "standard"


def type_note(item: SapItem, product: Product) -> str | None:
    """A warning when SAP and Tagrain disagree on a product's type (Tagrain cannot change it)."""
    wanted = product_type(item)
    if product.type == wanted:
        return None
    return (
        f"the Tagrain product is {product.type} but the SAP item is {wanted}; "
        "Tagrain cannot change a product's type"
    )


def product_keys(product: Product) -> Iterable[str]:
    """The keys a Tagrain product can be matched by."""
    yield f"sku:{product.sku}"
    if product.barcode:
        yield f"barcode:{product.barcode}"


def item_match_keys(item: SapItem) -> list[tuple[str, str]]:
    """The index keys an SAP item is matched by, in order, each with how it is told."""
    keys = [(f"sku:{item.item_code}", "SKU")]
    if item.barcode:
        keys.append((f"barcode:{item.barcode}", "barcode"))
    return keys


@dataclass(frozen=True)
class ItemDependencies:
    """The Tagrain ids of an item's product group and manufacturer (None: it has none)."""

    group_id: str | None
    manufacturer_id: str | None = None


def product_payload(item: SapItem, deps: ItemDependencies) -> dict[str, Any]:
    """The Tagrain fields of an SAP item (the type only goes with a create)."""
    payload: dict[str, Any] = {
        "sku": item.item_code,
        "name": (item.item_name or item.item_code)[:NAME_LENGTH],
        "non_stock": not item.inventory_item,
        "group_id": deps.group_id,
        "manufacturer_id": deps.manufacturer_id,
        "barcode": item.barcode,
        "active": item.active,
        "external_ref": item.item_code,
    }
    if item.price is not None:
        payload["price"] = item.price
    return payload


def create_body(item: SapItem, deps: ItemDependencies, price_list: int | None) -> dict[str, Any]:
    """The Tagrain product an SAP item creates: its fields and its type.

    RecordError when the item has no price in the template's price list
    (``price_list``): Tagrain needs one to create a product.
    """
    payload = product_payload(item, deps)
    if "price" not in payload:
        raise RecordError(
            f"item {item.item_code} has no price in the template's price list "
            f"({price_list}); Tagrain needs one to create the product"
        )
    return {**payload, "type": product_type(item)}


def tagrain_mastered(product: Product) -> Outcome:
    """The skip of a variant or gift-card product: Tagrain masters those."""
    return Outcome(
        Action.SKIPPED,
        target_key=product.id,
        message=f"Tagrain product {product.sku} is a {product.type}, mastered in Tagrain",
    )


def product_fingerprint(payload: dict[str, Any]) -> str:
    """What the link remembers of a product: the fields written, as text."""
    return digest(
        f"{name}={format_decimal(value) if name == 'price' else value}"
        for name, value in sorted(payload.items())
    )


class ProductsUpJob(SapSourceJob[SapItem, Product, ItemDependencies]):
    """SAP items marked for the template → Tagrain products."""

    object_name = "products_up"
    marks_kind = "item"
    links = LINKS
    unique_field = "sku"

    def __init__(self, ctx: SyncContext) -> None:
        super().__init__(ctx)
        self.groups = GroupSync(ctx, PRODUCT_GROUPS)
        self.manufacturers = GroupSync(ctx, MANUFACTURERS)

    def key_of(self, record: SapItem) -> str:
        return record.item_code

    def sap_records(
        self, *, since: datetime | None = None, codes: list[str] | None = None
    ) -> Iterable[SapItem]:
        price_list = self.ctx.rules.price_list
        return self.ctx.sap.items(since=since, codes=codes, price_list=price_list)

    def sap_record(self, key: str) -> SapItem | None:
        return self.ctx.sap.item(key, self.ctx.rules.price_list)

    def set_tagrain_id(self, key: str, tagrain_id: str) -> None:
        self.ctx.sap.set_item_tagrain_id(key, tagrain_id)

    def tagrain_records(self) -> Iterable[Product]:
        return self.ctx.tagrain.iter_products()

    def tagrain_record(self, tagrain_id: str) -> Product:
        return self.ctx.tagrain.get_product(tagrain_id)

    def tagrain_write(self, tagrain_id: str | None, payload: dict[str, Any], key: str) -> Product:
        if tagrain_id is None:
            return self.ctx.tagrain.create_product(payload, idempotency_key=key)
        return self.ctx.tagrain.update_product(tagrain_id, payload, idempotency_key=key)

    def tagrain_keys(self, record: Product) -> Iterable[str]:
        return product_keys(record)

    def match_keys(self, record: SapItem) -> Iterable[tuple[str, str]]:
        return item_match_keys(record)

    def resolve(self, record: SapItem) -> ItemDependencies:
        group_id = self.groups.ensure(record.group_code)
        maker = record.manufacturer
        maker_id = None if maker is None else self.manufacturers.ensure(maker)
        return ItemDependencies(group_id, maker_id)

    def fingerprint(self, record: SapItem, deps: ItemDependencies) -> str:
        return product_fingerprint(product_payload(record, deps))

    def create_body(self, record: SapItem, deps: ItemDependencies) -> dict[str, Any]:
        return create_body(record, deps, self.ctx.rules.price_list)

    def update(
        self,
        record: SapItem,
        deps: ItemDependencies,
        current: Product,
        link: Binding,
        fingerprint: str,
    ) -> Outcome:
        if current.type in TAGRAIN_MASTERED:
            return tagrain_mastered(current)
        payload = product_payload(record, deps)
        updated = self.write(record, current.id, payload, f"{current.id}:{link.fingerprint}")
        self.done(record, updated, fingerprint)
        return Outcome(Action.UPDATED, target_key=updated.id, message=type_note(record, updated))

    def link(
        self, record: SapItem, deps: ItemDependencies, match: Product, how: str, fingerprint: str
    ) -> Outcome:
        if match.type in TAGRAIN_MASTERED:
            return tagrain_mastered(match)
        matched = f"matched Tagrain product {match.sku} by {how}; linked, not duplicated"
        merged = merge(PRODUCT_RULES, item_view(record, deps), product_view(match))
        item, deps, sap_deps = self.fill_sap(record, deps, merged)
        updated = self.write(record, match.id, product_payload(item, deps), f"link:{match.id}")
        self.done(record, updated, product_fingerprint(product_payload(item, sap_deps)))
        shown = self.manufacturers.named(
            self.groups.named(merged, "group", deps.group_id, record.group_code),
            "manufacturer",
            sap_deps.manufacturer_id,
            item.manufacturer,
        )
        kept_only = None
        if deps.manufacturer_id != sap_deps.manufacturer_id:
            shown = replace(
                shown,
                changes=tuple(c for c in shown.changes if c.field != "manufacturer"),
            )
            kept_only = (
                "Tagrain's manufacturer is kept there; SAP has no manufacturer of that name, "
                "so the item's stays empty"
            )
        notes = (
            f"{matched}; {FIRST_LINK}{shown.describe()}",
            kept_only,
            type_note(record, match),
        )
        return Outcome(Action.LINKED, target_key=match.id, message="; ".join(n for n in notes if n))

    def fill_sap(
        self, record: SapItem, deps: ItemDependencies, merged: Merged
    ) -> tuple[SapItem, ItemDependencies, ItemDependencies]:
        """Write into SAP's item the barcode and manufacturer it lacks and Tagrain has.

        Returns the item as SAP now holds it, what Tagrain keeps, and SAP's
        dependencies (a Tagrain manufacturer without an SAP twin stays in
        Tagrain only).
        """
        filled = merged.on(SAP)
        barcode = filled.get("barcode")
        maker_id = filled.get("manufacturer")
        maker = None if maker_id is None else self.manufacturers.sap_code_of(maker_id)
        if barcode is not None or maker is not None:
            self.ctx.sap.fill_item(record.item_code, barcode=barcode, manufacturer=maker)
        item = replace(
            record,
            barcode=barcode or record.barcode,
            manufacturer=record.manufacturer if maker is None else maker,
        )
        kept = ItemDependencies(deps.group_id, maker_id or deps.manufacturer_id)
        sap_deps = kept if maker is not None or maker_id is None else deps
        return item, kept, sap_deps


def item_view(item: SapItem, deps: ItemDependencies) -> dict[str, Any]:
    """An SAP item's fields the first link merges."""
    payload = product_payload(item, deps)
    return {
        "name": payload["name"],
        "group": deps.group_id,
        "manufacturer": deps.manufacturer_id,
        "barcode": item.barcode,
        "non_stock": not item.inventory_item,
        "active": item.active,
    }


def product_view(product: Product) -> dict[str, Any]:
    """A Tagrain product's fields the first link merges."""
    return {
        "name": product.name,
        "group": product.group_id,
        "manufacturer": product.manufacturer_id,
        "barcode": product.barcode,
        "non_stock": product.non_stock,
        "active": product.active,
    }
