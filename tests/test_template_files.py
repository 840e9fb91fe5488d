"""Templates as files: a lossless round trip, the forms' rules by key path and line, one commit.

The template here uses every mapping kind, schedules of both frequencies (one
across midnight) and marks of both kinds, with names and codes YAML would
otherwise turn into numbers, booleans or minutes.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from app.store import (
    Database,
    ExpenseMapping,
    Schedule,
    StoreMapping,
    SyncMark,
    Template,
    TenderMapping,
    open_database,
)
from app.sync.jobs import OBJECTS
from app.sync.marking import MarkConflict
from app.template_files.document import read_document
from app.template_files.importer import apply_import, plan_import
from app.template_files.yaml_file import FormatError, dump, parse

NAME = "Café «Nord» #1: 'main'"
CUSTOMERS = ("007", "C-0001", "a: b", "true", "ÄÖÜ-12", "- dash")
ITEMS = ("0012", "12:30", "null", 'A 1/2"', "ITEM-9")


def add_full_template(database: Database, name: str = NAME) -> int:
    """A template with every part a file holds, written straight to the store."""
    with database.session() as session:
        template = Template(
            name=name,
            active=False,
            sap_url="https://sap.example.invalid:50000",
            sap_version="v1",
            sap_company_db="SBO_NORD",
            sap_user="manager",
            sap_verify_tls=False,
            sap_ca_file="C:\\certs\\ca ü.pem",
            sap_sessions=6,
            tagrain_url="https://api.tagrain.invalid/v1",
            default_price_list=2,
            default_cash_customer="C 'Q' #1",
            default_payment_terms=-1,
            exempt_tax_code="EX",
            cash_account="161000",
            default_currency="EUR",
            branch_id=3,
            new_customer_group=110,
            new_customer_code_prefix="TG-",
        )
        template.store_mappings = [
            StoreMapping(
                store_id="st:#1 'x'",
                store_code="0012",
                warehouse_code="01",
                cash_account=None,
                branch_id=4,
            ),
            StoreMapping(
                store_id="st_2", store_code=None, warehouse_code="yes", cash_account="161001"
            ),
        ]
        template.tender_mappings = [
            TenderMapping(tender_type="cash", payment_means="cash"),
            TenderMapping(tender_type="card", payment_means="credit_card", credit_card_code=2),
            TenderMapping(tender_type="yes", payment_means="transfer", account_code="0099"),
        ]
        template.expense_mappings = [
            ExpenseMapping(category="Miete & Nebenkosten: Bürø", account_code="12:30"),
            ExpenseMapping(category="null", account_code="600000"),
        ]
        session.add(template)
        session.flush()
        session.add_all(
            [
                Schedule(
                    template_id=template.id,
                    object="sales",
                    enabled=True,
                    frequency="weekly",
                    weekdays="mon,wed,fri",
                    window_start=time(22, 0),
                    window_end=time(2, 0),
                    interval_minutes=15,
                ),
                Schedule(
                    template_id=template.id,
                    object="customers",
                    enabled=True,
                    frequency="daily",
                    window_start=time(0, 0),
                    window_end=time(23, 59),
                    interval_minutes=0,
                ),
            ]
        )
        session.add_all(
            SyncMark(kind="customer", sap_key=code, template_id=template.id) for code in CUSTOMERS
        )
        session.add_all(
            SyncMark(kind="item", sap_key=code, template_id=template.id) for code in ITEMS
        )
        return template.id


def export(database: Database, template_id: int) -> str:
    return dump(read_document(database, template_id, OBJECTS))


def test_export_import_as_another_name_export_gives_the_same_file(database: Database) -> None:
    template_id = add_full_template(database)
    first = export(database, template_id)

    plan = plan_import(database, parse(first, OBJECTS).document, OBJECTS, name="Copy")
    assert plan.template_id is None
    assert set(plan.taken) == {"customers", "items"}  # marked for one template at a time
    copy_id = apply_import(database, plan, move_marks=True)
    second = export(database, copy_id)

    assert name_line(NAME) in first
    assert second == first.replace(name_line(NAME), "template: Copy\n")
    assert export(database, template_id).count("- ") < first.count("- ")  # its marks moved
    again = plan_import(database, parse(second, OBJECTS).document, OBJECTS)
    assert not again.changes_anything


def name_line(name: str) -> str:
    """The file's line naming the template (quoted where YAML needs quotes)."""
    return yaml.safe_dump({"template": name}, allow_unicode=True, width=4096)


