"""The business rules of the sandbox company: what SAP accepts, refuses and changes.

Creates, updates, deletes and actions (Cancel, Close) on every entity set, with
SL's codes and messages for the refusals a POS integration meets: unknown
business partner, item, warehouse or account; duplicate codes; unbalanced
journal entries; negative stock; deleting a document. Invoices take stock out
of each line's warehouse and credit memos put it back; payments and credit
memos settle invoices.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.sandbox import demo
from app.sandbox.sapb1.entities import ENTITY_SETS, READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import ETAG_MISMATCH, SlError
from app.sandbox.sapb1.formats import etag, normalize_dates
from app.sandbox.sapb1.seed import new_body, warehouse_info
from app.sandbox.sapb1.store import Tx

SALES_ACCOUNT = "_SYS00000000400"
SERIES_PREFIX = {"BusinessPartners": "S", "Items": "I"}
"""Codes a numbering series hands out when a POST leaves the code empty: ``S<series>-000001``."""
_COLLECTION_KEYS = {
    "DocumentLines": ("LineNum",),
    "BPAddresses": ("AddressName", "AddressType"),
    "ItemPrices": ("PriceList",),
    "ItemWarehouseInfoCollection": ("WarehouseCode",),
    "JournalEntryLines": ("Line_ID",),
    "ContactEmployees": ("Name",),
}
_POSTED_LINE_FIELDS = ("ItemCode", "Quantity", "UnitPrice", "Price", "WarehouseCode")
_SETS = ENTITY_SETS


FIELD_LENGTHS: dict[str, dict[str, int]] = {
    "BusinessPartners": {"CardName": 100},
    "Items": {"ItemName": 200},
}
"""Column sizes SL enforces on the strings most likely to be too long (names)."""


def _money(value: float) -> float:
    return round(float(value) + 0.0, 6)


class Rules:
    """Applies SAP's rules to writes against one sandbox database transaction."""

    def __init__(self, clock: Callable[[], dt.datetime], negative_stock_allowed: bool) -> None:
        self.clock = clock
        self.negative_stock_allowed = negative_stock_allowed

    def _stamp(self, body: dict[str, Any], created: bool) -> None:
        now = self.clock().replace(microsecond=0)
        date, time = now.date().isoformat(), now.strftime("%H:%M:%S")
        body["UpdateDate"], body["UpdateTime"] = date, time
        if created:
            for name, value in (("CreateDate", date), ("CreateTime", time), ("CreationDate", date)):
                if name in body:
                    body[name] = value

    def _today(self) -> str:
        return self.clock().date().isoformat()

    # --- lookups -------------------------------------------------------------

    def user_fields(self, tx: Tx, table: str) -> set[str]:
        """The ``U_`` properties registered on an SAP table through UserFieldsMD."""
        return {
            f"U_{f['Name']}" for f in tx.query(_SETS["UserFieldsMD"]) if f.get("TableName") == table
        }

    def _check_user_fields(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> None:
        wanted = [k for k in body if k.startswith("U_")]
        if not wanted:
            return
        known = self.user_fields(tx, es.table)
        for name in wanted:
            if name not in known:
                raise SlError.malformed(f"Property '{name}' of '{es.entity_type}' is invalid")

    @staticmethod
    def _check_lengths(es: EntitySet, body: dict[str, Any]) -> None:
        """SL refuses a string longer than its column (e.g. OCRD.CardName, 100 characters)."""
        for name, limit in FIELD_LENGTHS.get(es.name, {}).items():
            value = body.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise SlError.malformed(
                    f"Value too long in property '{name}' of '{es.entity_type}'"
                )

    def _partner(self, tx: Tx, es: EntitySet, code: Any) -> dict[str, Any]:
        bp = tx.get(_SETS["BusinessPartners"], code) if code else None
        if bp is None:
            raise SlError.business(f"Invalid BP code '{code}' [{es.table}.CardCode]")
        return bp

    def _account(self, tx: Tx, code: Any, where: str) -> None:
        if not code or not tx.exists(_SETS["ChartOfAccounts"], code):
            raise SlError.business(f"Invalid account code '{code}' {where}")

    # --- create ---------------------------------------------------------------

    def create(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Add an entity; returns its stored key and whole body."""
        if not isinstance(body, dict):
            raise SlError.malformed("Invalid request body: a JSON object is expected")
        body = normalize_dates(body)
        self._check_user_fields(tx, es, body)
        self._check_lengths(es, body)
        if es.kind == "document":
            doc = self._create_document(tx, es, body)
        elif es.kind == "payment":
            doc = self._create_payment(tx, es, body)
        elif es.kind == "journal":
            doc = self._create_journal(tx, es, body)
        elif es.name == "UserFieldsMD":
            doc = self._create_user_field(tx, es, body)
        else:
            doc = self._create_master(tx, es, body)
        key = self.key_of(es, doc)
        tx.insert(es, key, doc)
        return key, doc

    @staticmethod
    def key_of(es: EntitySet, doc: dict[str, Any]) -> Any:
        """The stored key of an entity body."""
        if len(es.key) == 1:
            return doc[es.key[0]]
        return "|".join(str(doc[k]) for k in es.key)

    def _create_master(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        key_name = es.key[0]
        if es.key_is_int and doc.get(key_name) is None:
            doc[key_name] = tx.max_key(es) + 1
        if not doc.get(key_name) and "Series" in body and es.name in SERIES_PREFIX:
            doc[key_name] = self._next_in_series(tx, es, int(body["Series"]))
        key = doc.get(key_name)
        if key in (None, ""):
            raise SlError.business(
                f"Enter a value in the field '{key_name}' [{es.table}.{key_name}]"
            )
        if tx.exists(es, key):
            if es.name == "BusinessPartners":
                raise SlError.business(
                    f"1320000140 - Business partner code '{key}' already assigned to a "
                    "business partner; enter a unique business partner code"
                )
            if es.name == "Items":
                raise SlError.business(f"Item code '{key}' already exists")
            raise SlError.duplicate()
        if es.name == "Items":
            self._complete_item(tx, doc)
        if "UpdateDate" in doc:
            self._stamp(doc, created=True)
        return doc

    def _next_in_series(self, tx: Tx, es: EntitySet, series: int) -> str:
        """The next free code of a numbering series (SL assigns it when the code is left out)."""
        while True:
            number = tx.next_number(f"{es.name}.Series.{series}")
            code = f"{SERIES_PREFIX[es.name]}{series}-{number:06d}"
            if not tx.exists(es, code):
                return code

    def _complete_item(self, tx: Tx, doc: dict[str, Any]) -> None:
        given_prices = {p.get("PriceList"): p for p in doc.get("ItemPrices") or []}
        prices = []
        for pl in tx.query(_SETS["PriceLists"]):
            number = pl["PriceListNo"]
            price = {
                "PriceList": number,
                "Price": 0.0,
                "Currency": demo.CURRENCY,
                "AdditionalPrice1": 0.0,
                "AdditionalCurrency1": None,
                "AdditionalPrice2": 0.0,
                "AdditionalCurrency2": None,
                "BasePriceList": number,
                "Factor": 1.0,
                "UoMPrices": [],
            }
            price.update(given_prices.get(number, {}))
            prices.append(price)
        doc["ItemPrices"] = prices
        doc["QuantityOnStock"] = 0.0
        if doc.get("InventoryItem") == "tYES":
            doc["ItemWarehouseInfoCollection"] = [
                warehouse_info(doc["ItemCode"], w["WarehouseCode"])
                for w in tx.query(_SETS["Warehouses"])
            ]
        else:
            doc["ItemWarehouseInfoCollection"] = []
        if doc.get("BarCode") and not doc.get("ItemBarCodeCollection"):
            doc["ItemBarCodeCollection"] = [
                {
                    "AbsEntry": tx.next_number("BarCodes") + 1_000_000,
                    "UoMEntry": -1,
                    "Barcode": doc["BarCode"],
                    "FreeText": None,
                }
            ]

    def _create_user_field(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        table, name = body.get("TableName"), body.get("Name")
        if not table or not name:
            raise SlError.business("Enter a table name and a field name [CUFD.TableID]")
        table = str(table)
        if f"U_{name}" in self.user_fields(tx, table):
            raise SlError.duplicate()
        doc = new_body(es.name)
        doc.update(body)
        doc["TableName"] = table
        doc["FieldID"] = (
            max([f["FieldID"] for f in tx.query(es) if f.get("TableName") == table], default=-1) + 1
        )
        return doc

    def _new_entry(self, tx: Tx, es: EntitySet) -> tuple[int, int]:
        return tx.next_number(f"{es.name}.DocEntry"), tx.next_number(f"{es.name}.DocNum")

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
        lines = [self._document_line(tx, es, bp, line, n) for n, line in enumerate(lines_in)]
        subtotal = sum(line["LineTotal"] for line in lines)
        vat = round(sum(line["TaxTotal"] for line in lines), 2)
        discount = float(doc.get("DiscountPercent") or 0.0)
        doc["DocTotal"] = round(subtotal * (1 - discount / 100) + vat, 2)
        doc["VatSum"] = vat
        doc["PaidToDate"] = 0.0
        doc["DocumentLines"] = lines
        self._move_stock(tx, es, lines, -1 if es.name == "Invoices" else +1)
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
        item = tx.get(_SETS["Items"], line.get("ItemCode")) if line.get("ItemCode") else None
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
            not warehouse or not tx.exists(_SETS["Warehouses"], warehouse)
        ):
            raise SlError.business(
                f"Invalid warehouse code '{warehouse}' [{es.line_table}.WhsCode][line: {n + 1}]"
            )
        self._account(tx, out.get("AccountCode"), f"[{es.line_table}.AcctCode][line: {n + 1}]")
        return out

    def _tax_rate(self, tx: Tx, code: Any, where: str) -> Decimal:
        """The rate of a sales tax code in percent (SAP computes tax per line, half-up)."""
        found = tx.get(_SETS["SalesTaxCodes"], code) if code else None
        if found is None:
            raise SlError.business(f"Invalid tax code '{code}' {where}")
        return Decimal(str(found.get("Rate") or 0))

    def _move_stock(self, tx: Tx, es: EntitySet, lines: list[dict[str, Any]], sign: int) -> None:
        items_set = _SETS["Items"]
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
        invoices = _SETS["Invoices"]
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

    def _settle(self, tx: Tx, es: EntitySet, doc: dict[str, Any], amount: float) -> None:
        doc["PaidToDate"] = round(doc["PaidToDate"] + amount, 2)
        open_amount = round(doc["DocTotal"] - doc["PaidToDate"], 2)
        doc["DocumentStatus"] = "bost_Close" if open_amount <= 0 else "bost_Open"
        tx.replace(es, doc["DocEntry"], doc)

    def _create_payment(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        if doc.get("DocType") != "rAccount":
            bp = self._partner(tx, es, doc.get("CardCode"))
            doc["CardName"] = doc.get("CardName") or bp["CardName"]
        doc["DocDate"] = doc.get("DocDate") or self._today()
        doc["DueDate"] = doc.get("DueDate") or doc["DocDate"]
        doc["TaxDate"] = doc.get("TaxDate") or doc["DocDate"]
        total = 0.0
        if float(doc.get("CashSum") or 0):
            self._account(tx, doc.get("CashAccount"), f"[{es.table}.CashAcct]")
            total += float(doc["CashSum"])
        if float(doc.get("TransferSum") or 0):
            self._account(tx, doc.get("TransferAccount"), f"[{es.table}.TrsfrAcct]")
            total += float(doc["TransferSum"])
        for n, card in enumerate(doc.get("PaymentCreditCards") or []):
            if not tx.exists(_SETS["CreditCards"], card.get("CreditCard")):
                raise SlError.business(
                    f"Invalid credit card code '{card.get('CreditCard')}' "
                    f"[RCT3.CreditCard][line: {n + 1}]"
                )
            total += float(card.get("CreditSum") or 0)
        for check in doc.get("PaymentChecks") or []:
            total += float(check.get("CheckSum") or 0)
        for n, acct in enumerate(doc.get("PaymentAccounts") or []):
            self._account(tx, acct.get("AccountCode"), f"[RCT4.AcctCode][line: {n + 1}]")
        doc["DocTotal"] = round(total, 2)
        applied = []
        for n, pi in enumerate(doc.get("PaymentInvoices") or []):
            target_name = "CreditNotes" if pi.get("InvoiceType") == "it_CredItnote" else "Invoices"
            target = _SETS[target_name]
            inv = tx.get(target, pi.get("DocEntry"))
            if inv is None or inv.get("Cancelled") == "tYES":
                raise SlError.business(
                    f"Invalid document number '{pi.get('DocEntry')}' "
                    f"[{es.line_table}.DocEntry][line: {n + 1}]"
                )
            if inv["CardCode"] != doc.get("CardCode"):
                raise SlError.business(
                    "Business partner of the document and of the payment do not match"
                )
            amount = float(pi.get("SumApplied") or 0)
            open_amount = round(inv["DocTotal"] - inv["PaidToDate"], 2)
            if amount > open_amount + 0.005:
                raise SlError.business(
                    f"Amount applied exceeds the open balance of the "
                    f"document [{es.line_table}.SumApplied][line: {n + 1}]"
                )
            self._settle(tx, target, inv, amount)
            applied.append([target_name, inv["DocEntry"], amount])
        doc["_applied"] = applied
        entry, num = self._new_entry(tx, es)
        doc["DocEntry"], doc["DocNum"] = entry, num
        self._stamp(doc, created=True)
        return doc

    def _create_journal(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        doc = new_body(es.name)
        doc.update({k: v for k, v in body.items() if k not in READ_ONLY})
        lines = doc.get("JournalEntryLines") or []
        if len(lines) < 2:
            raise SlError.business("A journal entry needs at least two rows [JDT1.Account]")
        debit = credit = 0.0
        out = []
        for n, line in enumerate(lines):
            account = line.get("AccountCode")
            short = line.get("ShortName")
            if short and short != account:
                bp = tx.get(_SETS["BusinessPartners"], short)
                if bp is None:
                    raise SlError.business(
                        f"Invalid BP code '{short}' [JDT1.ShortName][line: {n + 1}]"
                    )
                account = account or bp.get("DebitorAccount")
            self._account(tx, account, f"[JDT1.Account][line: {n + 1}]")
            row = {
                "Line_ID": n,
                "AccountCode": account,
                "Debit": 0.0,
                "Credit": 0.0,
                "ShortName": short or account,
                "LineMemo": None,
                "Reference1": None,
                "Reference2": None,
                "DueDate": None,
                "TaxDate": None,
                "CostingCode": None,
            }
            row.update({k: v for k, v in line.items() if k != "Line_ID"})
            row["AccountCode"] = account
            debit += float(row["Debit"] or 0)
            credit += float(row["Credit"] or 0)
            out.append(row)
        if round(debit - credit, 2) != 0:
            raise SlError.business("Unbalanced transaction")
        doc["JournalEntryLines"] = out
        doc["ReferenceDate"] = doc.get("ReferenceDate") or self._today()
        doc["DueDate"] = doc.get("DueDate") or doc["ReferenceDate"]
        doc["TaxDate"] = doc.get("TaxDate") or doc["ReferenceDate"]
        number = tx.next_number("JournalEntries.JdtNum")
        doc["JdtNum"] = doc["Number"] = number
        self._stamp(doc, created=True)
        return doc

    # --- update and delete -----------------------------------------------------

    def update(
        self, tx: Tx, es: EntitySet, key: Any, patch: Any, if_match: str | None = None
    ) -> dict[str, Any]:
        """Merge ``patch`` into an entity (SL's PATCH), stamping UpdateDate/UpdateTime."""
        if not isinstance(patch, dict):
            raise SlError.malformed("Invalid request body: a JSON object is expected")
        doc = tx.get(es, key)
        if doc is None:
            raise SlError.not_found()
        if if_match and if_match != "*" and if_match != etag(doc):
            raise SlError(412, -2039, ETAG_MISMATCH)
        patch = normalize_dates(patch)
        self._check_user_fields(tx, es, patch)
        self._check_lengths(es, patch)
        for name, value in patch.items():
            if name in READ_ONLY or name in es.key or name.startswith("_"):
                continue
            if name in _COLLECTION_KEYS and isinstance(value, list):
                doc[name] = self._merge_lines(es, name, doc.get(name) or [], value)
            else:
                doc[name] = value
        if "UpdateDate" in doc:
            self._stamp(doc, created=False)
        tx.replace(es, key, doc)
        return doc

    def _merge_lines(
        self, es: EntitySet, name: str, current: list[dict[str, Any]], patch: list[Any]
    ) -> list[dict[str, Any]]:
        ids = _COLLECTION_KEYS[name]
        merged = copy.deepcopy(current)
        for n, row in enumerate(patch):
            if not isinstance(row, dict):
                raise SlError.malformed(f"Invalid row in {name}")
            match = None
            if all(k in row for k in ids):
                match = next((m for m in merged if all(m.get(k) == row[k] for k in ids)), None)
            if es.is_document and (
                match is None
                or any(k in row and row[k] != match.get(k) for k in _POSTED_LINE_FIELDS)
            ):
                raise SlError.business(
                    f"Cannot update a posted document's rows "
                    f"[{es.line_table}.ItemCode][line: {n + 1}]"
                )
            if match is None:
                merged.append(dict(row))
            else:
                match.update({k: v for k, v in row.items() if k not in {"InStock"}})
        return merged

    def delete(self, tx: Tx, es: EntitySet, key: Any) -> None:
        """DELETE: refused for documents (-5006), allowed for master data."""
        if es.undeletable:
            raise SlError.not_supported()
        if not tx.exists(es, key):
            raise SlError.not_found()
        tx.delete(es, key)

    # --- actions ---------------------------------------------------------------

    def action(self, tx: Tx, es: EntitySet, key: Any, name: str) -> None:
        """``POST <Set>(key)/<Action>``: Cancel (documents, payments, journals) or Close."""
        doc = tx.get(es, key)
        if doc is None:
            raise SlError.not_found()
        if name == "Cancel" and es.cancellable:
            {
                "document": self._cancel_document,
                "payment": self._cancel_payment,
                "journal": self._cancel_journal,
            }[es.kind](tx, es, doc)
        elif name == "Close" and es.is_document:
            if doc["DocumentStatus"] == "bost_Close":
                raise SlError.business("Document is already closed")
            doc["DocumentStatus"] = "bost_Close"
            self._stamp(doc, created=False)
            tx.replace(es, key, doc)
        else:
            raise SlError(404, -1000, f"Action '{name}' of '{es.entity_type}' is invalid")

    def _cancel_document(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> None:
        if doc.get("Cancelled") == "tYES" or doc.get("CancelStatus") == "csCancellation":
            raise SlError.business("Document is already cancelled")
        if es.name == "Invoices" and doc.get("PaidToDate", 0) > 0:
            raise SlError.business(
                "Cannot cancel a document that is linked to a payment or "
                "a credit memo; cancel those first"
            )
        self._move_stock(tx, es, doc["DocumentLines"], +1 if es.name == "Invoices" else -1)
        for entry, amount in doc.get("_applied", []):
            base = tx.get(_SETS["Invoices"], entry)
            if base is not None:
                self._settle(tx, _SETS["Invoices"], base, -amount)
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

    def _cancel_payment(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> None:
        if doc.get("Cancelled") == "tYES":
            raise SlError.business("Payment is already cancelled")
        for target_name, entry, amount in doc.get("_applied", []):
            target = tx.get(_SETS[target_name], entry)
            if target is not None:
                self._settle(tx, _SETS[target_name], target, -amount)
        doc["Cancelled"] = "tYES"
        self._stamp(doc, created=False)
        tx.replace(es, doc["DocEntry"], doc)

    def _cancel_journal(self, tx: Tx, es: EntitySet, doc: dict[str, Any]) -> None:
        if doc.get("StornoDate"):
            raise SlError.business("Journal entry is already reversed")
        reversal = copy.deepcopy(doc)
        for line in reversal["JournalEntryLines"]:
            line["Debit"], line["Credit"] = line["Credit"], line["Debit"]
        number = tx.next_number("JournalEntries.JdtNum")
        reversal.update(
            JdtNum=number,
            Number=number,
            Memo=f"Cancellation of {doc['JdtNum']}",
            Reference=str(doc["JdtNum"]),
            StornoDate=None,
        )
        self._stamp(reversal, created=True)
        tx.insert(es, number, reversal)
        doc["StornoDate"] = self._today()
        self._stamp(doc, created=False)
        tx.replace(es, doc["JdtNum"], doc)
