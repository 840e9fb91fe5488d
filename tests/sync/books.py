"""Checks that SAP's books match Tagrain's receipts: no duplicate, no gap."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from app.connectors.sapb1 import ServiceLayerClient
from app.sync.context import SyncContext, sap_settings


def sap_rows(context: SyncContext, entity: str, select_: list[str]) -> list[dict[str, Any]]:
    """Every row of an SAP entity set, read with a client of its own."""
    client = ServiceLayerClient(sap_settings(context.rules))
    try:
        return list(client.iter_entities(entity, select=select_, page_size=500))
    finally:
        client.close()


def money(value: Any) -> Decimal:
    """SAP's JSON number as Decimal cents."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def assert_every_sale_posted_once(context: SyncContext) -> None:
    """Each non-voided sale has exactly one live invoice with its total; paid ones one payment."""
    sales = {s.id: s for s in context.tagrain.iter_sales() if s.status != "voided"}
    invoices = [
        i
        for i in sap_rows(context, "Invoices", ["U_TG_ID", "DocTotal", "Cancelled", "CancelStatus"])
        if i["Cancelled"] != "tYES" and i.get("CancelStatus") != "csCancellation"
    ]
    per_sale = Counter(i["U_TG_ID"] for i in invoices)
    duplicates = {k: n for k, n in per_sale.items() if n > 1}
    assert not duplicates, f"receipts posted twice: {duplicates}"
    missing = set(sales) - set(per_sale)
    assert not missing, f"receipts missing in SAP: {sorted(missing)}"
    for invoice in invoices:
        assert money(invoice["DocTotal"]) == sales[invoice["U_TG_ID"]].total
    payments = [
        p
        for p in sap_rows(context, "IncomingPayments", ["U_TG_ID", "Cancelled"])
        if p["Cancelled"] != "tYES"
    ]
    per_payment = Counter(p["U_TG_ID"] for p in payments)
    assert max(per_payment.values(), default=1) == 1, "a payment was posted twice"
    paid = {s.id for s in sales.values() if s.status == "completed" and s.tenders}
    assert set(per_payment) == paid
