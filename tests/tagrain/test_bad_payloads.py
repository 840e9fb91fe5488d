"""Answers that break the contract: HTML, truncated JSON, missing or malformed fields."""

from __future__ import annotations

import pytest

from app.connectors.tagrain import Sale, TagrainBadResponseError, TagrainClient
from app.sandbox.tagrain.server import TagrainSandbox


def test_html_instead_of_json(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    sandbox.serve_bad_answers("html")
    with pytest.raises(TagrainBadResponseError, match=r"text/html instead of JSON.*Bad Gateway"):
        client.list_stores()


def test_truncated_json(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    sandbox.serve_bad_answers("truncated")
    with pytest.raises(TagrainBadResponseError, match="invalid or truncated JSON"):
        list(client.iter_customers())


def test_missing_field_names_record_and_field(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    first = sandbox.db.page("sales", None, None, 1).bodies[0]
    sandbox.serve_bad_answers("missing_field")
    with pytest.raises(TagrainBadResponseError) as caught:
        list(client.iter_sales())
    assert caught.value.field == "updated_at"
    assert "sale sa_" in str(caught.value) and "'updated_at' is missing" in str(caught.value)
    assert first.split('"id":"')[1].split('"')[0] in str(caught.value)


def test_timestamp_without_offset_is_an_error(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    sandbox.serve_bad_answers("no_offset")
    with pytest.raises(TagrainBadResponseError, match="no UTC offset"):
        list(client.iter_expenses())


def test_money_as_a_json_number_is_an_error(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    sandbox.serve_bad_answers("float_money")
    with pytest.raises(TagrainBadResponseError, match="decimal string"):
        list(client.iter_products())


def test_bad_answers_are_one_shot(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    sandbox.serve_bad_answers("html")
    with pytest.raises(TagrainBadResponseError):
        client.ping()
    client.ping()


def test_nested_errors_name_the_sale_and_the_line() -> None:
    raw = {
        "id": "sa_1",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "receipt_number": "R",
        "store_id": "st",
        "register_id": "rg",
        "customer_id": None,
        "status": "completed",
        "sold_at": "2026-01-01T00:00:00Z",
        "currency": "USD",
        "lines": [
            {
                "line_no": 1,
                "product_id": "p",
                "sku": "A1",
                "description": "d",
                "quantity": "1.000",
                "unit_price": "x",
                "discount": "0.00",
                "tax_amount": "0.00",
                "line_total": "1.00",
            }
        ],
        "tenders": [],
        "subtotal": "1.00",
        "tax_total": "0.00",
        "total": "1.00",
    }
    with pytest.raises(TagrainBadResponseError, match="sale sa_1 line: field 'unit_price'"):
        Sale.from_json(raw)
    with pytest.raises(TagrainBadResponseError, match="sale sa_1: field 'lines' is missing"):
        Sale.from_json({k: v for k, v in raw.items() if k != "lines"})
    with pytest.raises(TagrainBadResponseError, match="is not a JSON object"):
        Sale.from_json(["not", "a", "sale"])


def test_a_page_without_data(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    def answer(path: str) -> object:
        return {"items": []}

    client.transport.request = lambda method, path, **kw: answer(path)  # type: ignore[method-assign]
    with pytest.raises(TagrainBadResponseError, match="no 'data' array"):
        list(client.iter_sales())
