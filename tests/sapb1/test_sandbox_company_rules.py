"""The sandbox company's setup rules: branches, posting periods, goods receipts, target documents.

Each refusal is SAP's: "Specify an active branch [OINV.BPLId]" (DI -5002),
"Date deviates from permissible range [OINV.DocDate]" for a locked posting
period, "Quantity falls into negative inventory" where negative stock is blocked,
and no cancelling of an invoice a credit memo is based on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from app.sandbox.sapb1 import ServiceLayerSandbox
from tests.sapb1.conftest import RawSession, invoice_body


def _error(answer: requests.Response) -> tuple[int, str, str]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["message"]


def _payment(entry: int, amount: float, **extra: Any) -> dict[str, Any]:
    return {
        "CardCode": "C000001",
        "CashSum": amount,
        "CashAccount": "_SYS00000000101",
        "PaymentInvoices": [{"DocEntry": entry, "SumApplied": amount, "InvoiceType": "it_Invoice"}],
        **extra,
    }


def _journal(**line_extra: Any) -> dict[str, Any]:
    return {
        "ReferenceDate": "2026-03-14",
        "JournalEntryLines": [
            {"AccountCode": "_SYS00000000101", "Debit": 0, "Credit": 5, **line_extra},
            {"AccountCode": "_SYS00000000400", "Debit": 5, "Credit": 0, **line_extra},
        ],
    }


def test_a_multi_branch_company_lists_its_branches(
    make_sandbox: Callable[..., ServiceLayerSandbox],
) -> None:
    single = make_sandbox()
    assert RawSession(single).get("BusinessPlaces").json()["value"] == []
    multi = make_sandbox(multi_branch=True)
    places = RawSession(multi).get("BusinessPlaces?$select=BPLID,BPLName,Disabled").json()["value"]
    assert {p["BPLID"]: p["Disabled"] for p in places} == {
        1: "tNO",
        2: "tNO",
        3: "tNO",
        4: "tNO",
        9: "tYES",
    }
    one = RawSession(multi).get("BusinessPlaces(2)").json()
    assert (one["BPLName"], one["DefaultWarehouseID"]) == ("East Coast Stores", "NY")


def test_a_multi_branch_company_refuses_postings_without_an_active_branch(
    make_sandbox: Callable[..., ServiceLayerSandbox],
) -> None:
    sandbox = make_sandbox(multi_branch=True)
    raw = RawSession(sandbox)
    for branch in (None, 77, 9):
        body = invoice_body() if branch is None else invoice_body(BPL_IDAssignedToInvoice=branch)
        assert _error(raw.post("Invoices", body)) == (
            400,
            "-5002",
            "Specify an active branch [OINV.BPLId]",
        )
    assert sandbox.count("Invoices") == 0
    invoice = raw.post("Invoices", invoice_body(BPL_IDAssignedToInvoice=2)).json()
    total = invoice["DocTotal"]
    assert _error(raw.post("IncomingPayments", _payment(invoice["DocEntry"], total)))[2] == (
        "Specify an active branch [ORCT.BPLId]"
    )
    paid = raw.post("IncomingPayments", _payment(invoice["DocEntry"], total, BPLID=2))
    assert paid.status_code == 201 and paid.json()["BPLID"] == 2
    assert _error(raw.post("JournalEntries", _journal()))[2] == (
        "Specify an active branch [JDT1.BPLId][line: 1]"
    )
    entry = raw.post("JournalEntries", _journal(BPLID=4))
    assert entry.status_code == 201, entry.text
    assert {line["BPLID"] for line in entry.json()["JournalEntryLines"]} == {4}
    single = RawSession(make_sandbox())
    assert single.post("Invoices", invoice_body()).status_code == 201


def test_a_locked_posting_period_refuses_postings_dated_in_it(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    periods = raw.get("FinancePeriods?$filter=PeriodCode eq '2026-03'").json()["value"]
    assert [(p["PeriodStatus"], p["PostingDateFrom"][:10]) for p in periods] == [
        ("ltUnlocked", "2026-03-01")
    ]
    entry = periods[0]["AbsoluteEntry"]
    assert raw.patch(f"FinancePeriods({entry})", {"PeriodStatus": "ltLocked"}).status_code == 204
    assert _error(raw.post("Invoices", invoice_body(DocDate="2026-03-14"))) == (
        400,
        "-5002",
        "Date deviates from permissible range [OINV.DocDate]",
    )
    assert _error(raw.post("JournalEntries", _journal()))[2] == (
        "Date deviates from permissible range [OJDT.RefDate]"
    )
    assert raw.post("Invoices", invoice_body(DocDate="2026-04-01")).status_code == 201
    sandbox.set_period_status("2026-03", "ltUnlockedExceptSales")
    assert _error(raw.post("Invoices", invoice_body(DocDate="2026-03-14")))[1] == "-5002"
    assert raw.post("JournalEntries", _journal()).status_code == 201
    assert _error(raw.patch(f"FinancePeriods({entry})", {"PeriodStatus": "open"}))[0] == 400
    sandbox.set_period_status("2026-03", "ltUnlocked")
    assert raw.post("Invoices", invoice_body(DocDate="2026-03-14")).status_code == 201
    assert _error(raw.post("Invoices", invoice_body(DocDate="2019-06-30")))[2].startswith(
        "10000156 - Posting Date deviates from the defined range"
    )


def test_blocked_negative_stock_switches_at_run_time_and_a_goods_receipt_raises_stock(
    make_sandbox: Callable[..., ServiceLayerSandbox],
) -> None:
    sandbox = make_sandbox(negative_stock_allowed=True)
    raw = RawSession(sandbox)
    quantity = sandbox.stock("A00001", "NY") + 3
    sandbox.block_negative_inventory()
    assert _error(raw.post("Invoices", invoice_body(quantity=quantity))) == (
        400,
        "-10",
        "Quantity falls into negative inventory [INV1.ItemCode][line: 1]",
    )
    receipt = raw.post(
        "InventoryGenEntries",
        {"DocumentLines": [{"ItemCode": "A00001", "Quantity": 3, "WarehouseCode": "NY"}]},
    )
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["DocumentLines"][0]["WarehouseCode"] == "NY"
    assert sandbox.stock("A00001", "NY") == quantity
    assert raw.post("Invoices", invoice_body(quantity=quantity)).status_code == 201
    assert sandbox.stock("A00001", "NY") == 0
    bad = raw.post("InventoryGenEntries", {"DocumentLines": [{"ItemCode": "NOPE", "Quantity": 1}]})
    assert _error(bad)[2] == "Invalid item code 'NOPE' [IGN1.ItemCode][line: 1]"
    sandbox.block_negative_inventory(False)
    assert raw.post("Invoices", invoice_body(quantity=1)).status_code == 201


def test_an_invoice_a_credit_memo_is_based_on_cannot_be_cancelled(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    invoice = raw.post("Invoices", invoice_body(quantity=2)).json()
    paid = raw.post("IncomingPayments", _payment(invoice["DocEntry"], invoice["DocTotal"]))
    assert paid.status_code == 201
    memo = raw.post(
        "CreditNotes",
        {
            "CardCode": "C000001",
            "DocumentLines": [
                {
                    "ItemCode": "A00001",
                    "Quantity": 1,
                    "WarehouseCode": "NY",
                    "BaseType": 13,
                    "BaseEntry": invoice["DocEntry"],
                    "BaseLine": 0,
                }
            ],
        },
    ).json()
    assert raw.post(f"IncomingPayments({paid.json()['DocEntry']})/Cancel").status_code == 204
    assert _error(raw.post(f"Invoices({invoice['DocEntry']})/Cancel")) == (
        400,
        "-10",
        "Cannot cancel a document that has target documents; cancel the target documents first",
    )
    assert raw.post(f"CreditNotes({memo['DocEntry']})/Cancel").status_code == 204
    assert raw.post(f"Invoices({invoice['DocEntry']})/Cancel").status_code == 204
