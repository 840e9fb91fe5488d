"""The Tagrain connector: the only code that knows Tagrain's wire format.

Public surface (everything else is internal)::

    settings = TagrainSettings(base_url, api_key, timeout=30.0, verify=True,
                               max_retries=4, page_size=100)
    with TagrainClient(settings) as tagrain:
        tagrain.ping()                                   # auth + reachability
        tagrain.list_stores() -> list[Store]
        tagrain.iter_customers(updated_since=None, limit=None) -> Iterator[Customer]
        # likewise iter_stores, iter_customer_groups, iter_product_groups,
        # iter_manufacturers, iter_products, iter_sales, iter_refunds,
        # iter_expenses, iter_inventory(store_id)
        tagrain.iter_pages("sales", Sale.from_json, updated_since=...) -> Iterator[list[Sale]]
        tagrain.get_customer(id) / get_product / get_sale / get_refund / get_expense / get_store
        tagrain.create_customer(CustomerDraft(...) | dict) -> Customer
        tagrain.update_customer(id, CustomerDraft(...) | dict) -> Customer
        # likewise create_/update_ product, customer_group, product_group, manufacturer
        tagrain.put_inventory(store_id, as_of, levels) -> InventoryResult

Listings are generators ordered by ``(updated_at, id)``; ``updated_since`` is
inclusive and must be timezone-aware. Records are frozen dataclasses with
``Decimal`` money and quantities and aware ``datetime`` times. Every write
sends an ``Idempotency-Key`` (sha256 of method, path and canonical body unless
``idempotency_key=`` is given: pass one derived from the source record's
version when the same payload may legitimately be written again within 24 h).
Errors are ``TagrainError`` subclasses: ``TagrainAuthError``,
``TagrainNotFoundError``, ``TagrainValidationError`` (``field`` names the
culprit), ``TagrainRateLimitedError`` (``retry_after``),
``TagrainTransientError`` (5xx, drops, timeouts after the bounded retries) and
``TagrainBadResponseError`` (HTML, truncated JSON, missing or malformed fields).
"""

from app.connectors.tagrain.client import TagrainClient
from app.connectors.tagrain.drafts import CustomerDraft, NamedDraft, ProductDraft
from app.connectors.tagrain.errors import (
    TagrainAuthError,
    TagrainBadResponseError,
    TagrainError,
    TagrainNotFoundError,
    TagrainRateLimitedError,
    TagrainTransientError,
    TagrainValidationError,
)
from app.connectors.tagrain.records import (
    TENDER_TYPES,
    Address,
    Customer,
    CustomerGroup,
    Expense,
    InventoryLevel,
    InventoryResult,
    LotPick,
    Manufacturer,
    Product,
    ProductGroup,
    Refund,
    RefundLine,
    Register,
    Sale,
    SaleLine,
    Store,
    Tender,
)
from app.connectors.tagrain.settings import TagrainSettings

__all__ = [
    "TENDER_TYPES",
    "Address",
    "Customer",
    "CustomerDraft",
    "CustomerGroup",
    "Expense",
    "InventoryLevel",
    "InventoryResult",
    "LotPick",
    "Manufacturer",
    "NamedDraft",
    "Product",
    "ProductDraft",
    "ProductGroup",
    "Refund",
    "RefundLine",
    "Register",
    "Sale",
    "SaleLine",
    "Store",
    "TagrainAuthError",
    "TagrainBadResponseError",
    "TagrainClient",
    "TagrainError",
    "TagrainNotFoundError",
    "TagrainRateLimitedError",
    "TagrainSettings",
    "TagrainTransientError",
    "TagrainValidationError",
    "Tender",
]
