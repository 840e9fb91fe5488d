"""The serials and batches of the demo's serial and batch items, seeded per warehouse.

Both sandboxes derive them from ``app.sandbox.demo`` (``serial_numbers``,
``batches``), so the serials the Tagrain till scans are the ones SAP holds in
the store's warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from app.sandbox import demo
from app.sandbox.sapb1.entities import ENTITY_SETS
from app.sandbox.sapb1.store import Tx

ADMISSION_DATE = "2024-01-02"


def serial_rows(items: Iterable[demo.Item], start: int = 1) -> Iterator[tuple[int, dict[str, Any]]]:
    """SerialNumberDetails rows (key, body) of the demo's serial items, in stock where seeded."""
    entry = start
    for item in items:
        for warehouse in demo.WAREHOUSES:
            for number in demo.serial_numbers(item, warehouse.code):
                yield (
                    entry,
                    {
                        "DocEntry": entry,
                        "ItemCode": item.code,
                        "ItemDescription": item.name,
                        "Status": "sdsStatus_Released",
                        "SerialNumber": number,
                        "SystemNumber": entry,
                        "AdmissionDate": ADMISSION_DATE,
                        "_Warehouse": warehouse.code,
                    },
                )
                entry += 1


def batch_rows(items: Iterable[demo.Item], start: int = 1) -> Iterator[tuple[int, dict[str, Any]]]:
    """BatchNumberDetails rows (key, body) of the demo's batch items, quantities per warehouse."""
    entry = start
    for item in items:
        held: dict[str, dict[str, float]] = {}
        for warehouse in demo.WAREHOUSES:
            for batch, quantity in demo.batches(item, warehouse.code):
                held.setdefault(batch, {})[warehouse.code] = float(quantity)
        for batch, quantities in held.items():
            yield (
                entry,
                {
                    "DocEntry": entry,
                    "ItemCode": item.code,
                    "ItemDescription": item.name,
                    "Status": "bdsStatus_Released",
                    "Batch": batch,
                    "SystemNumber": entry,
                    "AdmissionDate": ADMISSION_DATE,
                    "_Quantities": quantities,
                },
            )
            entry += 1


def seed_tracking(tx: Tx, items: int) -> None:
    """Insert the serials and batches of the first ``items`` demo items."""
    managed = [i for i in demo.items(items) if i.kind in ("serial", "batch")]
    tx.bulk_insert(ENTITY_SETS["SerialNumberDetails"], serial_rows(managed))
    tx.bulk_insert(ENTITY_SETS["BatchNumberDetails"], batch_rows(managed))
