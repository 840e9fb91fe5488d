"""The store functions behind the setup forms, without Qt: validation, copy, usage, mappings."""

from __future__ import annotations

import pytest

from app.store import Database, ExpenseMapping, StoreMapping, Template
from app.ui.data.errors import InputError
from app.ui.data.mappings import MappingSet, TenderRow, load_mappings, save_mappings
from app.ui.data.templates import add_template, copy_template, template_usage
from app.ui.data.validation import check_currency, check_int, check_url
from app.ui.lists import CodeName


@pytest.mark.parametrize(
    "value",
    ["https://sap.example.com:50000/b1s", "http://127.0.0.1:8766/api/v1", "  https://h  ", ""],
)
def test_good_urls_pass(value: str) -> None:
    assert check_url(value, "f", "URL") == value.strip()


@pytest.mark.parametrize(
    "value", ["sap.example.com", "ftp://sap.example.com", "https://", "http://host:99999999"]
)
def test_bad_urls_are_refused_with_the_field_named(value: str) -> None:
    with pytest.raises(InputError) as caught:
        check_url(value, "sap_url", "Service Layer URL")
    assert caught.value.field == "sap_url"


def test_numbers_and_currencies() -> None:
    assert check_int(" 12 ", "f", "n") == 12
    assert check_int("", "f", "n") is None
    assert check_currency("eur", "f", "c") == "EUR"
    with pytest.raises(InputError):
        check_currency("EURO", "f", "c")


def test_copy_needs_a_new_name_and_usage_counts_start_at_zero(database: Database) -> None:
    first = add_template(database, "A")
    with pytest.raises(InputError):
        copy_template(database, first, "a")
    second = copy_template(database, first, "B")
    assert template_usage(database, second).describe().startswith("0 sync marks")


def test_stored_mapping_for_an_unknown_value_is_kept(database: Database) -> None:
    template_id = add_template(database, "A")
    with database.session() as session:
        template = session.get(Template, template_id)
        assert template is not None
        template.expense_mappings.append(ExpenseMapping(category="legacy", account_code="600"))
    loaded = load_mappings(database, template_id, [], [], [CodeName("postage", "Postage")])
    assert [(e.category, e.account_code) for e in loaded.expenses] == [
        ("postage", ""),
        ("legacy", "600"),
    ]
    save_mappings(database, template_id, loaded)
    again = load_mappings(database, template_id, [], [], [])
    assert [(e.category, e.account_code) for e in again.expenses] == [("legacy", "600")]


def test_credit_card_code_must_be_a_number(database: Database) -> None:
    template_id = add_template(database, "A")
    tender = TenderRow("card", "Card", payment_means="credit_card", credit_card_code="Visa")
    with pytest.raises(InputError, match="credit card code is a number"):
        save_mappings(database, template_id, MappingSet([], [tender], []))


def test_store_mapping_matched_by_code_keeps_its_tagrain_id(database: Database) -> None:
    template_id = add_template(database, "A")
    with database.session() as session:
        template = session.get(Template, template_id)
        assert template is not None
        template.store_mappings.append(
            StoreMapping(store_id="st_00000001", store_code="NYC", warehouse_code="NY", branch_id=2)
        )
    known = [CodeName("NYC", "Tagrain New York"), CodeName("CHI", "Tagrain Chicago")]
    loaded = load_mappings(database, template_id, known, [], [])
    assert [(r.store, r.warehouse_code, r.store_id) for r in loaded.stores] == [
        ("NYC", "NY", "st_00000001"),
        ("CHI", "", "CHI"),
    ]
    loaded.stores[0].cash_account = "_SYS00000000101"
    save_mappings(database, template_id, loaded)
    with database.session() as session:
        saved = session.query(StoreMapping).one()
        assert (saved.store_id, saved.store_code, saved.branch_id, saved.cash_account) == (
            "st_00000001",
            "NYC",
            2,
            "_SYS00000000101",
        )
