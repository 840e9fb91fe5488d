"""Rules for master data: business partners, items, groups and the other master sets."""

from __future__ import annotations

from typing import Any

from app.sandbox import demo
from app.sandbox.sapb1.entities import READ_ONLY, EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS, RuleBase
from app.sandbox.sapb1.seed import new_body, warehouse_info
from app.sandbox.sapb1.store import Tx

SERIES_PREFIX = {"BusinessPartners": "S", "Items": "I"}
"""Codes a numbering series hands out when a POST leaves the code empty: ``S<series>-000001``."""


class MasterRules(RuleBase):
    """Adds master records: unique codes, numbering series, an item's prices and warehouses."""

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
        for pl in tx.query(SETS["PriceLists"]):
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
                for w in tx.query(SETS["Warehouses"])
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