def test_a_file_imported_into_another_store_exports_byte_for_byte(
    database: Database, tmp_path: Path
) -> None:
    first = export(database, add_full_template(database))
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        plan = plan_import(other, parse(first, OBJECTS).document, OBJECTS)
        imported = apply_import(other, plan)
        assert export(other, imported) == first
        with other.session() as session:
            marks = set(session.execute(select(SyncMark.kind, SyncMark.sap_key)))
        assert marks == {("customer", c) for c in CUSTOMERS} | {("item", i) for i in ITEMS}
    finally:
        other.dispose()


def test_the_file_keeps_codes_as_written_and_holds_no_secret(
    database: Database, memory_keyring: object
) -> None:
    from app import secrets

    secrets.set_secret(NAME, secrets.SecretKind.SAP_PASSWORD, "s3cret-pass")
    secrets.set_secret(NAME, secrets.SecretKind.TAGRAIN_API_KEY, "tg-api-key-123")
    text = export(database, add_full_template(database))
    assert "s3cret-pass" not in text and "tg-api-key-123" not in text
    assert "password" not in text.split("\n", 2)[2] and "api_key" not in text
    assert "store_code: '0012'" in text
    assert "warehouse: 'yes'" in text
    assert "- '007'" in text and "- '12:30'" in text and "- 'null'" in text
    document = parse(text, OBJECTS).document
    assert document.stores[0].store_code == "0012"
    assert document.marked("items") == tuple(sorted(ITEMS))


def test_a_changed_file_shows_added_changed_and_removed_old_to_new(database: Database) -> None:
    template_id = add_full_template(database)
    text = export(database, template_id)
    edited = (
        text.replace("cash_account: '161000'", "cash_account: '161099'")
        .replace("  - category: 'null'\n    account: '600000'\n", "")
        .replace("  - ITEM-9\n", "  - ITEM-9\n  - ITEM-10\n")
        .replace("    interval_minutes: 15", "    interval_minutes: 30")
    )
    plan = plan_import(database, parse(edited, OBJECTS).document, OBJECTS)
    lines = [line for section in plan.sections for line in section.lines()]
    assert "  ~ cash_account: 161000 → 161099" in lines
    assert "  - null: account 600000" in lines
    assert "  + items: 1 marked: ITEM-10" in lines
    assert any(
        line.startswith("  ~ Sales: Weekly Mon, Wed, Fri 22:00–02:00 every 15 min → ")
        and line.endswith("every 30 min")
        for line in lines
    )
    assert "stores:" not in lines and "connection:" not in lines


