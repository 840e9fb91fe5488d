"""Serial and batch items from the Tagrain till to SAP's books and back, over real HTTP.

The till scans serials and batches off the store warehouse's shelf; the sales
run puts them on the invoice lines and SAP takes them out of the warehouse; a
refund brings them back on the credit memo. A sale without the numbers waits
with a message naming the line and item, and goes through once the store
scans them; SAP's own refusals (a serial already sold) fail the record with
SAP's words, retried on the next run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.connectors.sapb1 import BusinessRuleError, ServiceLayerClient
from app.connectors.sapb1.records import CREDIT_MEMO, INVOICE
from app.sandbox.launcher import RunningSandboxes
from app.sandbox.sapb1.rules.serials import find_serial
from app.store import Database, PendingRetry, RecordLog
from app.sync.context import SyncContext, sap_settings
from tests.sync.test_jobs_down import sync

SERIAL_ITEM = "A00010"
BATCH_ITEM = "A00015"


def read_document(context: SyncContext, kind: str, tagrain_id: str) -> dict[str, Any]:
    """The whole SAP document of a Tagrain record, read through the Service Layer."""
    ref = context.sap.find_document(kind, tagrain_id)
    assert ref is not None, f"{tagrain_id} is not in SAP"
    with ServiceLayerClient(sap_settings(context.rules)) as client:
        return client.get(kind, ref.entry)


def serial_warehouse(sandboxes: RunningSandboxes, serial: str) -> str | None:
    """Where SAP holds a serial (None: sold)."""
    with sandboxes.service_layer.store.transaction() as tx:
        found = find_serial(tx, SERIAL_ITEM, serial)
        assert found is not None
        return found.get("_Warehouse")


def pending(database: Database, source_id: str) -> PendingRetry | None:
    with database.session() as session:
        return session.scalars(
            select(PendingRetry).where(PendingRetry.source_id == source_id)
        ).one_or_none()


def test_serials_and_batches_reach_the_invoice_and_come_back_on_the_credit_memo(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products")
    sale = sandboxes.tagrain.ring_up("NYC", [(SERIAL_ITEM, Decimal(2)), (BATCH_ITEM, Decimal(3))])
    serials = sale["lines"][0]["serial_numbers"]
    picks = [(p["batch"], Decimal(p["quantity"])) for p in sale["lines"][1]["batches"]]
    assert len(serials) == 2 and sum(q for _, q in picks) == 3
    assert all(serial_warehouse(sandboxes, s) == "NY" for s in serials)

    result = sync(database, template_id, "sales")["sales"]

    assert result.failed == 0 and result.waiting == 0, result
    invoice = read_document(context, INVOICE, sale["id"])
    serial_line, batch_line = invoice["DocumentLines"]
    assert serial_line["ItemCode"] == SERIAL_ITEM and serial_line["WarehouseCode"] == "NY"
    assert [s["InternalSerialNumber"] for s in serial_line["SerialNumbers"]] == serials
    assert [
        (b["BatchNumber"], Decimal(str(b["Quantity"]))) for b in batch_line["BatchNumbers"]
    ] == picks
    assert all(serial_warehouse(sandboxes, s) is None for s in serials), "sold out of NY"
    with (
        ServiceLayerClient(sap_settings(context.rules)) as client,
        pytest.raises(BusinessRuleError, match="does not exist"),
    ):
        client.create(
            INVOICE,
            {
                "CardCode": "C-WALKIN",
                "DocumentLines": [
                    {
                        "ItemCode": SERIAL_ITEM,
                        "Quantity": 1,
                        "WarehouseCode": "NY",
                        "SerialNumbers": [{"InternalSerialNumber": serials[0]}],
                    }
                ],
            },
        )

    refund = sandboxes.tagrain.refund_sale(sale["id"])
    returned = [s for line in refund["lines"] for s in line["serial_numbers"]]
    result = sync(database, template_id, "refunds")["refunds"]

    assert result.failed == 0 and result.waiting == 0, result
    memo = read_document(context, CREDIT_MEMO, refund["id"])
    memo_serials = [
        s["InternalSerialNumber"]
        for ln in memo["DocumentLines"]
        for s in ln.get("SerialNumbers") or []
    ]
    assert memo_serials == returned
    for serial in serials:
        expected = "NY" if serial in returned else None
        assert serial_warehouse(sandboxes, serial) == expected


def test_a_sale_without_its_numbers_waits_until_the_store_scans_them(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products")
    sale = sandboxes.tagrain.ring_up(
        "NYC", [("A00001", Decimal(1)), (SERIAL_ITEM, Decimal(2))], scan=False
    )

    first = sync(database, template_id, "sales")["sales"]

    assert first.waiting == 1 and first.failed == 0, first
    assert first.created > 0, "the rest of the run went on"
    assert context.sap.find_document(INVOICE, sale["id"]) is None
    waiting = pending(database, sale["id"])
    assert waiting is not None
    assert waiting.last_error == (
        f"line 2, item {SERIAL_ITEM} (serial-managed): Tagrain sent 0 of 2 serial numbers; "
        "scan them in Tagrain"
    )
    assert sync(database, template_id, "sales")["sales"].waiting == 1, "still waiting"

    scanned = sandboxes.tagrain.scan_missing(sale["id"])
    second = sync(database, template_id, "sales")["sales"]

    assert second.waiting == 0 and second.failed == 0, second
    invoice = read_document(context, INVOICE, sale["id"])
    assert [s["InternalSerialNumber"] for s in invoice["DocumentLines"][1]["SerialNumbers"]] == (
        scanned["lines"][1]["serial_numbers"]
    )
    assert pending(database, sale["id"]) is None
    with database.session() as session:
        log = session.scalars(
            select(RecordLog.action).where(RecordLog.source_id == sale["id"]).order_by(RecordLog.id)
        ).all()
    assert log == ["waiting", "waiting", "created"], log


def test_a_serial_sap_already_sold_fails_the_sale_with_saps_words(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    sync(database, template_id, "customers", "products")
    first = sandboxes.tagrain.ring_up("NYC", [(SERIAL_ITEM, Decimal(1))])
    sold = first["lines"][0]["serial_numbers"][0]
    sync(database, template_id, "sales")
    assert context.sap.find_document(INVOICE, first["id"]) is not None
    # Rung up after SAP sold the serial (the same sale twice in one run would be a race
    # between parallel sessions: whichever SAP takes first is the one it accepts).
    second = sandboxes.tagrain.ring_up("NYC", [(SERIAL_ITEM, Decimal(1))])
    lines = [dict(second["lines"][0], serial_numbers=[sold])]
    sandboxes.tagrain.touch("sales", second["id"], lines=lines)

    result = sync(database, template_id, "sales")["sales"]

    assert result.failed == 1, result
    assert context.sap.find_document(INVOICE, first["id"]) is not None
    assert context.sap.find_document(INVOICE, second["id"]) is None
    failed = pending(database, second["id"])
    assert failed is not None
    assert failed.last_error == (
        f"Batch/serial number {sold} selected in row 1 does not exist; "
        "specify a valid batch/serial number"
    )
    again = sync(database, template_id, "sales")["sales"]
    assert again.failed == 1 and again.created == 0, "retried, and refused again"
