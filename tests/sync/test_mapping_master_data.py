"""A Tagrain customer → an SAP business partner, a product → an SAP item, without servers."""

from __future__ import annotations

import pytest

from app.connectors.sapb1.records import SapAddress
from app.connectors.tagrain.records import Address
from app.sync.mapping.customers import CustomerDependencies, map_customer, new_card_code
from app.sync.mapping.products import ProductDependencies, map_product
from app.sync.records import RecordError
from tests.sync.mapping_records import D, customer, product, rules


def test_a_customer_takes_the_templates_defaults() -> None:
    draft = map_customer(customer(), CustomerDependencies("TG0042"), rules())

    assert draft.card_code == "TG0042"
    assert draft.card_name == "Ada Lovelace"
    assert draft.group_code == 100, "unlinked group: the template's group for new customers"
    assert (draft.email, draft.phone, draft.federal_tax_id) == (
        "ada@example.com",
        "+1 212 555 0100",
        "US-123",
    )
    assert (draft.currency, draft.price_list, draft.payment_terms) == ("USD", 2, -1)
    assert draft.tagrain_id == "cu_1"
    assert draft.active
    assert draft.address == SapAddress("1 Main St, Apt 2", "New York", "10001", "US")


def test_a_customer_in_a_linked_group_takes_that_group() -> None:
    draft = map_customer(customer(), CustomerDependencies("TG0042", linked_group=7), rules())
    assert draft.group_code == 7


def test_a_company_is_named_by_the_company_and_a_nameless_customer_by_its_code() -> None:
    company = map_customer(customer(company="Acme Inc."), CustomerDependencies("C1"), rules())
    assert company.card_name == "Acme Inc."
    nameless = customer(first_name=None, last_name=" ", address=Address())
    draft = map_customer(nameless, CustomerDependencies("C1"), rules())
    assert draft.card_name == "0042"
    assert draft.address == SapAddress(None, None, None, None)
    assert map_customer(customer(address=None), CustomerDependencies("C1"), rules()).address is None


def test_a_new_customers_card_code_is_prefixed_once() -> None:
    assert new_card_code(customer(), rules()) == "TG0042"
    assert new_card_code(customer(code="TG0042"), rules()) == "TG0042"
    with pytest.raises(RecordError) as raised:
        new_card_code(customer(code="C" * 14), rules())
    assert str(raised.value) == (
        "customer code 'TGCCCCCCCCCCCCCC' is longer than SAP's 15 characters"
    )


def test_a_variant_becomes_an_inventory_item_on_the_price_list() -> None:
    item = map_product(product(), ProductDependencies(group_code=5), rules())

    assert (item.item_code, item.item_name, item.tagrain_id) == (
        "SH-1",
        "Shirt, blue, M",
        "pr_shirt",
    )
    assert (item.group_code, item.barcode) == (5, "0123456789012")
    assert (item.price_list, item.price) == (2, D("20.00"))
    assert item.inventory_item


def test_gift_cards_and_non_stock_products_are_not_inventory_items() -> None:
    assert not map_product(product(type="gift_card"), ProductDependencies(), rules()).inventory_item
    assert not map_product(product(non_stock=True), ProductDependencies(), rules()).inventory_item


def test_a_product_without_a_sku_is_refused() -> None:
    with pytest.raises(RecordError) as raised:
        map_product(product(sku="  "), ProductDependencies(), rules())
    assert str(raised.value) == "the product has no SKU, which SAP needs as its item code"
