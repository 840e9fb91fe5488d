"""Choose From List rows come live from the template's SAP company and Tagrain account."""

from __future__ import annotations

import pytest

from app.store import Database
from app.sync.lookups import choices


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("price_lists", ("1", "Retail Price List")),
        ("customers", ("C-WALKIN", "Walk-in Customer")),
        ("tax_codes", ("TX", "Sales Tax 8%")),
        ("accounts", ("_SYS00000000620", "Postage Expense")),
        ("customer_groups", ("103", "VIP")),
        ("warehouses", ("NY", "New York Store")),
        ("credit_cards", ("1", "Visa")),
        ("currencies", ("USD", "US Dollar")),
        ("tender_types", ("gift_card", "Gift card")),
    ],
)
def test_sap_and_tagrain_lists(
    database: Database, template_id: int, kind: str, expected: tuple[str, str]
) -> None:
    assert expected in choices(database, template_id, kind)


def test_tagrain_stores_and_expense_categories(database: Database, template_id: int) -> None:
    stores = choices(database, template_id, "tagrain_stores")
    assert [name.split(" - ")[0] for _, name in stores] == ["NYC", "CHI", "DEN", "LAX"]
    categories = [code for code, _ in choices(database, template_id, "expense_categories")]
    assert "postage" in categories


def test_customer_groups_exclude_vendor_groups(database: Database, template_id: int) -> None:
    assert "200" not in [code for code, _ in choices(database, template_id, "customer_groups")]
