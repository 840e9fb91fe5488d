"""Products SAP → Tagrain: the standard, serial and batch items marked "Sync" for the template.

ItemCode is the Tagrain SKU; the type comes from ManageSerialNumbers and
ManageBatchNumbers, ``non_stock`` from InventoryItem, the price from the
template's price list, the group and manufacturer through their links
(pushed first when missing). Products are added and updated, never
deleted. An item without a link is matched by SKU, then by barcode, before
anything is created; the Tagrain id is written back as the item's
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

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from app.connectors.sapb1.company import SapItem
from app.connectors.tagrain.errors import TagrainNotFoundError, TagrainValidationError
from app.connectors.tagrain.parsing import format_decimal
from app.connectors.tagrain.records import Product
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
from app.sync.jobs.fingerprints import digest
from app.sync.jobs.master_groups import MANUFACTURERS, PRODUCT_GROUPS, GroupSync
from app.sync.records import Action, Outcome, RecordError, SourceRecord

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


def product_payload(
    item: SapItem, group_id: str | None, manufacturer_id: str | None
) -> dict[str, Any]:
    """The Tagrain fields of an SAP item (the type only goes with a create)."""
    payload: dict[str, Any] = {
        "sku": item.item_code,
        "name": (item.item_name or item.item_code)[:NAME_LENGTH],
        "non_stock": not item.inventory_item,
        "group_id": group_id,
        "manufacturer_id": manufacturer_id,
        "barcode": item.barcode,
        "active": item.active,
        "external_ref": item.item_code,
    }
    if item.price is not None:
        payload["price"] = item.price
    return payload


def product_fingerprint(payload: dict[str, Any]) -> str:
    """What the link remembers of a product: the fields written, as text."""
    return digest(
        f"{name}={format_decimal(value) if name == 'price' else value}"
        for name, value in sorted(payload.items())
    )


class ProductsUpJob(ContextJob):
    """SAP items marked for the template → Tagrain products."""

    object_name = "products_up"
    direction = "to_tagrain"
    parallel = True

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self.marks = Marks(ctx, "item")
        self.retried: set[str] = set()
        self.groups = GroupSync(ctx, PRODUCT_GROUPS)
        self.manufacturers = GroupSync(ctx, MANUFACTURERS)
        self.index: TagrainIndex[Product] = TagrainIndex(
            lambda: ctx.tagrain.iter_products(), product_keys, lambda p: p.id
        )

    def _marked(self) -> frozenset[str]:
        return self.marks.keys()

    def _items(self, codes: list[str]) -> Iterator[SapItem]:
        return self.ctx.sap.items(codes=codes, price_list=self.ctx.rules.price_list)

    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        marked = self._marked()
        if not marked:
            return
        with translate_errors():
            if since is None:
                items = sorted(
                    self._items(sorted(marked - self.retried)),
                    key=lambda item: oldest_first(item.updated_at, item.item_code),
                )
                for item in items:
                    yield SourceRecord(item.item_code, item.updated_at, item)
                return
            seen = set(self.retried)
            unlinked = sorted(marked - linked_sap_keys(self.ctx, LINKS) - seen)
            for item in self._items(unlinked) if unlinked else ():
                seen.add(item.item_code)
                yield SourceRecord(item.item_code, None, item)
            changed = self.ctx.sap.items(since=since, price_list=self.ctx.rules.price_list)
            for item in changed:
                if item.item_code in marked and item.item_code not in seen:
                    yield SourceRecord(item.item_code, item.updated_at, item)

    def count(self, since: datetime | None) -> int | None:
        return len(self._marked()) if since is None else None

    def fetch(self, source_id: str) -> SourceRecord | None:
        self.retried.add(source_id)
        with translate_errors():
            item = self.ctx.sap.item(source_id, self.ctx.rules.price_list)
        return None if item is None else SourceRecord(item.item_code, item.updated_at, item)

    def apply(self, record: SourceRecord) -> Outcome:
        item: SapItem = record.payload
        if item.item_code not in self._marked():
            return Outcome(Action.SKIPPED, message="no longer marked for this template")
        with translate_errors():
            return self._apply(item)

    def _apply(self, item: SapItem) -> Outcome:
        group_id = self.groups.ensure(item.group_code)
        maker_id = (
            None if item.manufacturer is None else self.manufacturers.ensure(item.manufacturer)
        )
        payload = product_payload(item, group_id, maker_id)
        fingerprint = product_fingerprint(payload)
        link = self.ctx.binder.by_sap(LINKS, item.item_code)
        if link is not None:
            if link.fingerprint == fingerprint:
                self._write_back(item, link.tagrain_id)
                return Outcome(Action.SKIPPED, target_key=link.tagrain_id)
            current = self._get(link.tagrain_id)
            if current is not None:
                if current.type in TAGRAIN_MASTERED:
                    return self._tagrain_mastered(current)
                key = write_key(LINKS, item.item_code, f"{current.id}:{link.fingerprint}", payload)
                updated = self.ctx.tagrain.update_product(current.id, payload, idempotency_key=key)
                self._done(item, updated, fingerprint)
                return Outcome(
                    Action.UPDATED, target_key=updated.id, message=type_note(item, updated)
                )
        match, how = self._match(item)
        if match is not None:
            if match.type in TAGRAIN_MASTERED:
                return self._tagrain_mastered(match)
            message = f"matched Tagrain product {match.sku} by {how}; linked, not duplicated"
            message = "; ".join(m for m in (message, type_note(item, match)) if m)
            key = write_key(LINKS, item.item_code, f"link:{match.id}", payload)
            updated = self.ctx.tagrain.update_product(match.id, payload, idempotency_key=key)
            self._done(item, updated, fingerprint)
            return Outcome(Action.LINKED, target_key=match.id, message=message)
        return self._create(item, payload, fingerprint)

    def _create(self, item: SapItem, payload: dict[str, Any], fingerprint: str) -> Outcome:
        if "price" not in payload:
            raise RecordError(
                f"item {item.item_code} has no price in the template's price list "
                f"({self.ctx.rules.price_list}); Tagrain needs one to create the product"
            )
        body = {**payload, "type": product_type(item)}
        key = write_key(LINKS, item.item_code, "create", body)
        try:
            created = self.ctx.tagrain.create_product(body, idempotency_key=key)
        except TagrainValidationError as exc:
            if exc.field != "sku":
                raise
            self.index.reset()
            if not self._match(item)[0]:
                raise
            return self._apply(item)
        self._done(item, created, fingerprint)
        return Outcome(Action.CREATED, target_key=created.id)

    def _get(self, tagrain_id: str) -> Product | None:
        try:
            return self.ctx.tagrain.get_product(tagrain_id)
        except TagrainNotFoundError:
            return None

    def _match(self, item: SapItem) -> tuple[Product | None, str]:
        keys = [(f"sku:{item.item_code}", "SKU")]
        if item.barcode:
            keys.append((f"barcode:{item.barcode}", "barcode"))
        for key, how in keys:
            for product in self.index.find(key):
                other = self.ctx.binder.by_tagrain(LINKS, product.id)
                if other is None or other.sap_key == item.item_code:
                    return product, how
        return None, ""

    def _tagrain_mastered(self, product: Product) -> Outcome:
        return Outcome(
            Action.SKIPPED,
            target_key=product.id,
            message=f"Tagrain product {product.sku} is a {product.type}, mastered in Tagrain",
        )

    def _done(self, item: SapItem, product: Product, fingerprint: str) -> None:
        self.index.add(product)
        relink(self.ctx, LINKS, product.id, item.item_code, fingerprint)
        self._write_back(item, product.id)

    def _write_back(self, item: SapItem, tagrain_id: str) -> None:
        if item.tagrain_id != tagrain_id:
            self.ctx.sap.set_item_tagrain_id(item.item_code, tagrain_id)