BAD_FILES = [
    ("colour: red\n", 4, "colour: unknown key"),
    ("active: maybe\n", 4, "active: expected true or false"),
    ("general:\n  default_price_list: abc\n", 5, "must be a number; 'abc' is not"),
    ("general:\n  default_currency: EURO\n", 5, "three-letter code"),
    ("connection:\n  sap_url: ftp://sap\n", 5, "connection.sap_url: The Service Layer URL must"),
    ("connection:\n  sap_url: https://sap\n", 4, "connection.sap_company_db: Enter the company"),
    ("connection:\n  sap_sessions: many\n", 5, "expected a whole number, not 'many'"),
    (
        "schedules:\n  sales:\n    from: '25:00'\n",
        6,
        "schedules.sales.from: Time Window from: '25:00' is not a time",
    ),
    ("schedules:\n  bogus:\n    enabled: true\n", 5, "schedules.bogus: unknown key"),
    ("schedules:\n  sales:\n    frequency: weekly\n", 5, "choose at least one weekday"),
    ("schedules:\n  sales:\n    interval_minutes: -5\n", 5, "the interval cannot be negative"),
    ("schedules:\n  sales:\n    weekdays: [funday]\n", 6, "unknown weekday 'funday'"),
    (
        "mappings:\n  tenders:\n  - tender_type: cash\n    payment_means: cheque\n",
        7,
        "mappings.tenders[0].payment_means: unknown payment means 'cheque'",
    ),
    (
        "mappings:\n  stores:\n  - store_id: s1\n    warehouse: '01'\n"
        "  tenders:\n  - tender_type: cash\n    payment_means: cash\n",
        4,
        "mappings: Tender cash: account missing: no cash account for store s1",
    ),
    (
        "mappings:\n  stores:\n  - store_id: s1\n    warehouse: '01'\n    branch: main\n",
        8,
        "the branch is a branch number (BPLID), not 'main'",
    ),
    ("marks:\n  customers: [C1, C2, C1]\n", 5, "marks.customers[2]: 'C1' is listed twice"),
    ("marks:\n  vendors: [V1]\n", 5, "marks.vendors: unknown key"),
]


@pytest.mark.parametrize(("tail", "line", "expected"), BAD_FILES)
def test_a_wrong_key_or_value_is_named_with_its_path_and_line(
    tail: str, line: int, expected: str
) -> None:
    text = f"# a template\nversion: 1\ntemplate: T\n{tail}"
    with pytest.raises(FormatError) as caught:
        parse(text, OBJECTS)
    assert caught.value.line == line, str(caught.value)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 2\ntemplate: T\n", "line 1: version: version 2 is not one this hub reads"),
        ("template: T\n", "version: missing"),
        ("version: 1\ntemplate: [T]\n", "line 2: template: expected a single value"),
        ("version: 1\ntemplate: T\nmarks: [\n", "not YAML"),
        ("", "the file is empty"),
    ],
)
def test_a_file_that_is_not_a_template_is_refused(text: str, expected: str) -> None:
    with pytest.raises(FormatError, match=None) as caught:
        parse(text, OBJECTS)
    assert expected in str(caught.value)


def test_the_import_is_one_transaction_all_or_nothing(database: Database) -> None:
    template_id = add_full_template(database)
    text = export(database, template_id).replace("default_price_list: 2", "default_price_list: 7")
    with database.session() as session:
        other = Template(name="Other")
        session.add(other)
        session.flush()
        other_id = other.id
    plan = plan_import(database, parse(text, OBJECTS).document, OBJECTS)
    assert plan.taken == {}
    with database.session() as session:  # another desktop marks an item meanwhile
        mark = session.scalars(select(SyncMark).where(SyncMark.sap_key == "ITEM-9")).one()
        mark.template_id = other_id
    with pytest.raises(MarkConflict):
        apply_import(database, plan)
    with database.session() as session:
        assert session.get_one(Template, template_id).default_price_list == 2
    apply_import(database, plan, move_marks=True)
    with database.session() as session:
        assert session.get_one(Template, template_id).default_price_list == 7
        owner = session.scalars(select(SyncMark.template_id).where(SyncMark.sap_key == "ITEM-9"))
        assert owner.one() == template_id


def test_importing_over_a_template_removes_what_the_file_no_longer_has(database: Database) -> None:
    template_id = add_full_template(database)
    text = export(database, template_id)
    start = text.index("  tenders:\n")
    end = text.index("  expenses:\n")
    trimmed = text[:start] + "  tenders: []\n" + text[end:]
    trimmed = trimmed.replace("  - ÄÖÜ-12\n", "")
    apply_import(database, plan_import(database, parse(trimmed, OBJECTS).document, OBJECTS))
    with database.session() as session:
        assert session.scalars(select(TenderMapping)).all() == []
        customers = set(
            session.scalars(select(SyncMark.sap_key).where(SyncMark.kind == "customer"))
        )
    assert customers == set(CUSTOMERS) - {"ÄÖÜ-12"}
    assert export(database, template_id) == trimmed
