"""The sync jobs of every object, the objects a user sees in dependency order, and their names."""

from __future__ import annotations

from app.sync.engine import SyncObjectSpec
from app.sync.jobs.customers_down import CustomersDownJob
from app.sync.jobs.customers_up import CustomersUpJob
from app.sync.jobs.expenses import ExpensesJob
from app.sync.jobs.inventory import InventoryJob
from app.sync.jobs.master_groups import CustomerGroupsJob, ManufacturersJob, ProductGroupsJob
from app.sync.jobs.products_down import ProductsDownJob
from app.sync.jobs.products_up import ProductsUpJob
from app.sync.jobs.refunds import RefundsJob
from app.sync.jobs.sales import SalesJob

OBJECTS: dict[str, SyncObjectSpec] = {
    spec.name: spec
    for spec in (
        SyncObjectSpec("customer_groups", "Customer Groups", (CustomerGroupsJob,)),
        SyncObjectSpec("product_groups", "Product Groups", (ProductGroupsJob,)),
        SyncObjectSpec("manufacturers", "Manufacturers", (ManufacturersJob,)),
        SyncObjectSpec(
            "customers", "Customers", (CustomersDownJob, CustomersUpJob), full_on_sync_now=True
        ),
        SyncObjectSpec("products", "Products", (ProductsUpJob, ProductsDownJob)),
        SyncObjectSpec("sales", "Sales", (SalesJob,)),
        SyncObjectSpec("refunds", "Refunds", (RefundsJob,)),
        SyncObjectSpec("expenses", "Expenses", (ExpensesJob,)),
        SyncObjectSpec("inventory", "Inventory", (InventoryJob,)),
    )
}
"""Every object in the order 'sync all' runs them: master data before documents."""

INIT_ORDER = ("customer_groups", "product_groups", "manufacturers", "products", "customers")
"""The initial load: groups and manufacturers, marked items, then customers both ways.

Customers run Tagrain → SAP first, so that a marked SAP customer that Tagrain
already has is linked by the download before the upload could create it again.
"""

DIRECTIONS = {"to_sap": "Tagrain → SAP", "to_tagrain": "SAP → Tagrain"}
"""Which way a job writes, in the user's words."""


def _job_labels() -> dict[str, str]:
    labels = {}
    for spec in OBJECTS.values():
        for factory in spec.jobs:
            name = getattr(factory, "object_name", spec.name)
            direction = DIRECTIONS.get(getattr(factory, "direction", ""), "")
            two_way = len(spec.jobs) > 1 and direction
            labels[name] = f"{spec.label} ({direction})" if two_way else spec.label
    return labels


JOB_LABELS: dict[str, str] = _job_labels()
"""The user's name of every job's runs: "Customers (SAP → Tagrain)" for ``customers_up``."""
