"""Products Tagrain → SAP: variant and gift-card products become SAP items.

Standard, serial and batch items are mastered in SAP and pushed to Tagrain
(``products_up``); variants and gift cards exist first in Tagrain, so they are
created in SAP (ItemCode = SKU, the Tagrain id in ``U_TG_ID``), added and
updated only, never deleted. A sale of such a product that is not in SAP yet
creates the item first (``ProductResolver``), so the sale is not held up.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from app.connectors.tagrain.records import Product
from app.sync.binder import note_dependency
from app.sync.context import SyncContext
from app.sync.jobs.common_down import DownContext, Malformed, TagrainSourceJob, tolerant
from app.sync.mapping.products import ProductDependencies, check_product, map_product
from app.sync.records import Action, Outcome, RecordError

TAGRAIN_MASTERED = ("variant", "gift_card")


class ProductResolver:
    """Makes sure an item a document needs exists in SAP."""

    def __init__(self, down: DownContext) -> None:
        self.down = down

    def ensure_item(self, sku: str, product_id: str, line_no: int) -> None:
        """Create a missing variant or gift card; RecordError for any other missing item."""
        if self.down.item_exists(sku):
            return
        product = self.down.ctx.tagrain.get_product(product_id)
        if product.type not in TAGRAIN_MASTERED:
            raise RecordError(
                f"line {line_no}: item {sku!r} does not exist in SAP Business One "
                f"(a {product.type} product is created in SAP and marked for sync there)"
            )
        self.create(product)
        self.down.cache.forget("item", sku)
        note_dependency(
            "products_down",
            product.id,
            Outcome(Action.CREATED, target_key=sku, message=f"item {sku} for line {line_no}"),
        )

    def create(self, product: Product) -> str:
        """Create the SAP item of a Tagrain product; returns its ItemCode."""
        group = None
        if product.group_id:
            link = self.down.ctx.binder.by_tagrain("product_groups", product.group_id)
            group = int(link.sap_key) if link else None
        draft = map_product(product, ProductDependencies(group), self.down.ctx.rules)
        self.down.ctx.sap.create_item(draft)
        self.down.ctx.binder.bind("products", product.id, product.sku)
        return product.sku


class ProductsDownJob(TagrainSourceJob[Product]):
    """Tagrain variant and gift-card products → SAP items."""

    object_name = "products_down"

    def __init__(self, ctx: SyncContext, down: DownContext | None = None) -> None:
        super().__init__(ctx, down)
        self.resolver = ProductResolver(self.down)

    def list_records(self, since: datetime | None) -> Iterator[Product | Malformed]:
        """Variant and gift-card products; a malformed product fails alone, whatever its type."""
        return (
            p
            for p in self.ctx.tagrain.iter_records(
                "products", tolerant(Product.from_json), updated_since=since
            )
            if isinstance(p, Malformed) or p.type in TAGRAIN_MASTERED
        )

    def get_record(self, record_id: str) -> Product:
        return self.ctx.tagrain.get_product(record_id)

    def apply_record(self, product: Product) -> Outcome:
        check_product(product)
        link = self.ctx.binder.by_tagrain("products", product.id)
        existing = self.ctx.sap.item(product.sku)
        if existing is not None:
            if link is not None and existing.tagrain_id == product.id:
                return Outcome(Action.SKIPPED, target_key=product.sku)
            if existing.tagrain_id not in (None, product.id):
                raise RecordError(
                    f"SAP item {product.sku} is linked to another Tagrain product "
                    f"({existing.tagrain_id})"
                )
            self.ctx.sap.set_item_tagrain_id(product.sku, product.id)
            self.ctx.binder.bind("products", product.id, product.sku)
            return Outcome(
                Action.LINKED,
                target_key=product.sku,
                message="an SAP item with this SKU already existed; linked",
            )
        self.resolver.create(product)
        return Outcome(Action.CREATED, target_key=product.sku)
