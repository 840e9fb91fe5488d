"""What a credit memo line based on an invoice line takes from it, as SAP copies it.

A line with ``BaseType`` 13, ``BaseEntry`` and ``BaseLine`` needs no item of
its own: SAP copies the item, its description, warehouse, price, discount,
tax code and account (and the quantity when none is given) from the invoice
line; whatever the request sends itself wins.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.sapb1.entities import EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS
from app.sandbox.sapb1.store import Tx

COPIED = (
    "ItemCode",
    "ItemDescription",
    "Quantity",
    "WarehouseCode",
    "UnitPrice",
    "DiscountPercent",
    "TaxCode",
    "AccountCode",
)


def with_base_line(tx: Tx, es: EntitySet, line: dict[str, Any], n: int) -> dict[str, Any]:
    """``line`` completed from its base invoice line (unchanged when it has no base)."""
    if es.name != "CreditNotes" or line.get("BaseType") != 13:
        return line
    base = tx.get(SETS["Invoices"], line.get("BaseEntry")) if line.get("BaseEntry") else None
    if base is None:
        raise SlError.business(
            f"Base document does not exist [{es.line_table}.BaseEntry][line: {n + 1}]"
        )
    source = next((b for b in base["DocumentLines"] if b["LineNum"] == line.get("BaseLine")), None)
    if source is None:
        raise SlError.business(
            f"Base document line does not exist [{es.line_table}.BaseLine][line: {n + 1}]"
        )
    copied = {k: source.get(k) for k in COPIED if k not in line and source.get(k) is not None}
    if "Price" in line or "LineTotal" in line:
        copied.pop("UnitPrice", None)
    return {**copied, **line}
