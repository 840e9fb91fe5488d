"""Reconciliation finds each break of the books, and only those, on the right store and day.

Both sandboxes run the demo company; everything is synced, then the books
are broken on purpose through the sandboxes' own APIs (and, where SAP
refuses the change, the Service Layer sandbox's store, as an auditor's
worst case would leave it). The report must list exactly those breaks,
plus the expense the demo leaves failing on purpose, with its reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete

from app.connectors.sapb1 import ServiceLayerClient
from app.connectors.tagrain.records import Refund, Sale
from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes
from app.sandbox.sapb1.entities import entity_set
from app.store import Database, Link
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.mapping.money import local_date
from app.sync.reconcile import Reconciliation, reconcile
from app.sync.reconcile.means import REFUNDS_TOTAL, SALES_COUNT, SALES_TOTAL

FIRST = date(2026, 1, 1)
Seen = set[tuple[str, str, date, str]]


def sync_all(database: Database, template_id: int) -> None:
    engine = Engine(database, OBJECTS)
    for name in OBJECTS:
        engine.run(name, template_id)


def last_day() -> date:
    return datetime.now(UTC).date() + timedelta(days=1)


def seen(report: Reconciliation) -> Seen:
    """Every finding as (kind, store code, day, record)."""
    return {(f.kind, day.store_code, f.day, f.record) for day in report.days for f in day.findings}


@pytest.fixture
def failing_expense(sandboxes: RunningSandboxes, context: SyncContext) -> tuple[str, str, date]:
    """An expense in a category the template does not map, as the demo leaves some."""
    expense = next(iter(context.tagrain.iter_expenses()))
    sandboxes.tagrain.touch("expenses", expense.id, category=demo.UNMAPPED_EXPENSE_CATEGORY)
    store = context.tagrain.get_store(expense.store_id)
    return expense.id, store.code, local_date(expense.paid_at, store.timezone)


def store_day(context: SyncContext, record: Sale | Refund) -> tuple[str, date]:
    store = context.tagrain.get_store(record.store_id)
    moment = record.sold_at if isinstance(record, Sale) else record.refunded_at
    return store.code, local_date(moment, store.timezone)


def test_a_clean_sandbox_reconciles_to_zero_apart_from_what_fails_on_purpose(
    database: Database,
    template_id: int,
    context: SyncContext,
    failing_expense: tuple[str, str, date],
) -> None:
    sync_all(database, template_id)
    report = reconcile(database, template_id, FIRST, last_day())

    expense_id, store_code, day = failing_expense
    assert seen(report) == {("not_posted", store_code, day, f"expense donations {expense_id}")}
    (finding,) = report.findings
    assert "'donations' is not mapped to a G/L account" in finding.detail
    assert "failing" in finding.detail
    assert [(d.store_code, d.day) for d in report.unmatched_days] == [(store_code, day)]
    sales = [s for s in context.tagrain.iter_sales() if s.status != "voided"]
    counted = sum(d.row(SALES_COUNT).sap for d in report.days)
    assert counted == len(sales) == sum(d.row(SALES_COUNT).tagrain for d in report.days)
    assert sum(d.row(SALES_TOTAL).sap for d in report.days) == sum(s.total for s in sales)


def _invoice_of(client: ServiceLayerClient, tagrain_id: str) -> dict[str, Any]:
    (invoice,) = client.iter_entities("Invoices", filter=f"U_TG_ID eq '{tagrain_id}'")
    return invoice


def _plain(invoice: dict[str, Any]) -> bool:
    return all(
        not ln["SerialNumbers"] and not ln["BatchNumbers"] for ln in invoice["DocumentLines"]
    )


def test_each_break_of_the_books_is_found_on_its_store_and_day_and_nothing_else(
    database: Database,
    template_id: int,
    context: SyncContext,
    sandboxes: RunningSandboxes,
    failing_expense: tuple[str, str, date],
) -> None:
    sync_all(database, template_id)
    refunds = list(context.tagrain.iter_refunds())
    refunded = {r.sale_id for r in refunds}
    paid = [
        s
        for s in context.tagrain.iter_sales()
        if s.status == "completed" and s.id not in refunded and sum(t.amount for t in s.tenders)
    ]
    client = ServiceLayerClient(sap_settings(context.rules))
    try:
        plain = [s for s in paid if _plain(_invoice_of(client, s.id))]
        unlinked, doubled, altered, unpaid, moved, shifted = plain[:6]
        expected: Seen = set()

        with database.session() as session:
            session.execute(
                delete(Link).where(Link.object == "sales", Link.tagrain_id == unlinked.id)
            )
        expected.add(
            ("not_linked", *store_day(context, unlinked), f"receipt {unlinked.receipt_number}")
        )

        original = _invoice_of(client, doubled.id)
        client.create(
            "Invoices",
            {
                "CardCode": original["CardCode"],
                "DocDate": original["DocDate"][:10],
                "DocDueDate": original["DocDate"][:10],
                "U_TG_ID": doubled.id,
                "DocumentLines": [
                    {
                        "ItemCode": ln["ItemCode"],
                        "Quantity": ln["Quantity"],
                        "UnitPrice": ln["UnitPrice"],
                        "TaxCode": ln["TaxCode"],
                        "WarehouseCode": ln["WarehouseCode"],
                    }
                    for ln in original["DocumentLines"]
                ],
            },
        )
        expected.add(
            ("posted_twice", *store_day(context, doubled), f"receipt {doubled.receipt_number}")
        )

        invoices = entity_set("Invoices")
        assert invoices is not None
        entry = _invoice_of(client, altered.id)["DocEntry"]
        with sandboxes.service_layer.store.transaction() as tx:
            doc = tx.get(invoices, entry)
            assert doc is not None
            doc["DocTotal"] = round(doc["DocTotal"] + 0.05, 2)
            tx.replace(invoices, entry, doc)
        expected.add(
            ("total_differs", *store_day(context, altered), f"receipt {altered.receipt_number}")
        )

        entry = _invoice_of(client, shifted.id)["DocEntry"]
        code, shifted_day = store_day(context, shifted)
        with sandboxes.service_layer.store.transaction() as tx:
            doc = tx.get(invoices, entry)
            assert doc is not None
            doc["DocDate"] = (shifted_day + timedelta(days=1)).isoformat()
            tx.replace(invoices, entry, doc)
        expected.add(("other_day", code, shifted_day, f"receipt {shifted.receipt_number}"))
        expected.add(("other_day", code, shifted_day + timedelta(days=1), shifted.id))

        (payment,) = client.iter_entities(
            "IncomingPayments", filter=f"U_TG_ID eq '{unpaid.id}'", select=["DocEntry"]
        )
        client.cancel("IncomingPayments", payment["DocEntry"])
        expected.add(
            ("payment_cancelled", *store_day(context, unpaid), f"receipt {unpaid.receipt_number}")
        )

        payments = entity_set("IncomingPayments")
        assert payments is not None
        (paid_by,) = client.iter_entities(
            "IncomingPayments", filter=f"U_TG_ID eq '{moved.id}'", select=["DocEntry"]
        )
        with sandboxes.service_layer.store.transaction() as tx:
            doc = tx.get(payments, paid_by["DocEntry"])
            assert doc is not None
            doc.update(
                CashSum=0.0,
                CashAccount=None,
                PaymentCreditCards=[],
                TransferSum=float(moved.total),
                TransferAccount="_SYS00000000110",
            )
            tx.replace(payments, paid_by["DocEntry"], doc)
        expected.add(("wrong_means", *store_day(context, moved), f"receipt {moved.receipt_number}"))

        memos = entity_set("CreditNotes")
        assert memos is not None
        refund = next(
            r
            for r in refunds
            if any(
                ln["BaseEntry"]
                for m in client.iter_entities("CreditNotes", filter=f"U_TG_ID eq '{r.id}'")
                for ln in m["DocumentLines"]
            )
        )
        (memo,) = client.iter_entities("CreditNotes", filter=f"U_TG_ID eq '{refund.id}'")
        with sandboxes.service_layer.store.transaction() as tx:
            doc = tx.get(memos, memo["DocEntry"])
            assert doc is not None
            for line in doc["DocumentLines"]:
                line.update(BaseType=-1, BaseEntry=None, BaseLine=None)
            tx.replace(memos, memo["DocEntry"], doc)
        expected.add(("no_base", *store_day(context, refund), f"refund {refund.refund_number}"))

        stray_day = store_day(context, unlinked)[1]
        client.create(
            "Invoices",
            {
                "CardCode": demo.WALK_IN_CUSTOMER,
                "DocDate": stray_day.isoformat(),
                "DocDueDate": stray_day.isoformat(),
                "U_TG_ID": "sa_stray_0001",
                "DocumentLines": [
                    {
                        "ItemCode": original["DocumentLines"][0]["ItemCode"],
                        "Quantity": 1,
                        "UnitPrice": 10,
                        "TaxCode": "EX",
                        "WarehouseCode": "NY",
                    }
                ],
            },
        )
        expected.add(("unknown_to_tagrain", "NYC", stray_day, "sa_stray_0001"))
    finally:
        client.close()
    expense_id, store_code, day = failing_expense
    expected.add(("not_posted", store_code, day, f"expense donations {expense_id}"))

    report = reconcile(database, template_id, FIRST, last_day())

    assert seen(report) == expected
    assert not report.matches
    by_kind = {f.kind: f for f in report.findings}
    assert "0.05" in by_kind["total_differs"].detail
    assert len(by_kind["posted_twice"].sap_keys) == 2
    assert by_kind["payment_cancelled"].sap_keys[0].startswith("IncomingPayments:")
    assert "transfer _SYS00000000110" in by_kind["wrong_means"].detail
    day_of_memo = next(
        d for d in report.days if (d.store_code, d.day) == store_day(context, refund)
    )
    assert day_of_memo.row(REFUNDS_TOTAL).findings


def test_a_store_filter_reports_only_that_store(
    database: Database, template_id: int, context: SyncContext
) -> None:
    sync_all(database, template_id)
    report = reconcile(database, template_id, FIRST, last_day(), ["CHI"])
    assert {d.store_code for d in report.days} == {"CHI"}
    assert report.matches


def test_a_receipt_no_run_has_met_is_not_posted_and_not_in_the_log(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync_all(database, template_id)
    sku = next(iter(context.tagrain.iter_sales())).lines[0].sku
    tracking = context.sap.item_tracking([sku])
    assert tracking.get(sku) == "none"
    rung = sandboxes.tagrain.ring_up("CHI", [(sku, Decimal(1))])
    store = context.tagrain.get_store(rung["store_id"])
    day = local_date(datetime.fromisoformat(rung["sold_at"]), store.timezone)

    report = reconcile(database, template_id, day, day, ["CHI"])

    (finding,) = report.findings
    assert (finding.kind, finding.record, finding.detail) == (
        "not_posted",
        f"receipt {rung['receipt_number']}",
        "not in the log",
    )
    (chicago,) = report.days
    assert chicago.row(SALES_COUNT).difference == -1
    assert chicago.row(SALES_TOTAL).difference == -Decimal(rung["total"])
