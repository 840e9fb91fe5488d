"""A sale voided in Tagrain after it was refunded: what the books get, read back from SAP.

SAP refuses to cancel an invoice a credit memo is based on. Fully refunded,
the void has nothing left to cancel and says so; partly refunded, the rest of
the invoice is credited by a credit memo based on it and the money not yet
paid back goes out in an outgoing payment — once, however often the void is read.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.connectors.sapb1.errors import BusinessRuleError
from app.sandbox.launcher import RunningSandboxes
from app.sandbox.sapb1.rules.targets import HAS_TARGETS
from app.store import Database, RecordLog
from app.sync.context import SyncContext
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from tests.sync.books import money, sap_rows


def sync(database: Database, template_id: int, *objects: str) -> dict[str, Any]:
    engine = Engine(database, OBJECTS)
    return {name: engine.run(name, template_id)[-1] for name in objects}


def _refunded(context: SyncContext, sandboxes: RunningSandboxes) -> tuple[str, str, dict[str, Any]]:
    """A paid sale refunded fully and one refunded partly (ids), and the partial refund."""
    full = partial = None
    partial_refund: dict[str, Any] = {}
    for sale in context.tagrain.iter_sales():
        if sale.status != "completed" or not sale.tenders or (full and partial):
            continue
        if full is None or (sum(line.quantity for line in sale.lines) > 1 and partial is None):
            refund = sandboxes.tagrain.refund_sale(sale.id)
            if Decimal(refund["total"]) == sale.total and full is None:
                full = sale.id
            elif Decimal(refund["total"]) < sale.total and partial is None:
                partial, partial_refund = sale.id, refund
    assert full and partial, "the demo has fully and partly refundable sales"
    return full, partial, partial_refund


def _log(database: Database, sale_id: str) -> RecordLog:
    with database.session() as session:
        return session.scalars(
            select(RecordLog)
            .where(RecordLog.object == "sales", RecordLog.source_id == sale_id)
            .order_by(RecordLog.id.desc())
        ).first()


def test_a_void_after_refunds_credits_what_is_left_instead_of_cancelling(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products", "sales")
    full, partial, partial_refund = _refunded(context, sandboxes)
    assert sync(database, template_id, "refunds")["refunds"].failed == 0
    sandboxes.tagrain.void_sale(full)
    sandboxes.tagrain.void_sale(partial)
    result = sync(database, template_id, "sales")["sales"]
    assert result.failed == 0 and result.waiting == 0, result

    full_log = _log(database, full)
    assert full_log.action == "skipped" and full_log.status == "ok"
    assert "fully refunded" in (full_log.message or "")
    assert "nothing left to cancel" in (full_log.message or "")
    partial_log = _log(database, partial)
    assert partial_log.action == "cancelled", partial_log.message
    assert "credits the rest" in (partial_log.message or "")

    invoices = {
        i["U_TG_ID"]: i
        for i in sap_rows(
            context, "Invoices", ["U_TG_ID", "DocEntry", "DocTotal", "Cancelled", "DocumentLines"]
        )
    }
    incoming = {
        p["U_TG_ID"]: p
        for p in sap_rows(context, "IncomingPayments", ["U_TG_ID", "Cancelled", "CashSum"])
    }
    for sale_id in (full, partial):
        assert invoices[sale_id]["Cancelled"] == "tNO"
        assert incoming[sale_id]["Cancelled"] == "tNO"
        with pytest.raises(BusinessRuleError, match=HAS_TARGETS):
            context.sap.cancel(context.sap.document("Invoices", invoices[sale_id]["DocEntry"]))

    memos = sap_rows(context, "CreditNotes", ["U_TG_ID", "DocTotal", "DocumentLines"])
    assert not [m for m in memos if m["U_TG_ID"] == f"{full}:void"]
    void_memos = [m for m in memos if m["U_TG_ID"] == f"{partial}:void"]
    assert len(void_memos) == 1
    invoice = invoices[partial]
    credited: dict[int, float] = defaultdict(float)
    on_invoice = [
        m
        for m in memos
        if any(line["BaseEntry"] == invoice["DocEntry"] for line in m["DocumentLines"])
    ]
    assert {m["U_TG_ID"] for m in on_invoice} == {partial_refund["id"], f"{partial}:void"}
    for memo in on_invoice:
        for line in memo["DocumentLines"]:
            assert line["BaseType"] == 13
            credited[line["BaseLine"]] += line["Quantity"]
    assert dict(credited) == {
        line["LineNum"]: line["Quantity"] for line in invoice["DocumentLines"]
    }, "the refund and the void together credit every line of the invoice, once"
    credited_total = sum(money(m["DocTotal"]) for m in on_invoice)
    assert abs(credited_total - money(invoice["DocTotal"])) <= Decimal("0.02")

    outgoing = {
        p["U_TG_ID"]: p
        for p in sap_rows(
            context, "VendorPayments", ["U_TG_ID", "CashSum", "PaymentCreditCards", "Cancelled"]
        )
    }

    def paid(payment: dict[str, Any]) -> Decimal:
        cards = sum((money(c["CreditSum"]) for c in payment.get("PaymentCreditCards") or []), 0)
        return money(payment.get("CashSum") or 0) + cards

    sale_total = money(invoice["DocTotal"])
    assert f"{full}:void" not in outgoing
    paid_back = paid(outgoing[partial_refund["id"]]) + paid(outgoing[f"{partial}:void"])
    assert abs(paid_back - sale_total) <= Decimal("0.02"), "the customer got all the money back"

    sandboxes.tagrain.touch("sales", partial)
    sandboxes.tagrain.touch("sales", full)
    again = sync(database, template_id, "sales")["sales"]
    assert again.failed == 0 and again.created == 0, again
    memos_after = sap_rows(context, "CreditNotes", ["U_TG_ID"])
    assert len(memos_after) == len(memos)
    assert len(sap_rows(context, "VendorPayments", ["U_TG_ID"])) == len(outgoing)
