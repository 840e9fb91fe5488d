"""A refund that reaches SAP before its sale's payment waits for it: the payment is never blocked.

A credit memo based on an invoice uses up the invoice's open balance; if it
were posted while the sale's incoming payment is still to come (a sale
settled after posting and refunded before the next sales run, or a payment
that failed with a 5xx while the refund went through), SAP would refuse that
payment for good ("Amount applied exceeds the open balance"). Found by
``bench/soak``.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.connectors.sapb1.records import CREDIT_MEMO, INCOMING_PAYMENT, OUTGOING_PAYMENT
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, PendingRetry, RecordLog
from app.sync.context import SyncContext
from tests.sync.test_jobs_down import sync


def test_a_refund_of_a_sale_settled_later_waits_for_the_sales_payment(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products", "sales")
    on_account = next(s for s in context.tagrain.iter_sales() if s.status == "on_account")
    sandboxes.tagrain.settle_sale(on_account.id)
    refund = sandboxes.tagrain.refund_sale(on_account.id)

    first = sync(database, template_id, "refunds")["refunds"]

    assert first.waiting >= 1 and first.failed == 0
    assert context.sap.find_document(CREDIT_MEMO, refund["id"]) is None, "not posted yet"
    with database.session() as session:
        waiting = session.scalars(
            select(PendingRetry).where(PendingRetry.source_id == refund["id"])
        ).one()
    assert "waiting for the payment of sale" in (waiting.last_error or "")

    sync(database, template_id, "sales", "refunds")

    payment = context.sap.find_document(INCOMING_PAYMENT, on_account.id)
    assert payment is not None and payment.total == on_account.total
    memo = context.sap.find_document(CREDIT_MEMO, refund["id"])
    assert memo is not None and not memo.cancelled
    assert memo.total == Decimal(str(refund["total"]))
    paid_out = context.sap.find_document(OUTGOING_PAYMENT, refund["id"])
    assert paid_out is not None and paid_out.total == memo.total
    with database.session() as session:
        still_waiting = session.scalars(
            select(PendingRetry.source_id).where(
                PendingRetry.source_id.in_([refund["id"], on_account.id])
            )
        ).all()
        refund_log = session.scalars(
            select(RecordLog.action)
            .where(RecordLog.source_id == refund["id"])
            .order_by(RecordLog.id)
        ).all()
    assert still_waiting == []
    assert refund_log.count("created") == 1 and refund_log[0] == "waiting", refund_log
