"""Serial and batch numbers on document lines, and where each serial and batch lies.

A line of a serial-managed item names one serial per unit
(``SerialNumbers[{InternalSerialNumber, Quantity: 1}]``), a line of a
batch-managed item its batches with quantities adding up to the line's
(``BatchNumbers[{BatchNumber, Quantity}]``); SAP refuses anything less with
"Cannot add row without complete selection of batch/serial numbers". An
invoice takes the serials and batch quantities out of the line's warehouse and
a credit memo puts them back (cancelling does the reverse); a serial that is
not in that warehouse, or a batch short of the quantity there, is refused
with SAP's words.

Each serial is a ``SerialNumberDetails`` row whose hidden ``_Warehouse`` says
where it is in stock (None once sold); each batch a ``BatchNumberDetails`` row
with its quantity per warehouse in ``_Quantities``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.sandbox.sapb1.entities import EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS, RuleBase
from app.sandbox.sapb1.store import Tx

INCOMPLETE_CODE = -4014
INCOMPLETE = "Cannot add row without complete selection of batch/serial numbers"


def incomplete(es: EntitySet, n: int) -> SlError:
    """SAP's refusal of a managed line without one number per unit (n: 0-based line)."""
    return SlError(400, INCOMPLETE_CODE, f"{INCOMPLETE} [{es.line_table}.ItemCode][line: {n + 1}]")


def unknown_number(number: Any, n: int) -> SlError:
    """SAP's refusal of a serial or batch that does not exist (or is not available there)."""
    return SlError.business(
        f"Batch/serial number {number} selected in row {n + 1} does not exist; "
        "specify a valid batch/serial number"
    )


def short_batch(item_code: str, batch: str, warehouse: str) -> SlError:
    """SAP's refusal of a batch quantity above what the batch holds in the warehouse."""
    return SlError.business(
        f"10001153 - Insufficient quantity for item {item_code} with batch {batch} "
        f"in warehouse {warehouse}"
    )


def _prop(es: EntitySet, tx: Tx, name: str) -> sa.ColumnElement[Any]:
    return sa.func.json_extract(tx.table(es).c.doc, f'$."{name}"')


def find_serial(tx: Tx, item_code: str, number: str) -> dict[str, Any] | None:
    """The SerialNumberDetails row of an item's serial (by internal or system number)."""
    es = SETS["SerialNumberDetails"]
    where = sa.and_(
        _prop(es, tx, "ItemCode") == item_code,
        sa.or_(
            _prop(es, tx, "SerialNumber") == number,
            sa.cast(_prop(es, tx, "SystemNumber"), sa.String) == number,
        ),
    )
    rows = tx.query(es, where, limit=1)
    return rows[0] if rows else None


def find_batch(tx: Tx, item_code: str, batch: str) -> dict[str, Any] | None:
    """The BatchNumberDetails row of an item's batch."""
    es = SETS["BatchNumberDetails"]
    where = sa.and_(_prop(es, tx, "ItemCode") == item_code, _prop(es, tx, "Batch") == batch)
    rows = tx.query(es, where, limit=1)
    return rows[0] if rows else None


def _quantity(value: Any, default: float) -> float:
    try:
        return float(default if value is None else value)
    except (TypeError, ValueError) as exc:
        raise SlError.malformed("Invalid value of property 'Quantity'") from exc


