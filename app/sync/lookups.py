"""Live code lists for the client's Choose From List and mappings: read from SAP and Tagrain.

The GUI asks by list name; this module answers from the template's own SAP
company and Tagrain account, so a user picks codes that exist, not demo data.
"""

from __future__ import annotations

from itertools import islice

from app.connectors.tagrain.records import TENDER_TYPES, Store
from app.store import Database
from app.sync.context import SyncContext
from app.sync.jobs.errors import translate_errors

SAP_LISTS = (
    "price_lists",
    "customers",
    "tax_codes",
    "accounts",
    "customer_groups",
    "warehouses",
    "credit_cards",
    "currencies",
)
NUMERIC_LISTS = frozenset({"price_lists", "customer_groups", "credit_cards"})
"""SAP lists whose codes are numbers (a typed "abc" is no code of theirs)."""
EXPENSES_SCANNED = 5000


def _store_row(store: Store) -> tuple[str, str]:
    return store.id, f"{store.code} - {store.name}"


def choices(database: Database, template_id: int, kind: str) -> list[tuple[str, str]]:
    """Code and name rows of one list for a template (raises SyncError with a reason)."""
    ctx = SyncContext(database, template_id)
    try:
        with translate_errors():
            if kind in SAP_LISTS:
                return ctx.sap.choices(kind)
            if kind == "tagrain_stores":
                return [_store_row(s) for s in ctx.tagrain.list_stores()]
            if kind == "tender_types":
                return list(TENDER_TYPES)
            if kind == "expense_categories":
                # Tagrain has no list of categories: the ones used so far, plus the mapped ones
                recent = islice(ctx.tagrain.iter_expenses(), EXPENSES_SCANNED)
                seen = sorted({e.category for e in recent})
                mapped = sorted(set(ctx.rules.expenses) - set(seen))
                return [(c, c.replace("_", " ").capitalize()) for c in [*seen, *mapped]]
    finally:
        ctx.close()
    raise LookupError(f"unknown list {kind!r}")


def find_code(database: Database, template_id: int, kind: str, code: str) -> tuple[str, str] | None:
    """One code of a list as SAP spells it, with its name; None when the list has no such code.

    SAP lists are asked for that code alone (a code field checked as the user
    leaves it); other lists are read and searched.
    """
    if kind not in SAP_LISTS:
        rows = choices(database, template_id, kind)
        return next(((c, n) for c, n in rows if c.casefold() == code.casefold()), None)
    if kind in NUMERIC_LISTS and not code.strip().isdigit():
        return None
    wanted: str | int = int(code) if kind in NUMERIC_LISTS else code
    ctx = SyncContext(database, template_id)
    try:
        with translate_errors():
            found = ctx.sap.existing_codes(kind, [wanted])
    finally:
        ctx.close()
    return next(((c, n) for c, n in found.items() if c.casefold() == str(wanted).casefold()), None)
