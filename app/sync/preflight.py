"""Pre-flight: every SAP code a template names is checked to exist before anything is posted.

A wrong code in General Settings or the Mappings (a price list 99, a cash
customer NOSUCHCUST) would otherwise fail every record of a run one by one
with SAP's "Invalid BP code". The runner calls ``require`` before it reads or
writes anything: a missing code is one run-level error that names the form
and the field to fix. The forms call ``check_general`` / ``check_mappings``
with the values about to be saved, so the same checks refuse the save.

Each list is asked once, for all its codes at a time (one ``$filter`` per list
through ``SapCompany.existing_codes``), so a run costs a few GETs. A run checks
only what its object uses (``areas_of``): a wrong expense account must not
stop sales, and a product sync has no use for warehouses.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.connectors.sapb1.lists import CHECKED_LISTS
from app.store import Database
from app.sync.context import StoreRule, SyncContext, TemplateRules, TenderRule
from app.sync.records import RecordError, RunError

if TYPE_CHECKING:
    from app.connectors.sapb1.company import SapCompany

LISTS_AT_ONCE = 4
"""Lists asked for at once (each on a Service Layer session of the template's pool)."""

GENERAL_FORM = "General Settings"
STORES_FORM = "Mappings → Stores ↔ Warehouses"
TENDERS_FORM = "Mappings → Tenders ↔ Payment Means"
EXPENSES_FORM = "Mappings → Expenses ↔ G/L Accounts"

NOUNS = {
    "price_lists": "a price list",
    "customers": "a customer business partner",
    "payment_terms": "a payment terms code",
    "tax_codes": "a tax code",
    "accounts": "a G/L account",
    "currencies": "a currency",
    "branches": "a branch",
    "customer_groups": "a customer group",
    "warehouses": "a warehouse",
    "credit_cards": "a credit card",
}
"""What a code of each list is, in the words of a problem."""

PRICE_LIST = "price_list"
CASH_CUSTOMER = "cash_customer"
PAYMENT_TERMS = "payment_terms"
EXEMPT_TAX = "exempt_tax"
CASH_ACCOUNT = "cash_account"
BRANCH = "branch"
CUSTOMER_GROUP = "customer_group"
CURRENCY = "currency"
WAREHOUSES = "warehouses"
STORE_CASH = "store_cash"
STORE_BRANCHES = "store_branches"
TENDERS = "tenders"
EXPENSES = "expenses"

GENERAL_AREAS = frozenset(
    {PRICE_LIST, CASH_CUSTOMER, PAYMENT_TERMS, EXEMPT_TAX, CASH_ACCOUNT, BRANCH}
    | {CUSTOMER_GROUP, CURRENCY}
)
"""What General Settings names."""
MAPPING_AREAS = frozenset({WAREHOUSES, STORE_CASH, STORE_BRANCHES, TENDERS, EXPENSES})
"""What the Mappings name."""
ALL_AREAS = GENERAL_AREAS | MAPPING_AREAS

_NEW_CUSTOMERS = frozenset({PRICE_LIST, PAYMENT_TERMS, CUSTOMER_GROUP, CURRENCY})
_DOCUMENTS = _NEW_CUSTOMERS | {CASH_CUSTOMER, EXEMPT_TAX, CASH_ACCOUNT, BRANCH}
_DOCUMENTS |= {WAREHOUSES, STORE_CASH, STORE_BRANCHES, TENDERS}
OBJECT_AREAS: dict[str, frozenset[str]] = {
    "sales": frozenset(_DOCUMENTS),
    "refunds": frozenset(_DOCUMENTS),
    "expenses": frozenset({EXPENSES, CASH_ACCOUNT, STORE_CASH}),
    "inventory": frozenset({WAREHOUSES}),
    "customers": _NEW_CUSTOMERS,
    "customers_up": frozenset(),
    "products_up": frozenset({PRICE_LIST}),
    "products_down": frozenset({PRICE_LIST}),
    "customer_groups": frozenset(),
    "product_groups": frozenset(),
    "manufacturers": frozenset(),
}
"""What each object's run uses (sales and refunds may create their customer on the way)."""

_GENERAL_FIELDS: dict[str, tuple[str, str, str]] = {
    PRICE_LIST: ("price_lists", "default_price_list", "Default Price List"),
    CASH_CUSTOMER: ("customers", "default_cash_customer", "Default Cash Customer"),
    PAYMENT_TERMS: ("payment_terms", "default_payment_terms", "Default Payment Terms"),
    EXEMPT_TAX: ("tax_codes", "exempt_tax_code", "Exempt Tax Code"),
    CASH_ACCOUNT: ("accounts", "cash_account", "Cash Account"),
    BRANCH: ("branches", "branch_id", "Branch"),
    CUSTOMER_GROUP: ("customer_groups", "new_customer_group", "Customer Group"),
    CURRENCY: ("currencies", "default_currency", "Default Currency"),
}
"""Area → (list, field of the General Settings form and Template, label on the form)."""

_RULE_OF_FIELD = {
    "default_price_list": "price_list",
    "default_cash_customer": "cash_customer",
    "default_payment_terms": "payment_terms",
    "exempt_tax_code": "exempt_tax_code",
    "cash_account": "cash_account",
    "default_currency": "currency",
    "branch_id": "branch",
    "new_customer_group": "new_customer_group",
}
"""General Settings field (a Template column) → the TemplateRules attribute it becomes."""


@dataclass(frozen=True)
class Need:
    """One code the template names, and where a user sets it."""

    kind: str
    code: str | int
    form: str
    field: str
    label: str
    row: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class Problem:
    """A code SAP does not know, worded with the form and field where it is fixed.

    ``field`` is the form's field (a General Settings field, or the mapping
    grid "stores", "tenders", "expenses"); ``row`` and ``column`` the grid cell.
    """

    form: str
    field: str
    code: str
    message: str
    row: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        return self.message


def areas_of(object_name: str) -> frozenset[str]:
    """What a run of ``object_name`` uses; an object not listed here is checked in full."""
    return OBJECT_AREAS.get(object_name, ALL_AREAS)


def needs(rules: TemplateRules, areas: Iterable[str] = ALL_AREAS) -> list[Need]:
    """The codes the template names in ``areas``, each with its form and field."""
    wanted = set(areas)
    found: list[Need] = []
    values: dict[str, str | int | None] = {
        PRICE_LIST: rules.price_list,
        CASH_CUSTOMER: rules.cash_customer,
        PAYMENT_TERMS: rules.payment_terms,
        EXEMPT_TAX: rules.exempt_tax_code,
        CASH_ACCOUNT: rules.cash_account,
        BRANCH: rules.branch,
        CUSTOMER_GROUP: rules.new_customer_group,
        CURRENCY: rules.currency,
    }
    for area, (kind, field, label) in _GENERAL_FIELDS.items():
        value = values[area]
        if area in wanted and value is not None and value != "":
            found.append(Need(kind, value, GENERAL_FORM, field, label))
    for store in sorted(rules.stores.values(), key=lambda s: s.store_code or s.store_id):
        found.extend(_store_needs(store, wanted))
    for tender in sorted(rules.tenders.values(), key=lambda t: t.tender_type):
        found.extend(_tender_needs(tender, wanted))
    if EXPENSES in wanted:
        for category, account in sorted(rules.expenses.items()):
            found.append(
                Need(
                    "accounts",
                    account,
                    EXPENSES_FORM,
                    "expenses",
                    f"category {category!r}: G/L account",
                    category,
                    "account_code",
                )
            )
    return found


def _store_needs(store: StoreRule, wanted: set[str]) -> list[Need]:
    name = store.store_code or store.store_id
    cells: list[tuple[str, str, str | int | None, str, str]] = [
        (WAREHOUSES, "warehouses", store.warehouse, "warehouse", "warehouse_code"),
        (STORE_CASH, "accounts", store.cash_account, "cash account", "cash_account"),
        (STORE_BRANCHES, "branches", store.branch, "branch", "branch_id"),
    ]
    return [
        Need(kind, code, STORES_FORM, "stores", f"store {name!r}: {what}", store.store_id, column)
        for area, kind, code, what, column in cells
        if area in wanted and code is not None and code != ""
    ]


def _tender_needs(tender: TenderRule, wanted: set[str]) -> list[Need]:
    if TENDERS not in wanted:
        return []
    label = f"tender {tender.tender_type!r}"
    if tender.means == "credit_card" and tender.credit_card is not None:
        return [
            Need(
                "credit_cards",
                tender.credit_card,
                TENDERS_FORM,
                "tenders",
                f"{label}: credit card",
                tender.tender_type,
                "credit_card_code",
            )
        ]
    if tender.means != "credit_card" and tender.account:
        return [
            Need(
                "accounts",
                tender.account,
                TENDERS_FORM,
                "tenders",
                f"{label}: account",
                tender.tender_type,
                "account_code",
            )
        ]
    return []


def find_problems(
    rules: TemplateRules, sap: SapCompany, areas: Iterable[str] = ALL_AREAS
) -> list[Problem]:
    """Every code of ``areas`` that SAP does not know; one GET per list (per 40 codes).

    The lists are asked for at once, over as many Service Layer sessions as the
    template allows, so a slow server costs about one round trip, not one per list.

    SAP's own failures (unreachable, refused login) raise the sync core's errors.
    A list SAP cannot give at all (a company without branches answers that it
    has no ``BusinessPlaces``) makes each of its codes a problem with SAP's words.
    """
    from app.sync.jobs.errors import translate_errors

    wanted = needs(rules, areas)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for number, need in enumerate(wanted):
        by_kind[need.kind].append(number)

    def listed(kind: str) -> tuple[dict[str, str], str | None]:
        try:
            with translate_errors():
                return sap.existing_codes(kind, [wanted[n].code for n in by_kind[kind]]), None
        except RecordError as exc:
            if kind not in CHECKED_LISTS:
                raise
            return {}, str(exc)

    with ThreadPoolExecutor(
        max_workers=max(1, min(len(by_kind), LISTS_AT_ONCE)), thread_name_prefix="preflight"
    ) as pool:
        answers = dict(zip(by_kind, pool.map(listed, by_kind), strict=True))
    missing: dict[int, Problem] = {}
    for kind, numbers in by_kind.items():
        known, refused = answers[kind]
        folded = {code.casefold() for code in known}
        for number in numbers:
            if str(wanted[number].code).casefold() not in folded:
                missing[number] = _problem(wanted[number], rules.sap_company_db, refused)
    return [missing[n] for n in sorted(missing)]


def _problem(need: Need, company: str, refused: str | None) -> Problem:
    code = str(need.code)
    if need.form == GENERAL_FORM:
        text = f"{need.form} → {need.label}: {code!r} is not {NOUNS[need.kind]}"
    else:
        text = f"{need.form}, {need.label} {code!r} does not exist"
    text += f" in SAP company {company}"
    if refused is not None:
        text += f" (SAP does not list them: {refused})"
    return Problem(need.form, need.field, code, text, need.row, need.column)


def describe(problems: list[Problem]) -> str:
    """The run-level error of a failed pre-flight: every problem, nothing posted."""
    return "Nothing was read or posted; fix the template first: " + "; ".join(
        str(p) for p in problems
    )


def require(ctx: SyncContext, object_name: str) -> None:
    """RunError naming every wrong code the run of ``object_name`` would use."""
    problems = find_problems(ctx.rules, ctx.sap, areas_of(object_name))
    if problems:
        raise RunError(describe(problems))


def check_general(database: Database, template_id: int, values: Mapping[str, Any]) -> list[Problem]:
    """The problems of General Settings about to be saved (``values`` by Template field).

    Raises the sync core's errors when SAP cannot be asked (the caller decides).
    """
    changes = {_RULE_OF_FIELD[n]: value for n, value in values.items() if n in _RULE_OF_FIELD}
    if "exempt_tax_code" in changes:
        # as TemplateRules.load reads it: no exempt tax code set means SAP's "EX"
        changes["exempt_tax_code"] = changes["exempt_tax_code"] or "EX"
    return _check_draft(database, template_id, changes, GENERAL_AREAS)


def check_mappings(
    database: Database,
    template_id: int,
    stores: Iterable[StoreRule],
    tenders: Iterable[TenderRule],
    expenses: Mapping[str, str],
) -> list[Problem]:
    """The problems of Mappings about to be saved; raises when SAP cannot be asked."""
    changes = {
        "stores": {s.store_id: s for s in stores},
        "tenders": {t.tender_type: t for t in tenders},
        "expenses": dict(expenses),
    }
    return _check_draft(database, template_id, changes, MAPPING_AREAS)


def check_rules(rules: TemplateRules) -> list[Problem]:
    """Every problem of a whole template not stored yet (a template file being imported).

    SAP is asked with the rules' own connection and the credentials stored
    under their template name; raises the sync core's errors (or
    ``SecretMissing``) when SAP cannot be asked.
    """
    from app.connectors.sapb1.client import ServiceLayerClient
    from app.connectors.sapb1.company import SapCompany
    from app.sync.context import sap_settings
    from app.sync.jobs.errors import translate_errors

    with translate_errors():
        sap = SapCompany(ServiceLayerClient(sap_settings(rules)))
        try:
            return find_problems(rules, sap, ALL_AREAS)
        finally:
            sap.close()


def _check_draft(
    database: Database, template_id: int, changes: Mapping[str, Any], areas: frozenset[str]
) -> list[Problem]:
    from app.sync.jobs.errors import translate_errors

    ctx = SyncContext(database, template_id)
    try:
        rules = dataclasses.replace(ctx.rules, **changes)
        with translate_errors():
            return find_problems(rules, ctx.sap, areas)
    finally:
        ctx.close()