class TrackingRules(RuleBase):
    """Checks a line's serial/batch selection and moves serials and batches between warehouses."""

    def _select_numbers(
        self, es: EntitySet, item: dict[str, Any], line: dict[str, Any], out: dict[str, Any], n: int
    ) -> None:
        """Fill ``out``'s SerialNumbers/BatchNumbers from the request; -4014 when incomplete."""
        serial = item.get("ManageSerialNumbers") == "tYES"
        batch = item.get("ManageBatchNumbers") == "tYES"
        serials_in = line.get("SerialNumbers") or []
        batches_in = line.get("BatchNumbers") or []
        if not isinstance(serials_in, list) or not isinstance(batches_in, list):
            raise SlError.malformed("Invalid value of property 'SerialNumbers'/'BatchNumbers'")
        out["SerialNumbers"], out["BatchNumbers"] = [], []
        quantity = float(out["Quantity"])
        if serial:
            rows = [self._serial_row(row, item["ItemCode"], n) for row in serials_in]
            if len(rows) != quantity or any(r["Quantity"] != 1.0 for r in rows):
                raise incomplete(es, n)
            out["SerialNumbers"] = rows
        elif batch:
            rows = [self._batch_row(row, item["ItemCode"], n) for row in batches_in]
            total = round(sum(r["Quantity"] for r in rows), 6)
            if not rows or total != quantity or any(r["Quantity"] <= 0 for r in rows):
                raise incomplete(es, n)
            out["BatchNumbers"] = rows

    @staticmethod
    def _serial_row(row: Any, item_code: str, n: int) -> dict[str, Any]:
        if not isinstance(row, dict):
            raise SlError.malformed("Invalid row in SerialNumbers")
        return {
            "ManufacturerSerialNumber": row.get("ManufacturerSerialNumber"),
            "InternalSerialNumber": row.get("InternalSerialNumber"),
            "SystemSerialNumber": row.get("SystemSerialNumber"),
            "BaseLineNumber": n,
            "Quantity": _quantity(row.get("Quantity"), 1.0),
            "ItemCode": item_code,
        }

    @staticmethod
    def _batch_row(row: Any, item_code: str, n: int) -> dict[str, Any]:
        if not isinstance(row, dict) or not row.get("BatchNumber"):
            raise SlError.malformed("Invalid row in BatchNumbers: BatchNumber is missing")
        return {
            "BatchNumber": row["BatchNumber"],
            "Quantity": _quantity(row.get("Quantity"), 0.0),
            "BaseLineNumber": n,
            "ItemCode": item_code,
        }

    def _move_numbers(self, tx: Tx, lines: list[dict[str, Any]], sign: int) -> None:
        """Take the lines' serials and batch quantities out of (−1) or put them into (+1) stock."""
        for n, line in enumerate(lines):
            warehouse = str(line.get("WarehouseCode"))
            for row in line.get("SerialNumbers") or []:
                self._move_serial(tx, line["ItemCode"], row, warehouse, sign, n)
            for row in line.get("BatchNumbers") or []:
                self._move_batch(tx, line["ItemCode"], row, warehouse, sign, n)

    def _move_serial(
        self, tx: Tx, item_code: str, row: dict[str, Any], warehouse: str, sign: int, n: int
    ) -> None:
        number = row.get("InternalSerialNumber") or row.get("SystemSerialNumber")
        found = find_serial(tx, item_code, str(number)) if number is not None else None
        if found is None:
            raise unknown_number(number, n)
        if sign < 0 and found.get("_Warehouse") != warehouse:
            raise unknown_number(number, n)
        if sign > 0 and found.get("_Warehouse") is not None:
            raise unknown_number(number, n)
        found["_Warehouse"] = warehouse if sign > 0 else None
        row["InternalSerialNumber"] = found["SerialNumber"]
        row["SystemSerialNumber"] = found["SystemNumber"]
        row["ManufacturerSerialNumber"] = found.get("MfrSerialNo")
        tx.replace(SETS["SerialNumberDetails"], found["DocEntry"], found)

    def _move_batch(
        self, tx: Tx, item_code: str, row: dict[str, Any], warehouse: str, sign: int, n: int
    ) -> None:
        found = find_batch(tx, item_code, str(row["BatchNumber"]))
        if found is None:
            raise unknown_number(row["BatchNumber"], n)
        quantities: dict[str, float] = found.get("_Quantities") or {}
        held = float(quantities.get(warehouse, 0.0))
        left = round(held + sign * float(row["Quantity"]), 6)
        if left < 0:
            raise short_batch(item_code, found["Batch"], warehouse)
        quantities[warehouse] = left
        found["_Quantities"] = quantities
        tx.replace(SETS["BatchNumberDetails"], found["DocEntry"], found)
