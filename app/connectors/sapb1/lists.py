"""Lists a user picks SAP codes from: Choose From List rows, browsing and selection ranges.

The forms (Choose From List, master-data browsing, the marking criteria) read
SAP page by page through these helpers; they never post anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from app.connectors.sapb1.client import ServiceLayerClient
from app.connectors.sapb1.odata import literal, quote
from app.connectors.sapb1.records import SapListedRecord, item_type

CHOICE_LISTS: dict[str, tuple[str, str, str, str | None]] = {
    "price_lists": ("PriceLists", "PriceListNo", "PriceListName", None),
    "customers": ("BusinessPartners", "CardCode", "CardName", "CardType eq 'cCustomer'"),
    "tax_codes": ("SalesTaxCodes", "Code", "Name", None),
    "accounts": ("ChartOfAccounts", "Code", "Name", None),
    "customer_groups": (
        "BusinessPartnerGroups",
        "Code",
        "Name",
        "Type eq 'bbpgt_CustomerGroup'",
    ),
    "warehouses": ("Warehouses", "WarehouseCode", "WarehouseName", None),
    "credit_cards": ("CreditCards", "CreditCardCode", "CreditCardName", None),
    "currencies": ("Currencies", "Code", "Name", None),
    "branches": ("BusinessPlaces", "BPLID", "BPLName", "Disabled eq 'tNO'"),
}
"""SAP lists a user picks codes from: entity set, code and name properties, filter."""

CHECKED_LISTS: dict[str, tuple[str, str, str, str | None]] = {
    "branches": ("BusinessPlaces", "BPLID", "BPLName", None),
    "payment_terms": ("PaymentTermsTypes", "GroupNumber", "PaymentTermsGroupName", None),
    "items": ("Items", "ItemCode", "ItemName", None),
}
"""Lists whose codes are checked but not (yet) picked from: entity set, code, name, filter."""
CODES_PER_FILTER = 40

BROWSE_STEPS = ("first", "previous", "next", "last")
_BROWSABLE: dict[str, tuple[str, str, str, str | None]] = {
    "customers": CHOICE_LISTS["customers"],
    "items": ("Items", "ItemCode", "ItemName", None),
}
"""Master records a form browses: entity set, code and name properties, filter."""


class SapLists:
    """Read-only lists of one SAP company for the forms: choices, browsing, ranges."""

    client: ServiceLayerClient

    def choices(self, kind: str, limit: int = 5000) -> list[tuple[str, str]]:
        """Code and name rows for a Choose From List: ``kind`` is one of CHOICE_LISTS."""
        entity, code_field, name_field, condition = CHOICE_LISTS[kind]
        rows = []
        for raw in self.client.iter_entities(
            entity,
            filter=condition,
            select=[code_field, name_field],
            orderby=code_field,
            page_size=500,
        ):
            rows.append((str(raw[code_field]), str(raw.get(name_field) or "")))
            if len(rows) >= limit:
                break
        return rows

    def existing_codes(self, kind: str, codes: Iterable[str | int]) -> dict[str, str]:
        """Which of ``codes`` exist in the list ``kind``: SAP's spelling of each code → its name.

        One GET per 40 codes (``Code eq A or Code eq B ...``), not one per code.
        Numeric lists (price lists, groups, credit cards, branches) take ints.
        ``kind`` is one of CHOICE_LISTS or CHECKED_LISTS.
        """
        entity, code_field, name_field, condition = CHOICE_LISTS.get(kind) or CHECKED_LISTS[kind]
        wanted = list(dict.fromkeys(codes))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), CODES_PER_FILTER):
            chunk = wanted[start : start + CODES_PER_FILTER]
            listed = " or ".join(f"{code_field} eq {literal(code)}" for code in chunk)
            where = f"{condition} and ({listed})" if condition else listed
            for raw in self.client.iter_entities(
                entity, filter=where, select=[code_field, name_field], page_size=500
            ):
                found[str(raw[code_field])] = str(raw.get(name_field) or "")
        return found

    def customers_in_ranges(
        self,
        code_range: tuple[str, str] = ("", ""),
        group_range: tuple[int | None, int | None] = (None, None),
        page_size: int = 500,
    ) -> Iterator[SapListedRecord]:
        """Customers by code range and group range (bounds inclusive, empty = open), by code."""
        conditions = ["CardType eq 'cCustomer'"]
        conditions += _range_conditions("CardCode", "GroupCode", code_range, group_range)
        for raw in self._keyset_pages(
            "BusinessPartners",
            "CardCode",
            conditions,
            ["CardCode", "CardName", "GroupCode"],
            page_size,
        ):
            yield SapListedRecord(
                raw["CardCode"], raw.get("CardName") or "", int(raw.get("GroupCode") or 0)
            )

    def items_in_ranges(
        self,
        code_range: tuple[str, str] = ("", ""),
        group_range: tuple[int | None, int | None] = (None, None),
        page_size: int = 500,
    ) -> Iterator[SapListedRecord]:
        """Items by code range and item group range (bounds inclusive, empty = open), by code."""
        conditions = _range_conditions("ItemCode", "ItemsGroupCode", code_range, group_range)
        for raw in self._keyset_pages(
            "Items",
            "ItemCode",
            conditions,
            [
                "ItemCode",
                "ItemName",
                "ItemsGroupCode",
                "InventoryItem",
                "ManageSerialNumbers",
                "ManageBatchNumbers",
            ],
            page_size,
        ):
            yield SapListedRecord(
                raw["ItemCode"],
                raw.get("ItemName") or "",
                int(raw.get("ItemsGroupCode") or 0),
                item_type(raw),
            )

    def _keyset_pages(
        self, entity: str, key: str, conditions: list[str], fields: list[str], page_size: int
    ) -> Iterator[dict[str, Any]]:
        """Entities by key, each page asked for as "key after the last one" ($top, no $skip).

        A $skip makes the server walk every row before the page again; asking
        for the rows after the last key keeps a 100,000-row read linear.
        """
        last: str | None = None
        while True:
            where = [*conditions, f"{key} gt {quote(last)}"] if last is not None else conditions
            pages = self.client.iter_pages(
                entity,
                filter=" and ".join(where) or None,
                select=fields,
                orderby=key,
                top=page_size,
                page_size=page_size,
            )
            page = next(pages, [])
            yield from page
            if len(page) < page_size:
                return
            last = str(page[-1][key])

    def item_choices(self, limit: int = 5000) -> list[tuple[str, str]]:
        """Item code and name rows for a Choose From List, by code."""
        rows = []
        for raw in self.client.iter_entities(
            "Items", select=["ItemCode", "ItemName"], orderby="ItemCode", page_size=500
        ):
            rows.append((str(raw["ItemCode"]), str(raw.get("ItemName") or "")))
            if len(rows) >= limit:
                break
        return rows

    def browse_code(self, kind: str, step: str, code: str | None = None) -> str | None:
        """The first, previous, next or last customer or item code, for browsing a master record.

        ``kind`` is "customers" or "items"; ``step`` one of BROWSE_STEPS. Previous
        and next are taken from ``code`` (without it they mean first and last).
        None when there is no such record.
        """
        if step not in BROWSE_STEPS:
            raise ValueError(f"unknown browse step {step!r}")
        entity, key, _name, condition = _BROWSABLE[kind]
        conditions = [condition] if condition else []
        backwards = step in ("previous", "last")
        if code is not None and step in ("previous", "next"):
            conditions.append(f"{key} {'lt' if backwards else 'gt'} {quote(code)}")
        return self._first_code(entity, key, conditions, backwards)

    def find_code(self, kind: str, text: str) -> str | None:
        """The customer or item a user means by ``text``: its code, a code start, or part of a name.

        The exact code wins, then the first code starting with the text, then
        the first record (by code) whose name contains it. None when nothing matches.
        """
        entity, key, name, condition = _BROWSABLE[kind]
        wanted = quote(text)
        name_part = (
            f"substringof({wanted},{name})"
            if self.client.settings.version == "v1"
            else f"contains({name},{wanted})"
        )
        for match in (f"{key} eq {wanted}", f"startswith({key},{wanted})", name_part):
            conditions = [condition, match] if condition else [match]
            found = self._first_code(entity, key, conditions, backwards=False)
            if found is not None:
                return found
        return None

    def _first_code(
        self, entity: str, key: str, conditions: list[str], backwards: bool
    ) -> str | None:
        page = next(
            self.client.iter_pages(
                entity,
                filter=" and ".join(conditions) or None,
                select=[key],
                orderby=f"{key} desc" if backwards else key,
                top=1,
            ),
            [],
        )
        return str(page[0][key]) if page else None


def _range_conditions(
    code_field: str,
    group_field: str,
    code_range: tuple[str, str],
    group_range: tuple[int | None, int | None],
) -> list[str]:
    conditions = []
    low, high = code_range
    if low:
        conditions.append(f"{code_field} ge {quote(low)}")
    if high:
        conditions.append(f"{code_field} le {quote(high)}")
    group_low, group_high = group_range
    if group_low is not None:
        conditions.append(f"{group_field} ge {int(group_low)}")
    if group_high is not None:
        conditions.append(f"{group_field} le {int(group_high)}")
    return conditions
