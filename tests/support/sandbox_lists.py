"""The sandbox company's lists (app.sandbox.demo) as a canned ListSource for tests and benches.

The client reads its lists live (``app.ui.live_lists``); GUI tests and the
screenshot benches that run no sandbox feed the forms from the demo data
instead, and every dialog fed from it says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.connectors.tagrain.records import TENDER_TYPES
from app.sandbox import demo
from app.ui.lists import CodeName, ListKind, find_in_rows

SANDBOX_CUSTOMERS = 100


def _title(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _rows(kind: ListKind) -> list[CodeName]:
    if kind is ListKind.PRICE_LISTS:
        return [CodeName(str(n), name) for n, name in demo.PRICE_LISTS]
    if kind is ListKind.CUSTOMERS:
        walk_in = demo.walk_in_customer()
        rows = [CodeName(walk_in.code, walk_in.name)]
        return rows + [CodeName(c.code, c.name) for c in demo.customers(SANDBOX_CUSTOMERS)]
    if kind is ListKind.TAX_CODES:
        return [CodeName(demo.TAX_CODE, "Exempt")]
    if kind is ListKind.ACCOUNTS:
        return [CodeName(a.code, a.name) for a in demo.ACCOUNTS]
    if kind is ListKind.CURRENCIES:
        return [CodeName(demo.CURRENCY, "US Dollar")]
    if kind is ListKind.CUSTOMER_GROUPS:
        return [CodeName(str(g.code), g.name) for g in demo.CUSTOMER_GROUPS]
    if kind is ListKind.WAREHOUSES:
        return [CodeName(w.code, w.name) for w in demo.WAREHOUSES]
    if kind is ListKind.CREDIT_CARDS:
        return [CodeName(str(n), name) for n, name, _account in demo.CREDIT_CARDS]
    if kind is ListKind.TAGRAIN_STORES:
        return [CodeName(s.code, s.name) for s in demo.STORES]
    if kind is ListKind.TENDER_TYPES:
        return [CodeName(code, name) for code, name in TENDER_TYPES]
    categories = [key for key, _account in demo.EXPENSE_CATEGORIES]
    categories.append(demo.UNMAPPED_EXPENSE_CATEGORY)
    return [CodeName(key, _title(key)) for key in categories]


class SandboxCompanyLists:
    """Lists of the sandbox company (demo data), the same for every template."""

    def rows(self, kind: ListKind, template_id: int | None) -> Sequence[CodeName]:
        """The sandbox company's rows of the list."""
        return _rows(kind)

    def find(self, kind: ListKind, template_id: int | None, code: str) -> CodeName | None:
        """The row of one code, looked up in the list's rows."""
        return find_in_rows(self.rows(kind, template_id), code)

    def origin(self, kind: ListKind) -> str:
        """Says plainly that these are demo rows, not the user's company."""
        if kind in (ListKind.TAGRAIN_STORES, ListKind.TENDER_TYPES, ListKind.EXPENSE_CATEGORIES):
            return "Sandbox Tagrain account (demo data, not read live)"
        return f"Sandbox company {demo.COMPANY_DB} (demo data, not read live from SAP)"
