"""Serial and batch numbers in the sandbox: complete selections, availability per warehouse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import requests

from app.sandbox import demo
from app.sandbox.sapb1 import ServiceLayerSandbox
from app.sandbox.sapb1.rules.serials import find_batch, find_serial
from tests.sapb1.conftest import ITEMS, RawSession

SERIAL_ITEM = "A00010"
BATCH_ITEM = "A00015"
INCOMPLETE = "Cannot add row without complete selection of batch/serial numbers"


def _item(code: str) -> demo.Item:
    return next(i for i in demo.items(ITEMS) if i.code == code)


def _error(answer: requests.Response) -> tuple[int, str, str]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["message"]


def _not_found(number: str, row: int = 1) -> str:
    return (
        f"Batch/serial number {number} selected in row {row} does not exist; "
        "specify a valid batch/serial number"
    )


def _line(item: str, quantity: float, warehouse: str = "NY", **extra: Any) -> dict[str, Any]:
    return {"ItemCode": item, "Quantity": quantity, "WarehouseCode": warehouse, **extra}


def _serials(*numbers: str) -> list[dict[str, Any]]:
    return [{"InternalSerialNumber": n, "Quantity": 1} for n in numbers]


def _invoice(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"CardCode": "C000001", "DocumentLines": list(lines)}


def _warehouse_of(sandbox: ServiceLayerSandbox, serial: str) -> str | None:
    with sandbox.store.transaction() as tx:
        found = find_serial(tx, SERIAL_ITEM, serial)
        assert found is not None
        return found.get("_Warehouse")


def _batch_held(sandbox: ServiceLayerSandbox, batch: str, warehouse: str = "NY") -> Decimal:
    with sandbox.store.transaction() as tx:
        found = find_batch(tx, BATCH_ITEM, batch)
        assert found is not None
        return Decimal(str(found["_Quantities"].get(warehouse, 0)))


def test_seeded_serials_and_batches_are_the_demos(raw: RawSession) -> None:
    listed = raw.get(
        f"SerialNumberDetails?$filter=ItemCode eq '{SERIAL_ITEM}'",
        headers={"Prefer": "odata.maxpagesize=500"},
    ).json()
    numbers = {row["SerialNumber"] for row in listed["value"]}
    item = _item(SERIAL_ITEM)
    expected = {s for w in demo.WAREHOUSES for s in demo.serial_numbers(item, w.code)}
    assert numbers == expected and len(numbers) == sum(int(q) for _, q in item.stock)
    batches = raw.get(f"BatchNumberDetails?$filter=ItemCode eq '{BATCH_ITEM}'").json()["value"]
    assert {b["Batch"] for b in batches} == {f"{BATCH_ITEM}-L01", f"{BATCH_ITEM}-L02"}
    assert all("_Quantities" not in b for b in batches)
    refused = raw.post("SerialNumberDetails", {"ItemCode": SERIAL_ITEM, "SerialNumber": "X"})
    assert _error(refused)[:2] == (400, "-5006")


def test_serial_line_without_complete_selection_is_refused(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    first, second = demo.serial_numbers(_item(SERIAL_ITEM), "NY")[:2]
    without = raw.post("Invoices", _invoice(_line("A00001", 1), _line(SERIAL_ITEM, 2)))
    assert _error(without) == (400, "-4014", f"{INCOMPLETE} [INV1.ItemCode][line: 2]")
    one_of_two = _line(SERIAL_ITEM, 2, SerialNumbers=_serials(first))
    assert _error(raw.post("Invoices", _invoice(one_of_two)))[1:] == (
        "-4014",
        f"{INCOMPLETE} [INV1.ItemCode][line: 1]",
    )
    assert sandbox.count("Invoices") == 0
    assert _warehouse_of(sandbox, first) == "NY" and _warehouse_of(sandbox, second) == "NY"


def test_invoice_takes_serials_out_and_a_serial_sells_once(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    first, second = demo.serial_numbers(_item(SERIAL_ITEM), "NY")[:2]
    stock = sandbox.stock(SERIAL_ITEM, "NY")
    answer = raw.post(
        "Invoices", _invoice(_line(SERIAL_ITEM, 2, SerialNumbers=_serials(first, second)))
    )
    assert answer.status_code == 201, answer.text
    read = raw.get(f"Invoices({answer.json()['DocEntry']})").json()
    sent = read["DocumentLines"][0]["SerialNumbers"]
    assert [s["InternalSerialNumber"] for s in sent] == [first, second]
    assert all(s["Quantity"] == 1 and s["BaseLineNumber"] == 0 for s in sent)
    assert _warehouse_of(sandbox, first) is None and sandbox.stock(SERIAL_ITEM, "NY") == stock - 2

    again = raw.post("Invoices", _invoice(_line(SERIAL_ITEM, 1, SerialNumbers=_serials(first))))
    assert _error(again) == (400, "-10", _not_found(first))
    unknown = raw.post("Invoices", _invoice(_line(SERIAL_ITEM, 1, SerialNumbers=_serials("NOPE"))))
    assert _error(unknown) == (400, "-10", _not_found("NOPE"))
    elsewhere = demo.serial_numbers(_item(SERIAL_ITEM), "CHI")[0]
    other = raw.post("Invoices", _invoice(_line(SERIAL_ITEM, 1, SerialNumbers=_serials(elsewhere))))
    assert _error(other) == (400, "-10", _not_found(elsewhere))
    assert _warehouse_of(sandbox, elsewhere) == "CHI"
    assert sandbox.count("Invoices") == 1


def test_batch_lines_need_batches_adding_up_within_what_they_hold(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    (b1, held1), (b2, held2) = demo.batches(_item(BATCH_ITEM), "NY")
    assert _error(raw.post("Invoices", _invoice(_line(BATCH_ITEM, 2))))[1:] == (
        "-4014",
        f"{INCOMPLETE} [INV1.ItemCode][line: 1]",
    )
    short = _line(BATCH_ITEM, 3, BatchNumbers=[{"BatchNumber": b1, "Quantity": 2}])
    assert _error(raw.post("Invoices", _invoice(short)))[1] == "-4014"
    unknown = _line(BATCH_ITEM, 1, BatchNumbers=[{"BatchNumber": "LOT-X", "Quantity": 1}])
    assert _error(raw.post("Invoices", _invoice(unknown))) == (400, "-10", _not_found("LOT-X"))
    too_much = float(held1 + 1)
    over = _line(BATCH_ITEM, too_much, BatchNumbers=[{"BatchNumber": b1, "Quantity": too_much}])
    assert _error(raw.post("Invoices", _invoice(over))) == (
        400,
        "-10",
        f"10001153 - Insufficient quantity for item {BATCH_ITEM} with batch {b1} in warehouse NY",
    )
    split = _line(
        BATCH_ITEM,
        3,
        BatchNumbers=[{"BatchNumber": b1, "Quantity": 2}, {"BatchNumber": b2, "Quantity": 1}],
    )
    answer = raw.post("Invoices", _invoice(split))
    assert answer.status_code == 201, answer.text
    assert _batch_held(sandbox, b1) == held1 - 2 and _batch_held(sandbox, b2) == held2 - 1
    picks = answer.json()["DocumentLines"][0]["BatchNumbers"]
    assert [(p["BatchNumber"], p["Quantity"]) for p in picks] == [(b1, 2.0), (b2, 1.0)]
    assert raw.post(f"Invoices({answer.json()['DocEntry']})/Cancel").status_code == 204
    assert _batch_held(sandbox, b1) == held1 and _batch_held(sandbox, b2) == held2


def test_credit_memo_copies_its_base_line_and_puts_serials_back(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    first, second = demo.serial_numbers(_item(SERIAL_ITEM), "NY")[:2]
    invoice = raw.post(
        "Invoices",
        _invoice(
            _line("A00001", 2, UnitPrice=10.0, TaxCode="TX"),
            _line(SERIAL_ITEM, 2, SerialNumbers=_serials(first, second)),
        ),
    ).json()
    base = {"BaseType": 13, "BaseEntry": invoice["DocEntry"]}
    without_serial = raw.post(
        "CreditNotes", {"CardCode": "C000001", "DocumentLines": [{**base, "BaseLine": 1}]}
    )
    assert _error(without_serial)[1:] == ("-4014", f"{INCOMPLETE} [RIN1.ItemCode][line: 1]")
    memo = raw.post(
        "CreditNotes",
        {
            "CardCode": "C000001",
            "DocumentLines": [
                {**base, "BaseLine": 0, "Quantity": 1},
                {**base, "BaseLine": 1, "Quantity": 1, "SerialNumbers": _serials(second)},
            ],
        },
    )
    assert memo.status_code == 201, memo.text
    plain, serial = memo.json()["DocumentLines"]
    assert (plain["ItemCode"], plain["WarehouseCode"], plain["TaxCode"]) == ("A00001", "NY", "TX")
    assert plain["UnitPrice"] == 10.0 and plain["LineTotal"] == 10.0
    assert serial["ItemCode"] == SERIAL_ITEM and serial["WarehouseCode"] == "NY"
    assert [s["InternalSerialNumber"] for s in serial["SerialNumbers"]] == [second]
    assert _warehouse_of(sandbox, second) == "NY" and _warehouse_of(sandbox, first) is None
    twice = raw.post(
        "CreditNotes",
        {
            "CardCode": "C000001",
            "DocumentLines": [
                {**base, "BaseLine": 1, "Quantity": 1, "SerialNumbers": _serials(second)}
            ],
        },
    )
    assert _error(twice) == (400, "-10", _not_found(second))
    resold = raw.post("Invoices", _invoice(_line(SERIAL_ITEM, 1, SerialNumbers=_serials(second))))
    assert resold.status_code == 201, resold.text


def test_cancelling_an_invoice_puts_its_serials_back(
    sandbox: ServiceLayerSandbox, raw: RawSession
) -> None:
    first = demo.serial_numbers(_item(SERIAL_ITEM), "NY")[0]
    invoice = raw.post("Invoices", _invoice(_line(SERIAL_ITEM, 1, SerialNumbers=_serials(first))))
    assert _warehouse_of(sandbox, first) is None
    assert raw.post(f"Invoices({invoice.json()['DocEntry']})/Cancel").status_code == 204
    assert _warehouse_of(sandbox, first) == "NY"
