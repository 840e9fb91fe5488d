"""Tagrain → SAP end to end over real HTTP: the books agree, once and only once."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, PendingRetry, RecordLog, TenderMapping
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS

DOCUMENTS = ("customers", "products", "sales", "refunds", "expenses")


def sync(database: Database, template_id: int, *objects: str) -> dict[str, Any]:
    engine = Engine(database, OBJECTS)
    results = {}
    for name in objects or DOCUMENTS:
        results[name] = engine.run(name, template_id, trigger="schedule")[-1]
    return results


def sap_rows(context: SyncContext, entity: str, select_: list[str]) -> list[dict[str, Any]]:
    client = ServiceLayerClient(sap_settings(context.rules))
    try:
        return list(client.iter_entities(entity, select=select_, page_size=500))
    finally:
        client.close()


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_sales_refunds_and_expenses_agree_with_tagrain(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    results = sync(database, template_id)
    assert results["sales"].failed == 0, results["sales"]
    assert results["refunds"].failed == 0, results["refunds"]

    sales = list(context.tagrain.iter_sales())
    invoices = sap_rows(
        context, "Invoices", ["DocEntry", "U_TG_ID", "NumAtCard", "DocTotal", "Cancelled"]
    )
    active = [i for i in invoices if i["Cancelled"] != "tYES"]
    per_sale = Counter(i["U_TG_ID"] for i in active)
    assert max(per_sale.values()) == 1, "a receipt was posted twice"
    expected = {s.id: s for s in sales if s.status != "voided"}
    assert set(per_sale) == set(expected), "a receipt is missing in SAP"
    for invoice in active:
        sale = expected[invoice["U_TG_ID"]]
        assert money(invoice["DocTotal"]) == sale.total
        assert invoice["NumAtCard"] == sale.receipt_number
    assert sum(money(i["DocTotal"]) for i in active) == sum(s.total for s in expected.values())

    payments = sap_rows(
        context,
        "IncomingPayments",
        ["U_TG_ID", "CashSum", "TransferSum", "PaymentCreditCards", "Cancelled"],
    )
    by_means: dict[str, Decimal] = defaultdict(Decimal)
    for payment in payments:
        if payment["Cancelled"] == "tYES":
            continue
        by_means["cash"] += money(payment.get("CashSum") or 0)
        by_means["transfer"] += money(payment.get("TransferSum") or 0)
        by_means["card"] += sum(
            (money(c["CreditSum"]) for c in payment.get("PaymentCreditCards") or []), Decimal(0)
        )
    tendered: dict[str, Decimal] = defaultdict(Decimal)
    for sale in expected.values():
        if sale.status != "completed":
            continue
        for tender in sale.tenders:
            rule = context.rules.tenders[tender.type]
            means = {"cash": "cash", "credit_card": "card", "transfer": "transfer"}[rule.means]
            tendered[means] += tender.amount
    assert {k: v for k, v in by_means.items() if v} == {k: v for k, v in tendered.items() if v}
    paid_ids = {p["U_TG_ID"] for p in payments if p["Cancelled"] != "tYES"}
    assert not paid_ids & {s.id for s in expected.values() if s.status == "on_account"}

    refunds = list(context.tagrain.iter_refunds())
    memos = sap_rows(context, "CreditNotes", ["U_TG_ID", "DocTotal", "DocumentLines", "Cancelled"])
    assert Counter(m["U_TG_ID"] for m in memos) == Counter(r.id for r in refunds)
    refund_by_id = {r.id: r for r in refunds}
    invoice_entry = {i["U_TG_ID"]: i["DocEntry"] for i in active}
    for memo in memos:
        refund = refund_by_id[memo["U_TG_ID"]]
        assert money(memo["DocTotal"]) == refund.total
        if refund.sale_id in invoice_entry:
            assert {line["BaseEntry"] for line in memo["DocumentLines"]} == {
                invoice_entry[refund.sale_id]
            }
    out = sap_rows(context, "VendorPayments", ["U_TG_ID", "Cancelled"])
    assert {p["U_TG_ID"] for p in out} == {r.id for r in refunds if r.status == "completed"}

    entries = sap_rows(context, "JournalEntries", ["U_TG_ID", "JournalEntryLines"])
    for entry in entries:
        lines = entry["JournalEntryLines"]
        assert sum(money(x["Debit"]) for x in lines) == sum(money(x["Credit"]) for x in lines)
    expenses = list(context.tagrain.iter_expenses())
    mapped = {e.id for e in expenses if e.category in context.rules.expenses}
    assert {e["U_TG_ID"] for e in entries} == mapped
    with database.session() as session:
        failures = session.scalars(
            select(RecordLog).where(RecordLog.object == "expenses", RecordLog.status == "failed")
        ).all()
    assert {f.source_id for f in failures} == {e.id for e in expenses} - mapped
    for failure in failures:
        assert "is not mapped to a G/L account" in (failure.message or "")

    again = sync(database, template_id)
    assert all(r.created == 0 and r.updated == 0 for r in again.values()), again
    assert len(sap_rows(context, "Invoices", ["DocEntry"])) == len(invoices)


def test_a_sale_voided_after_posting_is_cancelled_in_sap(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products", "sales")
    paid = next(s for s in context.tagrain.iter_sales() if s.status == "completed")
    sandboxes.tagrain.void_sale(paid.id)
    result = sync(database, template_id, "sales")["sales"]
    assert result.updated == 1
    invoice = context.sap.find_document("Invoices", paid.id)
    payment = context.sap.find_document("IncomingPayments", paid.id)
    assert invoice is not None and invoice.cancelled
    assert payment is not None and payment.cancelled


def test_an_on_account_sale_paid_later_gets_its_payment(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products", "sales")
    on_account = next(s for s in context.tagrain.iter_sales() if s.status == "on_account")
    assert context.sap.find_document("IncomingPayments", on_account.id) is None
    sandboxes.tagrain.settle_sale(on_account.id)
    result = sync(database, template_id, "sales")["sales"]
    assert result.updated == 1
    payment = context.sap.find_document("IncomingPayments", on_account.id)
    assert payment is not None and payment.total == on_account.total


def test_a_crash_between_posting_and_recording_links_instead_of_posting_twice(
    database: Database, template_id: int, context: SyncContext
) -> None:
    from app.sync.jobs.sales import SalesJob

    sync(database, template_id, "customers", "products")
    job = SalesJob(context)
    sale = next(s for s in context.tagrain.iter_sales() if s.status == "completed")
    record = next(r for r in job.read(None) if r.source_id == sale.id)
    job.apply(record)  # posted in SAP, but the process "died" before the store heard of it
    result = sync(database, template_id, "sales")["sales"]
    assert result.failed == 0
    with database.session() as session:
        outcome = session.scalars(select(RecordLog).where(RecordLog.source_id == sale.id)).one()
    assert outcome.action == "linked"
    invoices = [i for i in sap_rows(context, "Invoices", ["U_TG_ID"]) if i["U_TG_ID"] == sale.id]
    assert len(invoices) == 1


def test_bad_records_fail_alone_with_a_clear_reason_and_are_retried(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products")
    sales = [s for s in context.tagrain.iter_sales() if s.status == "completed" and s.customer_id]
    unknown_item, negative, card_sale, ghost_customer = sales[0], sales[1], None, sales[3]
    card_sale = next(s for s in sales[4:] if any(t.type == "card" for t in s.tenders))

    raw = sandboxes.tagrain.record("sales", unknown_item.id)
    assert raw is not None
    lines = [dict(line) for line in raw["lines"]]
    lines[0]["sku"] = "NO-SUCH-ITEM"
    sandboxes.tagrain.touch("sales", unknown_item.id, lines=lines)
    raw = sandboxes.tagrain.record("sales", negative.id)
    assert raw is not None
    lines = [dict(line) for line in raw["lines"]]
    lines[0]["quantity"] = "-1.000"
    sandboxes.tagrain.touch("sales", negative.id, lines=lines)
    sandboxes.tagrain.touch("sales", ghost_customer.id, customer_id="cu_does_not_exist")
    with database.session() as session:
        session.execute(
            delete(TenderMapping).where(
                TenderMapping.template_id == template_id, TenderMapping.tender_type == "card"
            )
        )

    result = sync(database, template_id, "sales")["sales"]
    with database.session() as session:
        failed = {
            r.source_id: r.message
            for r in session.scalars(select(RecordLog).where(RecordLog.status == "failed"))
        }
    assert "NO-SUCH-ITEM" in failed[unknown_item.id]
    assert "quantity -1.000 is not positive" in failed[negative.id]
    assert (
        "cu_does_not_exist" in failed[ghost_customer.id]
        or "not found" in failed[ghost_customer.id].lower()
    )
    assert "tender 'card' is not mapped" in failed[card_sale.id]
    assert result.created > 0, "the good records went on"

    with database.session() as session:
        session.add(
            TenderMapping(
                template_id=template_id,
                tender_type="card",
                payment_means="credit_card",
                credit_card_code=1,
            )
        )
    sync(database, template_id, "sales")
    with database.session() as session:
        waiting = {p.source_id for p in session.scalars(select(PendingRetry))}
    assert card_sale.id not in waiting, "the fixed record was retried and went through"
    assert {unknown_item.id, negative.id, ghost_customer.id} <= waiting


def test_a_new_sandbox_template_comes_with_marked_customers_and_items(
    database: Database, sandboxes: RunningSandboxes
) -> None:
    from app.sandbox.template import MARKED_CUSTOMERS, MARKED_ITEMS, ensure_sandbox_template
    from app.store import SyncMark

    template = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
    again = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
    assert again == template
    with database.session() as session:
        kinds = Counter(m.kind for m in session.scalars(select(SyncMark)))
    assert kinds == {"customer": MARKED_CUSTOMERS, "item": MARKED_ITEMS}


def test_a_malformed_answer_stops_the_run_with_a_clear_reason_and_loses_nothing(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    from tests.sync.books import assert_every_sale_posted_once

    sync(database, template_id, "customers", "products")
    for kind in ("html", "truncated"):
        sandboxes.tagrain.serve_bad_answers(kind, times=1)
        result = sync(database, template_id, "sales")["sales"]
        assert result.status == "failed", (kind, result)
        assert result.message and "Tagrain" in result.message, result.message
    for kind in ("missing_field", "float_money"):  # one malformed record fails alone
        sandboxes.tagrain.serve_bad_answers(kind, times=1)
        result = sync(database, template_id, "sales")["sales"]
        assert result.status == "partial" and result.failed == 1, (kind, result)
    result = sync(database, template_id, "sales")["sales"]
    assert result.status == "succeeded", result
    assert_every_sale_posted_once(context)


def test_sync_now_downloads_every_customer_and_a_schedule_only_the_changes(
    database: Database, template_id: int, sandboxes: RunningSandboxes
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id, trigger="schedule")
    everyone = sandboxes.tagrain.count("customers")
    scheduled = engine.run("customers", template_id, trigger="schedule")[0]
    assert scheduled.object_name == "customers" and scheduled.total < everyone
    sync_now = engine.run("customers", template_id, trigger="manual")[0]
    assert sync_now.total == everyone
    assert sync_now.created == sync_now.updated == 0, "nothing changed, nothing written"
