"""Pre-flight against the SAP sandbox over real HTTP: every code a template names must exist.

Each kind of code is broken in the template and the pre-flight names it with
its form and field; a run with a wrong code fails once, before reading or
posting anything, and the next run after the fix posts.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, RecordLog, Run, StoreMapping, Template
from app.sync import preflight
from app.sync.context import StoreRule, SyncContext, TenderRule
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from tests.sync.books import sap_rows

COMPANY = demo.COMPANY_DB


def _problems(database: Database, template_id: int, areas: frozenset[str]) -> list[str]:
    ctx = SyncContext(database, template_id)
    try:
        return [str(p) for p in preflight.find_problems(ctx.rules, ctx.sap, areas)]
    finally:
        ctx.close()


def _set(database: Database, template_id: int, **values: object) -> None:
    with database.session() as session:
        template = session.get_one(Template, template_id)
        for name, value in values.items():
            setattr(template, name, value)


def test_the_sandbox_template_names_only_codes_sap_knows(
    database: Database, template_id: int
) -> None:
    assert _problems(database, template_id, preflight.ALL_AREAS) == []


def test_each_wrong_general_setting_is_named_with_its_form_and_field(
    database: Database, template_id: int
) -> None:
    _set(
        database,
        template_id,
        default_price_list=99,
        default_cash_customer="NOSUCHCUST",
        exempt_tax_code="NOTAX",
        cash_account="_SYS99999999999",
        default_currency="XXX",
        new_customer_group=999,
    )
    assert _problems(database, template_id, preflight.GENERAL_AREAS) == [
        f"General Settings → Default Price List: '99' is not a price list in SAP company {COMPANY}",
        "General Settings → Default Cash Customer: 'NOSUCHCUST' is not a customer business "
        f"partner in SAP company {COMPANY}",
        f"General Settings → Exempt Tax Code: 'NOTAX' is not a tax code in SAP company {COMPANY}",
        "General Settings → Cash Account: '_SYS99999999999' is not a G/L account in SAP "
        f"company {COMPANY}",
        "General Settings → Customer Group: '999' is not a customer group in SAP company "
        f"{COMPANY}",
        f"General Settings → Default Currency: 'XXX' is not a currency in SAP company {COMPANY}",
    ]


def test_each_wrong_mapping_is_named_with_its_tab_and_row(
    database: Database, template_id: int
) -> None:
    with database.session() as session:
        template = session.get_one(Template, template_id)
        store = template.store_mappings[0]
        store.warehouse_code = "99"
        store.cash_account = "_SYS00000000999"
        code = store.store_code
        card = next(m for m in template.tender_mappings if m.payment_means == "credit_card")
        card.credit_card_code = 77
        cash = next(m for m in template.tender_mappings if m.payment_means == "cash")
        cash.account_code = "NOACCT"
        expense = template.expense_mappings[0]
        expense.account_code = "NOEXP"
        card_type, cash_type, category = card.tender_type, cash.tender_type, expense.category
    problems = _problems(database, template_id, preflight.MAPPING_AREAS)
    tender_problems = sorted(
        [
            f"Mappings → Tenders ↔ Payment Means, tender {card_type!r}: credit card '77' does "
            f"not exist in SAP company {COMPANY}",
            f"Mappings → Tenders ↔ Payment Means, tender {cash_type!r}: account 'NOACCT' does "
            f"not exist in SAP company {COMPANY}",
        ],
        key=lambda text: text.split("tender ")[1],
    )
    assert problems == [
        f"Mappings → Stores ↔ Warehouses, store {code!r}: warehouse '99' does not exist in "
        f"SAP company {COMPANY}",
        f"Mappings → Stores ↔ Warehouses, store {code!r}: cash account '_SYS00000000999' does "
        f"not exist in SAP company {COMPANY}",
        *tender_problems,
        f"Mappings → Expenses ↔ G/L Accounts, category {category!r}: G/L account 'NOEXP' does "
        f"not exist in SAP company {COMPANY}",
    ]


def test_a_run_checks_only_what_its_object_uses(database: Database, template_id: int) -> None:
    with database.session() as session:
        template = session.get_one(Template, template_id)
        template.expense_mappings[0].account_code = "NOEXP"
        template.default_price_list = 99
    assert _problems(database, template_id, preflight.areas_of("inventory")) == []
    assert _problems(database, template_id, preflight.areas_of("customer_groups")) == []
    assert len(_problems(database, template_id, preflight.areas_of("expenses"))) == 1
    assert len(_problems(database, template_id, preflight.areas_of("products_up"))) == 1
    assert len(_problems(database, template_id, preflight.areas_of("sales"))) == 1


def test_no_branch_set_anywhere_asks_sap_nothing_about_branches(
    database: Database, template_id: int
) -> None:
    ctx = SyncContext(database, template_id)
    try:
        assert not [n for n in preflight.needs(ctx.rules) if n.kind == "branches"]
    finally:
        ctx.close()
    assert _problems(database, template_id, preflight.ALL_AREAS) == []


def test_a_branch_sap_does_not_have_is_named(database: Database, template_id: int) -> None:
    """The demo company has no branches; a template that names one is refused before a run."""
    _set(database, template_id, branch_id=9999)
    with database.session() as session:
        session.scalars(select(StoreMapping)).first().branch_id = 9998  # type: ignore[union-attr]
    problems = _problems(database, template_id, preflight.ALL_AREAS)
    assert len(problems) == 2
    assert problems[0] == (
        f"General Settings → Branch: '9999' is not a branch in SAP company {COMPANY}"
    )
    assert "Mappings → Stores ↔ Warehouses, store " in problems[1]
    assert ": branch '9998' does not exist" in problems[1]


def test_payment_terms_are_checked_against_the_companys_terms(
    database: Database, template_id: int
) -> None:
    """A terms code SAP has (Net 30) passes; one it lacks stops customer runs, named."""
    _set(database, template_id, default_payment_terms=1)
    assert _problems(database, template_id, preflight.areas_of("customers_down")) == []
    _set(database, template_id, default_payment_terms=42)
    assert _problems(database, template_id, preflight.areas_of("customers_down")) == [
        "General Settings → Default Payment Terms: '42' is not a payment terms code in SAP "
        f"company {COMPANY}"
    ]


def test_many_codes_of_one_list_are_asked_in_a_few_gets(
    database: Database, template_id: int
) -> None:
    ctx = SyncContext(database, template_id)
    try:
        customers = list(demo.customers(45))
        real = [c.code for c in customers]
        wanted = [*real, "NOSUCH1", "NOSUCH2"]
        found = ctx.sap.existing_codes("customers", wanted)
        assert set(found) == set(real)
        assert found[customers[0].code] == customers[0].name
        assert ctx.sap.existing_codes("price_lists", [1, 99]) == {"1": demo.PRICE_LISTS[0][1]}
    finally:
        ctx.close()


def test_the_forms_drafts_are_checked_before_saving(database: Database, template_id: int) -> None:
    problems = preflight.check_general(
        database, template_id, {"default_price_list": 99, "default_cash_customer": "C-WALKIN"}
    )
    assert [(p.field, p.code) for p in problems] == [("default_price_list", "99")]
    ctx = SyncContext(database, template_id)
    store = next(iter(ctx.rules.stores.values()))
    ctx.close()
    problems = preflight.check_mappings(
        database,
        template_id,
        [StoreRule(store.store_id, store.store_code, "99", None, None)],
        [TenderRule("cash", "cash", demo.STORES[0].cash_account, None)],
        {"rent": "NOEXP"},
    )
    assert [(p.field, p.row, p.column, p.code) for p in problems] == [
        ("stores", store.store_id, "warehouse_code", "99"),
        ("expenses", "rent", "account_code", "NOEXP"),
    ]
    with database.session() as session:
        assert session.get_one(Template, template_id).default_price_list == 1


def test_a_wrong_cash_customer_fails_the_run_once_and_posts_nothing(
    database: Database, template_id: int, context: SyncContext, sandboxes: RunningSandboxes
) -> None:
    engine = Engine(database, OBJECTS)
    _set(database, template_id, default_cash_customer="NOSUCHCUST")
    before = len(sap_rows(context, "Invoices", ["DocEntry"]))
    started = time.perf_counter()
    result = engine.run("sales", template_id, trigger="schedule")[-1]
    elapsed = time.perf_counter() - started
    assert result.status == "failed"
    assert result.message is not None
    assert "General Settings → Default Cash Customer: 'NOSUCHCUST' is not a customer" in (
        result.message
    )
    assert (result.total, result.created, result.failed) == (0, 0, 0)
    with database.session() as session:
        run = session.get_one(Run, result.run_id)
        assert run.status == "failed" and run.message == result.message
        logged = session.scalar(
            select(func.count()).select_from(RecordLog).where(RecordLog.run_id == run.id)
        )
        assert logged == 0
    assert len(sap_rows(context, "Invoices", ["DocEntry"])) == before
    print(f"failed pre-flight run took {elapsed:.3f}s")

    _set(database, template_id, default_cash_customer=demo.WALK_IN_CUSTOMER)
    fixed = engine.run("sales", template_id, trigger="schedule")[-1]
    assert fixed.status == "succeeded", fixed
    assert fixed.created > 0
    assert len(sap_rows(context, "Invoices", ["DocEntry"])) > before
