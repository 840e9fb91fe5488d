"""A Tagrain variant or gift-card product → the SAP item created for it.

ItemCode is the SKU; a gift card or a non-stock product is not an
inventory item; the price goes to the template's price list.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.connectors.sapb1.records import ItemDraft
from app.connectors.tagrain.records import Product
from app.sync.context import TemplateRules
from app.sync.records import RecordError


@dataclass(frozen=True)
class ProductDependencies:
    """What an item needs from outside the product: the SAP item group linked to its group."""

    group_code: int | None = None


def check_product(product: Product) -> None:
    """What is wrong with the product itself, before SAP is asked about it."""
    if not product.sku.strip():
        raise RecordError("the product has no SKU, which SAP needs as its item code")


def map_product(product: Product, deps: ProductDependencies, rules: TemplateRules) -> ItemDraft:
    """The SAP item of a Tagrain product."""
    check_product(product)
    return ItemDraft(
        item_code=product.sku,
        item_name=product.name,
        group_code=deps.group_code,
        barcode=product.barcode,
        price_list=rules.price_list,
        price=product.price,
        inventory_item=product.type != "gift_card" and not product.non_stock,
        tagrain_id=product.id,
    )
