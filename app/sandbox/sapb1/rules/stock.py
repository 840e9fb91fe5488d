"""Goods receipts (``InventoryGenEntries``): stock received into a warehouse.

A goods receipt raises each line's item in the line's warehouse (SAP's
OIGN/IGN1); POS sales that ran ahead of deliveries then go through where the
company blocks negative inventory. Dated, branched and period-checked like
every other posting.
"""

from __future__ import annotations

from typing import Any

from app.sandbox import demo
from app.sandbox.sapb1.entities import READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS
from app.sandbox.sapb1.rules.branches import check_branch
from app.sandbox.sapb1.rules.documents import DocumentRules
from app.sandbox.sapb1.rules.periods import check_period
from app.sandbox.sapb1.seed import new_body
from app.sandbox.sapb1.store import Tx


class StockRules(DocumentRules):
    """Adds goods receipts."""

    def _create_goods_receipt(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        doc["DocDate"] = doc.get("DocDate") or self._today()
        doc["DocDueDate"] = doc.get("DocDueDate") or doc["DocDate"]
        doc["TaxDate"] = doc.get("TaxDate") or doc["DocDate"]
        check_branch(tx, self.multi_branch, doc.get("BPL_IDAssignedToInvoice"), "OIGN.BPLId")
        check_period(tx, es.table, doc["DocDate"], "OIGN.DocDate")
        lines_in = body.get("DocumentLines") or []
        if not isinstance(lines_in, list) or not lines_in:
            raise SlError.business(f"Document must contain at least one row [{es.line_table}]")
        lines = []
        for n, line in enumerate(lines_in):
            where = f"[{es.line_table}.ItemCode][line: {n + 1}]"
            if not isinstance(line, dict):
                raise SlError.malformed("Invalid document line")
            item = tx.get(SETS["Items"], line.get("ItemCode")) if line.get("ItemCode") else None
            if item is None:
                raise SlError.business(f"Invalid item code '{line.get('ItemCode')}' {where}")
            warehouse = line.get("WarehouseCode") or item.get("DefaultWarehouse")
            if not tx.exists(SETS["Warehouses"], warehouse):
                raise SlError.business(
                    f"Invalid warehouse code '{warehouse}' [{es.line_table}.WhsCode][line: {n + 1}]"
                )
            quantity = float(line.get("Quantity") or 0)
            if quantity <= 0:
                raise SlError.business(
                    f"Quantity must be positive [{es.line_table}.Quantity][line: {n + 1}]"
                )
            price = float(line.get("UnitPrice") or line.get("Price") or 0.0)
            lines.append(
                {
                    **line,
                    "LineNum": n,
                    "ItemCode": item["ItemCode"],
                    "ItemDescription": item["ItemName"],
                    "Quantity": quantity,
                    "WarehouseCode": warehouse,
                    "UnitPrice": price,
                    "Price": price,
                    "LineTotal": round(price * quantity, 2),
                    "Currency": demo.CURRENCY,
                }
            )
        self._move_stock(tx, es, lines, +1)
        entry, num = self._new_entry(tx, es)
        for line in lines:
            line["DocEntry"] = entry
        doc.update(DocEntry=entry, DocNum=num, DocumentLines=lines)
        doc["DocTotal"] = round(sum(line["LineTotal"] for line in lines), 2)
        doc["JournalMemo"] = doc.get("JournalMemo") or "Goods Receipt"
        self._stamp(doc, created=True)
        return doc
