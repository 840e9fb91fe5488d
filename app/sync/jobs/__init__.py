"""The sync jobs of every object, and the objects a user sees, in dependency order."""

from __future__ import annotations

from app.sync.engine import SyncObjectSpec
from app.sync.jobs.customers_down import CustomersDownJob
from app.sync.jobs.expenses import ExpensesJob
from app.sync.jobs.products_down import ProductsDownJob
from app.sync.jobs.refunds import RefundsJob
from app.sync.jobs.sales import SalesJob

OBJECTS: dict[str, SyncObjectSpec] = {
    spec.name: spec
    for spec in (
        SyncObjectSpec("customers", "Customers", (CustomersDownJob,), full_on_sync_now=True),
        SyncObjectSpec("products", "Products", (ProductsDownJob,)),
        SyncObjectSpec("sales", "Sales", (SalesJob,)),
        SyncObjectSpec("refunds", "Refunds", (RefundsJob,)),
        SyncObjectSpec("expenses", "Expenses", (ExpensesJob,)),
    )
}
