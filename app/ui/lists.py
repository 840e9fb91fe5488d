"""Code/name lists for Choose From List and for the Tagrain side of the mappings.

Forms never know where a list comes from: they ask a ``ListSource`` by kind.
The client's source reads each list live from the template's SAP company and
Tagrain account (``app.ui.live_lists``); tests inject canned ones.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


class ListKind(enum.StrEnum):
    """The lists a form can ask for."""

    PRICE_LISTS = "price_lists"
    CUSTOMERS = "customers"
    TAX_CODES = "tax_codes"
    ACCOUNTS = "accounts"
    CURRENCIES = "currencies"
    CUSTOMER_GROUPS = "customer_groups"
    WAREHOUSES = "warehouses"
    CREDIT_CARDS = "credit_cards"
    TAGRAIN_STORES = "tagrain_stores"
    TENDER_TYPES = "tender_types"
    EXPENSE_CATEGORIES = "expense_categories"


LIST_TITLES: dict[ListKind, str] = {
    ListKind.PRICE_LISTS: "List of Price Lists",
    ListKind.CUSTOMERS: "List of Business Partners",
    ListKind.TAX_CODES: "List of Tax Codes",
    ListKind.ACCOUNTS: "List of G/L Accounts",
    ListKind.CURRENCIES: "List of Currencies",
    ListKind.CUSTOMER_GROUPS: "List of Customer Groups",
    ListKind.WAREHOUSES: "List of Warehouses",
    ListKind.CREDIT_CARDS: "List of Credit Cards",
    ListKind.TAGRAIN_STORES: "List of Tagrain Stores",
    ListKind.TENDER_TYPES: "List of Tagrain Tender Types",
    ListKind.EXPENSE_CATEGORIES: "List of Tagrain Expense Categories",
}


@dataclass(frozen=True)
class CodeName:
    """One row of a list: the code a field stores and the name a user recognises."""

    code: str
    name: str


RowProvider = Callable[[], Sequence[CodeName]]
"""What a Choose From List dialog reads its rows from (called each time it opens)."""


class ListSource(Protocol):
    """Where the lists of one template come from."""

    def rows(self, kind: ListKind, template_id: int | None) -> Sequence[CodeName]:
        """The rows of a list for a template (may raise; the caller shows the message)."""
        ...

    def find(self, kind: ListKind, template_id: int | None, code: str) -> CodeName | None:
        """The row of one typed code as the list spells it; None when unknown (may raise)."""
        ...

    def origin(self, kind: ListKind) -> str:
        """Where the rows come from, shown above the grid (e.g. "Sandbox company")."""
        ...


def find_in_rows(rows: Sequence[CodeName], code: str) -> CodeName | None:
    """The row whose code is ``code`` (ignoring case, as SAP's usual collation does)."""
    wanted = code.strip().casefold()
    return next((row for row in rows if row.code.casefold() == wanted), None)
