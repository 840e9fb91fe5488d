"""The serial and batch numbers the sandbox's tills can still scan, store by store.

A serial product's units each carry a serial number, a batch product's units
come from batches; the demo company holds them in SAP per warehouse
(``demo.serial_numbers``, ``demo.batches``), and each Tagrain store sells from
the warehouse it maps to. So the till scans what SAP holds there: each serial
is sold once across the demo, and no batch gives more than it holds. Voided or
refunded units are not put back on the shelf (the demo never sells a serial
twice, whatever order a sync posts the sales in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from app.sandbox import demo
from app.sandbox.tagrain.amounts import quantity

Body = dict[str, Any]
_DEMO_SKU = re.compile(r"^A(\d{5})$")


class ShelfStock:
    """Serials and batch quantities still unsold, per (warehouse, SKU)."""

    def __init__(self, items: Iterable[demo.Item]) -> None:
        self.serials: dict[tuple[str, str], list[str]] = {}
        self.batches: dict[tuple[str, str], list[list[Any]]] = {}
        self.skus: set[str] = set()
        for item in items:
            if item.kind in ("serial", "batch"):
                self.skus.add(item.code)
            for w in demo.WAREHOUSES:
                if item.kind == "serial":
                    self.serials[(w.code, item.code)] = demo.serial_numbers(item, w.code)
                elif item.kind == "batch":
                    self.batches[(w.code, item.code)] = [
                        [batch, held] for batch, held in demo.batches(item, w.code)
                    ]

    @classmethod
    def for_products(
        cls, products: Iterable[Body], sales: Iterable[Body], warehouses: dict[str, str]
    ) -> ShelfStock:
        """The stock of the demo's serial and batch products, less what ``sales`` already sold.

        ``warehouses``: the SAP warehouse of each store id.
        """
        numbers = [
            int(m.group(1))
            for p in products
            if p["type"] in ("serial", "batch") and (m := _DEMO_SKU.match(p["sku"]))
        ]
        shelf = cls(demo.items(max(numbers, default=0)))
        for sale in sales:
            warehouse = warehouses.get(str(sale.get("store_id")), "")
            for line in sale.get("lines") or []:
                shelf.forget(warehouse, line)
        return shelf

    def forget(self, warehouse: str, line: Body) -> None:
        """Take a sold line's numbers off the shelf (a sale already in the database)."""
        sold = set(line.get("serial_numbers") or [])
        key = (warehouse, str(line.get("sku")))
        if sold and key in self.serials:
            self.serials[key] = [s for s in self.serials[key] if s not in sold]
        for pick in line.get("batches") or []:
            for row in self.batches.get(key, []):
                if row[0] == pick["batch"]:
                    row[1] -= Decimal(pick["quantity"])

    def tracked(self, sku: str) -> bool:
        """Whether the SKU is a demo serial or batch item (its units need numbers)."""
        return sku in self.skus

    def available(self, warehouse: str, sku: str) -> Decimal:
        """How many units the warehouse can still sell with numbers."""
        if (warehouse, sku) in self.serials:
            return Decimal(len(self.serials[(warehouse, sku)]))
        return sum((Decimal(row[1]) for row in self.batches.get((warehouse, sku), [])), Decimal(0))

    def scan(self, warehouse: str, sku: str, units: Decimal) -> Body:
        """Take ``units`` off the shelf; the line's ``serial_numbers`` and ``batches``."""
        if units > self.available(warehouse, sku):
            raise ValueError(f"{sku}: only {self.available(warehouse, sku)} left in {warehouse}")
        serials: list[str] = []
        picks: list[Body] = []
        if (warehouse, sku) in self.serials:
            shelf = self.serials[(warehouse, sku)]
            serials, self.serials[(warehouse, sku)] = shelf[: int(units)], shelf[int(units) :]
        left = units
        for row in self.batches.get((warehouse, sku), []):
            take = min(left, Decimal(row[1]))
            if take > 0:
                row[1] = Decimal(row[1]) - take
                picks.append({"batch": row[0], "quantity": quantity(take)})
                left -= take
        return {"serial_numbers": serials, "batches": picks}


def returned(line: Body, units: Decimal) -> Body:
    """The numbers coming back when ``units`` of a sold line are refunded (the first scanned)."""
    serials = list(line.get("serial_numbers") or [])[: int(units)]
    picks: list[Body] = []
    left = units
    for pick in line.get("batches") or []:
        take = min(left, Decimal(pick["quantity"]))
        if take > 0:
            picks.append({"batch": pick["batch"], "quantity": quantity(take)})
            left -= take
    return {"serial_numbers": serials, "batches": picks}
