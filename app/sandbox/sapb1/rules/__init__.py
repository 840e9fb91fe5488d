"""The business rules of the sandbox company: what SAP accepts, refuses and changes.

Creates, updates, deletes and actions (Cancel, Close) on every entity set, with
SL's codes and messages for the refusals a POS integration meets: unknown
business partner, item, warehouse or account; duplicate codes; unbalanced
journal entries; negative stock; deleting a document; adding a user
field without the right, while others are connected, or twice. Invoices take stock out
of each line's warehouse and credit memos put it back; payments and credit
memos settle invoices.

Each kind of entity has its own module: ``masters``, ``documents``,
``payments``, ``journals``, ``stock`` (goods receipts), ``user_fields``; branches,
posting periods and target documents are checked by small helpers of their own
(``branches``, ``periods``, ``targets``); ``Rules`` routes a request to them.
"""

from __future__ import annotations

import copy
from typing import Any

from app.sandbox.sapb1.entities import READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import ETAG_MISMATCH, SlError
from app.sandbox.sapb1.formats import etag, normalize_dates
from app.sandbox.sapb1.rules.documents import DocumentRules
from app.sandbox.sapb1.rules.journals import JournalRules
from app.sandbox.sapb1.rules.masters import MasterRules
from app.sandbox.sapb1.rules.payments import PaymentRules
from app.sandbox.sapb1.rules.periods import check_period_patch
from app.sandbox.sapb1.rules.stock import StockRules
from app.sandbox.sapb1.rules.user_fields import UserFieldRules
from app.sandbox.sapb1.store import Tx

_COLLECTION_KEYS = {
    "DocumentLines": ("LineNum",),
    "BPAddresses": ("AddressName", "AddressType"),
    "ItemPrices": ("PriceList",),
    "ItemWarehouseInfoCollection": ("WarehouseCode",),
    "JournalEntryLines": ("Line_ID",),
    "ContactEmployees": ("Name",),
}
_POSTED_LINE_FIELDS = ("ItemCode", "Quantity", "UnitPrice", "Price", "WarehouseCode")


class Rules(MasterRules, StockRules, DocumentRules, PaymentRules, JournalRules, UserFieldRules):
    """Applies SAP's rules to writes against one sandbox database transaction."""

    def create(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Add an entity; returns its stored key and whole body."""
        if not isinstance(body, dict):
            raise SlError.malformed("Invalid request body: a JSON object is expected")
        body = normalize_dates(body)
        self._check_user_fields(tx, es, body)
        self._check_lengths(es, body)
        if es.kind == "tracking":
            raise SlError.not_supported()
        if es.kind == "document":
            doc = self._create_document(tx, es, body)
        elif es.kind == "payment":
            doc = self._create_payment(tx, es, body)
        elif es.kind == "journal":
            doc = self._create_journal(tx, es, body)
        elif es.kind == "goods":
            doc = self._create_goods_receipt(tx, es, body)
        elif es.name == "UserFieldsMD":
            doc = self._create_user_field(tx, es, body)
        else:
            doc = self._create_master(tx, es, body)
        key = self.key_of(es, doc)
        tx.insert(es, key, doc)
        return key, doc

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
        if es.name == "FinancePeriods":
            check_period_patch(patch)
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
        if es.name == "UserFieldsMD":
            self.user_fields_changed(tx)
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
        if es.name == "UserFieldsMD":
            self.user_fields_changed(tx)

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
