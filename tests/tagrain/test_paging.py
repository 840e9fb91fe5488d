"""Cursor paging of the client against the sandbox: order, updated_since, concurrent changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.connectors.tagrain import Refund, TagrainClient, TagrainValidationError
from app.sandbox.tagrain.server import TagrainSandbox

COLLECTIONS = (
    "stores",
    "customer-groups",
    "product-groups",
    "manufacturers",
    "customers",
    "products",
    "sales",
    "refunds",
    "expenses",
)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_collection_lists_every_record_once_in_order(
    client: TagrainClient, sandbox: TagrainSandbox, collection: str
) -> None:
    method = getattr(client, "iter_" + collection.replace("-", "_"))
    records = list(method(limit=7))
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)) == sandbox.count(collection)
    keys = [(r.updated_at, r.id) for r in records]
    assert keys == sorted(keys)


def test_updated_since_is_inclusive(client: TagrainClient) -> None:
    every = list(client.iter_sales(limit=50))
    boundary = every[40]
    since = list(client.iter_sales(updated_since=boundary.updated_at, limit=9))
    assert [s.id for s in since] == [s.id for s in every if s.updated_at >= boundary.updated_at]


def test_updated_since_accepts_any_offset(client: TagrainClient) -> None:
    every = list(client.iter_customers(limit=100))
    boundary = every[10].updated_at
    local = boundary.astimezone(datetime.now().astimezone().tzinfo)
    shifted = boundary.astimezone(datetime.fromisoformat("2026-01-01T00:00:00+05:30").tzinfo)
    assert [c.id for c in client.iter_customers(updated_since=local)] == [
        c.id for c in client.iter_customers(updated_since=shifted)
    ]


def test_records_changed_while_paging_are_neither_lost_nor_duplicated(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    all_ids = sandbox.ids("customers")
    stream = client.iter_customers(limit=5)
    seen = [next(stream).id for _ in range(12)]
    already = seen[:3]
    ahead = [i for i in all_ids if i not in seen][:3]
    for id in already + ahead:
        sandbox.touch("customers", id, phone="+1-555-9999")
    created = client.create_customer({"first_name": "Paging", "last_name": "Test"})
    seen += [c.id for c in stream]
    assert set(seen) == set(all_ids) | {created.id}
    counts = {i: seen.count(i) for i in set(seen)}
    assert {i for i, n in counts.items() if n > 1} == set(already)
    assert all(counts[i] == 2 for i in already)
    assert seen[-1] == created.id


def test_resuming_from_the_watermark_repeats_only_the_boundary(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    first = list(client.iter_sales(limit=33))
    watermark = max(s.updated_at for s in first)
    assert [s.id for s in client.iter_sales(updated_since=watermark)] == [first[-1].id]
    voided = sandbox.void_sale(first[0].id)
    again = list(client.iter_sales(updated_since=watermark))
    assert [s.id for s in again] == [first[-1].id, voided["id"]]
    assert again[-1].status == "voided"


def test_limit_and_cursor_errors_come_back_typed(client: TagrainClient) -> None:
    with pytest.raises(TagrainValidationError) as caught:
        list(client.iter_sales(limit=501))
    assert caught.value.field == "limit"
    assert caught.value.status == 400
    with pytest.raises(TagrainValidationError) as bad_cursor:
        client.transport.request("GET", "/sales", params={"cursor": "not-ours"})
    assert bad_cursor.value.field == "cursor"


def test_naive_updated_since_is_refused_before_any_request(client: TagrainClient) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next(client.iter_sales(updated_since=datetime(2026, 1, 1)))


def test_listings_stream_page_by_page(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    stream = client.iter_sales(limit=10)
    first = next(stream)
    added = sandbox.live_tick()
    assert added > 0
    rest = list(stream)
    assert first.id not in {s.id for s in rest}
    assert len(rest) + 1 >= sandbox.count("sales") - added


def test_inventory_pages_by_store(client: TagrainClient) -> None:
    store = client.list_stores()[0]
    levels = list(client.iter_inventory(store.id, limit=13))
    assert levels and len({lv.sku for lv in levels}) == len(levels)
    assert all(lv.as_of is not None and lv.as_of.utcoffset() == timedelta(0) for lv in levels)


def test_pages_for_callers_that_commit_per_page(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    pages = list(client.iter_pages("refunds", Refund.from_json, limit=6))
    assert [len(p) for p in pages[:-1]] == [6] * (len(pages) - 1)
    assert sum(len(p) for p in pages) == sandbox.count("refunds")


def test_paging_while_live_mode_writes(client: TagrainClient, sandbox: TagrainSandbox) -> None:
    before = set(sandbox.ids("sales"))
    sandbox.start_live(0.005)
    try:
        seen = [s.id for s in client.iter_sales(limit=3)]
    finally:
        sandbox.stop_live()
    assert sandbox.live.ticks > 0
    assert before <= set(seen)
    assert all(seen.count(i) == 1 for i in before)
