"""Bulk marking core: reading rows by range with their marks, saving marks in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes
from app.store import Database, Link, SyncMark, Template
from app.sync import marking
from app.sync.marking import CUSTOMER, ITEM, Criteria, MarkConflict
from tests.sync.conftest import SMALL


def _other_template(database: Database) -> int:
    with database.session() as session:
        template = Template(name="Second Store")
        session.add(template)
        session.flush()
        return template.id


def _rows(database: Database, criteria: Criteria) -> list[marking.MarkRow]:
    return [row for page in marking.read_rows(database, criteria, page_size=7) for row in page]


def test_customers_by_code_and_group_range(database: Database, template_id: int) -> None:
    everyone = _rows(database, Criteria(CUSTOMER, template_id))
    codes = [row.code for row in everyone]
    assert codes == sorted(codes) and len(codes) > 20
    low, high = codes[3], codes[12]
    ranged = _rows(database, Criteria(CUSTOMER, template_id, low, high))
    assert [row.code for row in ranged] == codes[3:13]
    group = everyone[0]
    assert group.group and group.name
    groups = {row.group for row in everyone}
    assert len(groups) > 1


def test_customer_group_range_filters(
    database: Database, template_id: int, sandboxes: RunningSandboxes
) -> None:
    context_groups = marking.choices(database, template_id, "customer_groups")
    codes = sorted(int(code) for code, _name in context_groups)
    first = codes[0]
    only_first = _rows(database, Criteria(CUSTOMER, template_id, group_from=first, group_to=first))
    name = dict(context_groups)[str(first)]
    assert only_first and {row.group for row in only_first} == {name}


def test_items_carry_group_and_type(database: Database, template_id: int) -> None:
    rows = _rows(database, Criteria(ITEM, template_id, "", ""))
    assert len(rows) == SMALL.items + len(demo.SPECIAL_CODE_ITEMS)
    codes = [row.code for row in rows]
    assert codes == sorted(codes)
    assert codes[SMALL.items :] == sorted(item.code for item in demo.SPECIAL_CODE_ITEMS)
    assert {row.item_type for row in rows} >= {"Inventory", "Non-Inventory"}
    assert all(row.group for row in rows)
    item_groups = dict(marking.choices(database, template_id, "item_groups"))
    group_code = next(int(code) for code, name in item_groups.items() if name == rows[0].group)
    in_group = _rows(
        database, Criteria(ITEM, template_id, group_from=group_code, group_to=group_code)
    )
    assert rows[0].code in {row.code for row in in_group}
    assert {row.group for row in in_group} == {rows[0].group}


def test_save_marks_and_read_back(database: Database, template_id: int) -> None:
    rows = _rows(database, Criteria(CUSTOMER, template_id))
    codes = [row.code for row in rows]
    outcome = marking.save_marks(database, CUSTOMER, template_id, codes[:5], [], user="tester")
    assert (outcome.marked, outcome.unmarked, outcome.moved) == (5, 0, 0)
    again = _rows(database, Criteria(CUSTOMER, template_id))
    assert [row.code for row in again if row.marked_for(template_id)] == codes[:5]
    assert {row.owner for row in again[:5]} == {"Sandbox"}
    outcome = marking.save_marks(database, CUSTOMER, template_id, codes[:2], codes[2:10])
    assert (outcome.marked, outcome.unmarked) == (0, 3)
    assert marking.marked_codes(database, CUSTOMER, template_id) == set(codes[:2])


def test_moving_a_mark_needs_consent_and_is_all_or_nothing(
    database: Database, template_id: int
) -> None:
    other = _other_template(database)
    marking.save_marks(database, ITEM, other, ["A00001", "A00002"], [])
    with pytest.raises(MarkConflict) as refused:
        marking.save_marks(database, ITEM, template_id, ["A00001", "A00003"], [])
    assert refused.value.owners == {"A00001": "Second Store"}
    assert marking.marked_codes(database, ITEM, template_id) == set()
    assert marking.owners_elsewhere(database, ITEM, template_id, ["A00001", "A00003"]) == {
        "A00001": "Second Store"
    }
    outcome = marking.save_marks(
        database, ITEM, template_id, ["A00001", "A00003"], [], move=["A00001"]
    )
    assert (outcome.marked, outcome.moved) == (1, 1)
    assert marking.marked_codes(database, ITEM, other) == {"A00002"}
    marking.save_marks(database, ITEM, template_id, [], ["A00002"])
    assert marking.marked_codes(database, ITEM, other) == {"A00002"}


def test_last_sync_comes_from_the_links(database: Database, template_id: int) -> None:
    at = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    with database.session() as session:
        session.add(
            Link(
                template_id=template_id,
                object="customers",
                tagrain_id="tg-1",
                sap_key="C000002",
                synced_at=at,
            )
        )
    rows = _rows(database, Criteria(CUSTOMER, template_id, "C000001", "C000003"))
    assert {row.code: row.last_sync for row in rows}["C000002"] == at


def test_cancel_stops_reading(database: Database, template_id: int) -> None:
    pages = marking.read_rows(database, Criteria(CUSTOMER, template_id), page_size=5)
    first = next(pages)
    assert len(first) == 5
    stop = {"now": False}
    reader = marking.read_rows(
        database, Criteria(CUSTOMER, template_id), cancelled=lambda: stop["now"], page_size=5
    )
    next(reader)
    stop["now"] = True
    assert list(reader) == []
    pages.close()


def test_a_large_save_is_one_statement_batch(database: Database, template_id: int) -> None:
    codes = [f"X{n:06d}" for n in range(5000)]
    marking.save_marks(database, CUSTOMER, template_id, codes, [])
    with database.session() as session:
        count = len(session.scalars(select(SyncMark.id).where(SyncMark.kind == CUSTOMER)).all())
    assert count == 5000
    outcome = marking.save_marks(database, CUSTOMER, template_id, codes[:10], codes[10:])
    assert outcome.unmarked == 4990
