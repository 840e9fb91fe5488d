"""Rules for marketing documents: A/R invoices and credit memos, their stock and cancellation.

Invoices take stock out of each line's warehouse and credit memos put it back
(with their serial and batch numbers, ``serials``); a credit memo based on an
invoice settles it and takes what its lines leave out from the invoice lines
(``base_lines``).
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.sandbox import demo
from app.sandbox.sapb1.entities import READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS
from app.sandbox.sapb1.rules.base_lines import with_base_line
from app.sandbox.sapb1.rules.branches import check_branch
from app.sandbox.sapb1.rules.periods import check_period
from app.sandbox.sapb1.rules.serials import TrackingRules
from app.sandbox.sapb1.rules.targets import check_no_target_documents
from app.sandbox.sapb1.seed import new_body, warehouse_info
from app.sandbox.sapb1.store import Tx

SALES_ACCOUNT = "_SYS00000000400"


def _money(value: float) -> float:
    return round(float(value) + 0.0, 6)


class DocumentRules(TrackingRules):
    """Adds and cancels documents: partner, lines, prices, tax, stock and base documents."""

    def _create_document(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        bp = self._partner(tx, es, doc.get("CardCode"))
        lines_in = body.get("DocumentLines") or []
        if not isinstance(lines_in, list) or not lines_in:
            raise SlError.business(f"Document must contain at least one row [{es.line_table}]")
        doc["CardName"] = doc.get("CardName") or bp["CardName"]
        doc["DocDate"] = doc.get("DocDate") or self._today()
        doc["DocDueDate"] = doc.get("DocDueDate") or doc["DocDate"]
        doc["TaxDate"] = doc.get("TaxDate") or doc["DocDate"]
        check_branch(tx, self.multi_branch, doc.get("BPL_IDAssignedToInvoice"), f"{es.table}.BPLId")
        check_period(tx, es.table, doc["DocDate"], f"{es.table}.DocDate")
        lines = [self._document_line(tx, es, bp, line, n) for n, line in enumerate(lines_in)]
        subtotal = sum(line["LineTotal"] for line in lines)
        vat = round(sum(line["TaxTotal"] for line in lines), 2)
        discount = float(doc.get("DiscountPercent") or 0.0)
        doc["DocTotal"] = round(subtotal * (1 - discount / 100) + vat, 2)
        doc["VatSum"] = vat
        doc["PaidToDate"] = 0.0
        doc["DocumentLines"] = lines
        self._move_stock(tx, es, lines, -1 if es.name == "Invoices" else +1)
        self._move_numbers(tx, lines, -1 if es.name == "Invoices" else +1)
        if es.name == "CreditNotes":
            doc["_applied"] = self._apply_credit_to_base(tx, es, doc)
        entry, num = self._new_entry(tx, es)
        for line in lines:
            line["DocEntry"] = entry
        doc["DocEntry"], doc["DocNum"] = entry, num
        doc["Reference1"] = doc.get("Reference1") or str(num)
        memo = "A/R Invoices" if es.name == "Invoices" else "A/R Credit Memos"
        doc["JournalMemo"] = doc.get("JournalMemo") or f"{memo} - {doc['CardCode']}"
        doc["DocTime"] = self.clock().strftime("%H:%M:%S")
        self._stamp(doc, created=True)
        return doc

    def _document_line(
        self, tx: Tx, es: EntitySet, bp: dict[str, Any], line: Any, n: int
    ) -> dict[str, Any]:
        where = f"[{es.line_table}.ItemCode][line: {n + 1}]"
        if not isinstance(line, dict):
            raise SlError.malformed("Invalid document line")
        line = with_base_line(tx, es, line, n)
        item = tx.get(SETS["Items"], line.get("ItemCode")) if line.get("ItemCode") else None
        if item is None:
            raise SlError.business(f"Invalid item code '{line.get('ItemCode')}' {where}")
        out: dict[str, Any] = {
            "LineNum": n,
            "ItemCode": item["ItemCode"],
            "ItemDescription": item["ItemName"],
            "Quantity": 1.0,
            "Price": 0.0,
            "PriceAfterVAT": 0.0,
            "Currency": demo.CURRENCY,
            "DiscountPercent": 0.0,
            "WarehouseCode": item.get("DefaultWarehouse"),
            "AccountCode": SALES_ACCOUNT,
            "TaxCode": demo.TAX_CODE,
            "UnitPrice": None,
            "LineTotal": 0.0,
            "TaxTotal": 0.0,
            "LineStatus": "bost_Open",
            "BaseType": -1,
            "BaseEntry": None,
            "BaseLine": None,
            "CostingCode": None,
            "ProjectCode": None,
            "FreeText": None,
            "U_TG_ID": None,
        }
        out.update({k: v for k, v in line.items() if k != "LineNum"})
        out["LineNum"] = n
        quantity = float(out["Quantity"])
        if quantity <= 0:
            raise SlError.business(
                f"Quantity must be positive [{es.line_table}.Quantity][line: {n + 1}]"
            )
        if out.get("UnitPrice") is None:
            if "Price" in line:
                out["UnitPrice"] = float(line["Price"])
            else:
                price_list = bp.get("PriceListNum") or 1
                out["UnitPrice"] = next(
                    (
                        p["Price"]
                        for p in item.get("ItemPrices", [])
                        if p["PriceList"] == price_list
                    ),
                    0.0,
                )
        unit = float(out["UnitPrice"])
        discount = float(out.get("DiscountPercent") or 0.0)
        out["Quantity"], out["UnitPrice"] = quantity, unit
        if "LineTotal" in line:
            out["LineTotal"] = round(float(line["LineTotal"]), 2)
            out["Price"] = round(out["LineTotal"] / quantity, 6)
        else:
            out["Price"] = round(unit * (1 - discount / 100), 6)
            out["LineTotal"] = round(quantity * out["Price"], 2)
        rate = self._tax_rate(tx, out.get("TaxCode"), f"[{es.line_table}.TaxCode][line: {n + 1}]")
        out["TaxTotal"] = float(
            (Decimal(str(out["LineTotal"])) * rate / 100).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        )
        out["PriceAfterVAT"] = round(out["Price"] * (1 + float(rate) / 100), 6)
        warehouse = out.get("WarehouseCode")
        if item.get("InventoryItem") == "tYES" and (
            not warehouse or not tx.exists(SETS["Warehouses"], warehouse)
        ):
            raise SlError.business(
                f"Invalid warehouse code '{warehouse}' [{es.line_table}.WhsCode][line: {n + 1}]"
            )
        self._account(tx, out.get("AccountCode"), f"[{es.line_table}.AcctCode][line: {n + 1}]")
        self._select_numbers(es, item, line, out, n)
        return out

    def _tax_rate(self, tx: Tx, code: Any, where: str) -> Decimal:
        """The rate of a sales tax code in percent (SAP computes tax per line, half-up)."""
        found = tx.get(SETS["SalesTaxCodes"], code) if code else None
        if found is None:
            raise SlError.business(f"Invalid tax code '{code}' {where}")
        return Decimal(str(found.get("Rate") or 0))

    def _move_stock(self, tx: Tx, es: EntitySet, lines: list[dict[str, Any]], sign: int) -> None:
        items_set = SETS["Items"]
        changed: dict[str, dict[str, Any]] = {}
        for n, line in enumerate(lines):
            code = line["ItemCode"]
            item = changed.get(code) or tx.get(items_set, code)
            if item is None or item.get("InventoryItem") != "tYES":
                continue
            changed[code] = item
            quantity = sign * float(line["Quantity"])
            warehouse = line.get("WarehouseCode")
            infos = item.setdefault("ItemWarehouseInfoCollection", [])
            info = next((w for w in infos if w["WarehouseCode"] == warehouse), None)
            if info is None:
                info = warehouse_info(code, str(warehouse))
                infos.append(info)
            info["InStock"] = _money(info["InStock"] + quantity)
            item["QuantityOnStock"] = _money(item.get("QuantityOnStock", 0.0) + quantity)
            if info["InStock"] < 0 and not self.negative_stock_allowed:
                raise SlError.business(
                    f"Quantity falls into negative inventory [{es.line_table}.ItemCode]"
                    f"[line: {n + 1}]"
                )
        for code, item in changed.items():
            tx.replace(items_set, code, item)

    def _apply_credit_to_base(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> list[list[Any]]:
        invoices = SETS["Invoices"]
        applied: dict[int, float] = {}
        for n, line in enumerate(doc["DocumentLines"]):
            if line.get("BaseType") != 13:
                continue
            base = tx.get(invoices, line.get("BaseEntry"))
            if base is None:
                raise SlError.business(
                    f"Base document does not exist [{es.line_table}.BaseEntry][line: {n + 1}]"
                )
            if base["CardCode"] != doc["CardCode"]:
                raise SlError.business("Base document card and target document card do not match")
            base_lines = base["DocumentLines"]
            if not any(b["LineNum"] == line.get("BaseLine") for b in base_lines):
                raise SlError.business(
                    f"Base document line does not exist [{es.line_table}.BaseLine][line: {n + 1}]"
                )
            applied[base["DocEntry"]] = applied.get(base["DocEntry"], 0.0) + line["LineTotal"]
        result = []
        for entry, amount in applied.items():
            base = tx.get(invoices, entry)
            assert base is not None
            amount = min(amount, round(base["DocTotal"] - base["PaidToDate"], 2))
            self._settle(tx, invoices, base, amount)
            result.append([entry, amount])
        return result

    def _cancel_document(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> None:
        if doc.get("Cancelled") == "tYES" or doc.get("CancelStatus") == "csCancellation":
            raise SlError.business("Document is already cancelled")
        if es.name == "Invoices":
            check_no_target_documents(tx, doc["DocEntry"])
        if es.name == "Invoices" and doc.get("PaidToDate", 0) > 0:
            raise SlError.business(
                "You cannot cancel fully or partially paid documents; cancel payments first"
            )
        self._move_stock(tx, es, doc["DocumentLines"], +1 if es.name == "Invoices" else -1)
        self._move_numbers(tx, doc["DocumentLines"], +1 if es.name == "Invoices" else -1)
        for entry, amount in doc.get("_applied", []):
            base = tx.get(SETS["Invoices"], entry)
            if base is not None:
                self._settle(tx, SETS["Invoices"], base, -amount)
        reversal = copy.deepcopy(doc)
        reversal.pop("_applied", None)
        entry, num = self._new_entry(tx, es)
        reversal.update(
            DocEntry=entry,
            DocNum=num,
            CancelStatus="csCancellation",
            DocumentStatus="bost_Close",
            Cancelled="tNO",
            PaidToDate=0.0,
        )
        for line in reversal["DocumentLines"]:
            line["DocEntry"] = entry
        self._stamp(reversal, created=True)
        tx.insert(es, entry, reversal)
        doc.update(Cancelled="tYES", CancelStatus="csCancelled", DocumentStatus="bost_Close")
        self._stamp(doc, created=False)
        tx.replace(es, doc["DocEntry"], doc)
