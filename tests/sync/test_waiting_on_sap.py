"""Records SAP refuses for now wait and go through later: a locked period, blocked negative stock.

A sale or expense dated in a locked posting period, or a sale whose line would
take stock below zero where the company blocks negative inventory, waits with
SAP's words and what to fix; the Sync Monitor and the daily summary group the
waits by reason; once the period is unlocked or the goods are received, the
next run posts them. Books read back through the Service Layer.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, PendingRetry, RecordLog
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.mapping.money import local_date
from app.sync.summary import as_text, daily_summary
from app.ui.data.runs import dashboard, list_runs
from tests.sync.books import assert_every_sale_posted_once, sap_rows


def sync(database: Database, template_id: int, *objects: str) -> dict[str, Any]:
    engine = Engine(database, OBJECTS)
    return {name: engine.run(name, template_id)[-1] for name in objects}


def _waiting(database: Database, object_name: str) -> dict[str, str]:
    with database.session() as session:
        return {
            p.source_id: p.last_error or ""
            for p in session.scalars(select(PendingRetry).where(PendingRetry.object == object_name))
        }


def test_postings_in_a_locked_period_wait_and_go_through_once_it_is_unlocked(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products")
    zones = {s.id: s.timezone for s in context.tagrain.list_stores()}
    sales = [s for s in context.tagrain.iter_sales() if s.status != "voided"]
    month_of = {s.id: f"{local_date(s.sold_at, zones[s.store_id]):%Y-%m}" for s in sales}
    month = sorted(set(month_of.values()))[0]
    in_month = {sid for sid, m in month_of.items() if m == month}
    expenses = [e for e in context.tagrain.iter_expenses() if e.category in context.rules.expenses]
    expenses_in_month = {
        e.id for e in expenses if f"{local_date(e.paid_at, zones[e.store_id]):%Y-%m}" == month
    }
    assert 0 < len(in_month) < len(sales)
    sandboxes.service_layer.set_period_status(month, "ltLocked")

    results = sync(database, template_id, "sales", "expenses")
    assert results["sales"].failed == 0 and results["sales"].waiting == len(in_month)
    waiting = _waiting(database, "sales")
    assert set(waiting) == in_month
    for message in waiting.values():
        assert message.startswith(f"waiting: posting period {month} is locked in SAP")
        assert "Date deviates from permissible range [OINV.DocDate]" in message
    assert set(_waiting(database, "expenses")) >= expenses_in_month
    posted = {i["U_TG_ID"] for i in sap_rows(context, "Invoices", ["U_TG_ID"])}
    assert not posted & in_month and posted == set(month_of) - in_month

    reason = f"{len(in_month)} waiting: {len(in_month)} posting period locked ({month})"
    summary = {r.object: r for r in daily_summary(database, datetime.now(UTC).date(), UTC)}
    assert summary["sales"].waiting_reasons == reason
    text = as_text(list(summary.values()), datetime.now(UTC).date())
    assert "Why records wait:" in text and f"  Sandbox / Sales: {reason}\n" in text
    assert list_runs(database, template_id, ["sales"])[0].waiting_reasons == reason
    rows = {r.object: r for r in dashboard(database, OBJECTS, template_id, None)}
    assert rows["sales"].waiting_reasons == reason

    sandboxes.service_layer.set_period_status(month, "ltUnlocked")
    again = sync(database, template_id, "sales", "expenses")
    assert again["sales"].waiting == 0 and again["sales"].failed == 0, again["sales"]
    assert again["expenses"].waiting == 0, again["expenses"]
    assert not _waiting(database, "sales")
    assert_every_sale_posted_once(context)
    entries = {e["U_TG_ID"] for e in sap_rows(context, "JournalEntries", ["U_TG_ID"])}
    assert entries == {e.id for e in expenses}


def test_sales_short_of_stock_wait_until_goods_are_received(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products")
    warehouse_of = {s: rule.warehouse for s, rule in context.rules.stores.items()}
    sales = {s.id: s for s in context.tagrain.iter_sales() if s.status != "voided"}
    first = next(iter(sales.values()))
    sku, warehouse = first.lines[0].sku, warehouse_of[first.store_id]
    client = ServiceLayerClient(sap_settings(context.rules))
    try:
        stock = sandboxes.service_layer.stock(sku, warehouse)
        client.create(  # another till sold what was left
            "Invoices",
            {
                "CardCode": context.rules.cash_customer,
                "DocumentLines": [{"ItemCode": sku, "Quantity": stock, "WarehouseCode": warehouse}],
            },
        )
        sandboxes.service_layer.block_negative_inventory()

        result = sync(database, template_id, "sales")["sales"]
        waiting = _waiting(database, "sales")
        assert result.failed == 0 and result.waiting == len(waiting) > 0, result
        assert first.id in waiting
        for message in waiting.values():
            assert "not enough stock of " in message
            assert "Quantity falls into negative inventory [INV1.ItemCode][line: " in message
        assert f"not enough stock of {sku} in warehouse {warehouse}" in waiting[first.id]
        posted = {i["U_TG_ID"] for i in sap_rows(context, "Invoices", ["U_TG_ID"])}
        assert posted & set(sales) == set(sales) - set(waiting)
        summary = {r.object: r for r in daily_summary(database, datetime.now(UTC).date(), UTC)}
        reasons = summary["sales"].waiting_reasons
        assert reasons.startswith(f"{len(waiting)} waiting: ")
        assert f"negative stock ({sku} in {warehouse})" in reasons
        assert sync(database, template_id, "sales")["sales"].waiting == len(waiting)

        received: dict[tuple[str, str], float] = {}
        for sale_id in waiting:
            sale = sales[sale_id]
            for line in sale.lines:
                key = (line.sku, warehouse_of[sale.store_id])
                received[key] = received.get(key, 0.0) + float(line.quantity)
        receipt = client.create(
            "InventoryGenEntries",
            {
                "Comments": "Delivery from the supplier",
                "DocumentLines": [
                    {"ItemCode": item, "Quantity": quantity, "WarehouseCode": where}
                    for (item, where), quantity in sorted(received.items())
                ],
            },
        )
        assert receipt["DocEntry"] > 0
    finally:
        client.close()
    again = sync(database, template_id, "sales")["sales"]
    assert again.waiting == 0 and again.failed == 0, again
    assert sandboxes.service_layer.stock(sku, warehouse) == 0
    invoices = sap_rows(context, "Invoices", ["U_TG_ID", "DocTotal"])
    per_sale = Counter(i["U_TG_ID"] for i in invoices if i["U_TG_ID"])
    assert per_sale == Counter(set(sales)), "every sale posted once, after the goods came"
    with database.session() as session:
        logged = session.scalars(
            select(RecordLog).where(RecordLog.source_id == first.id, RecordLog.status == "ok")
        ).all()
    assert [r.action for r in logged] == ["created"]
