"""Bad answers from Tagrain: broken pages, broken paging, rate limits and a revoked key.

An answer that is not the contract (HTML, truncated JSON, a looping cursor)
stops the run with a plain message and leaves the watermark where it was, so
the next run reads the same records again; one malformed record in a good page
(a field missing, a timestamp without offset, money as a number) fails alone
and is fetched again on the next run; paging faults that can be read through
(an id listed twice, an empty page that goes on) are read through without
posting anything twice. Every
test ends with both sides compared by the ``clean_world`` fixture.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from app.sandbox.faults import FaultPlan
from app.store import RecordLog
from tests.hardening.conftest import Raw, World

SALES = "/api/v1/sales"


def _posted_once(world: World, sales: list[Raw]) -> None:
    invoices = world.sap_ids("Invoices")
    for sale in sales:
        assert invoices[sale["id"]] == 1, f"{sale['id']} posted {invoices[sale['id']]} times"


def _run_stops(world: World, sales: list[Raw], *words: str) -> None:
    """The run fails with ``words`` in its message; the watermark and SAP are untouched."""
    mark = world.watermark("sales")
    result = world.run("sales")
    assert result.status == "failed", result
    assert result.message is not None
    for word in words:
        assert word in result.message, result.message
    assert world.watermark("sales") == mark, "the watermark moved over a failed read"
    invoices = world.sap_ids("Invoices")
    assert all(invoices[s["id"]] == 0 for s in sales), "posted from a broken answer"
    again = world.run("sales")
    assert again.status == "succeeded", again
    _posted_once(world, sales)


def _record_fails_alone(world: World, sales: list[Raw], *words: str) -> None:
    """The malformed record fails alone with ``words``; the retry reads it again, well-formed."""
    result = world.run("sales")
    assert result.status == "partial" and result.failed == 1, result
    with world.database.session() as session:
        failed = session.scalars(
            select(RecordLog).where(RecordLog.run_id == result.run_id, RecordLog.status == "failed")
        ).one()
    for word in words:
        assert word in (failed.message or ""), failed.message
    assert (failed.message or "").startswith("Tagrain: sale ")
    assert failed.source_id in world.waiting("sales")
    _posted_once(world, [s for s in sales if s["id"] != failed.source_id])
    world.run("sales")
    assert failed.source_id not in world.waiting("sales")
    _posted_once(world, sales)


def test_duplicate_ids_in_one_page_are_posted_once(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(4)
    twice = fresh[-1]
    world.sandboxes.tagrain.touch("sales", twice["id"])  # the newest: last on the page
    world.sandboxes.tagrain.serve_bad_answers("duplicate_ids", path=SALES)
    result = world.run("sales")
    assert result.status == "succeeded", result
    _posted_once(world, fresh)
    with world.database.session() as session:
        actions = list(
            session.scalars(
                select(RecordLog.action)
                .where(RecordLog.run_id == result.run_id, RecordLog.source_id == twice["id"])
                .order_by(RecordLog.id)
            )
        )
    assert actions == ["created", "skipped"], "the copy waited for the first and was skipped"


def test_a_cursor_that_repeats_stops_the_listing_instead_of_looping(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(3)
    world.sandboxes.tagrain.serve_bad_answers("repeat_cursor", times=50, path=SALES)
    mark = world.watermark("sales")
    started = time.monotonic()
    result = world.run("sales")
    assert time.monotonic() - started < 30, "the listing looped"
    assert result.status == "failed", result
    assert result.message == (
        "Tagrain: GET /sales: Tagrain gave a next_cursor it had given before; "
        "the listing stopped after 1 pages instead of looping"
    )
    assert world.watermark("sales") == mark
    assert world.sandboxes.tagrain.clear_bad_answers() > 0
    world.run("sales")
    _posted_once(world, fresh)


def test_an_empty_page_with_a_next_cursor_is_followed(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(3)
    world.sandboxes.tagrain.serve_bad_answers("empty_page", path=SALES)
    result = world.run("sales")
    assert result.status == "succeeded", result
    _posted_once(world, fresh)


def test_a_200_with_an_html_body(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(2)
    world.sandboxes.tagrain.serve_bad_answers("html", path=SALES)
    _run_stops(world, fresh, "Tagrain: GET /sales answered text/html instead of JSON", "502")


def test_truncated_json(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(2)
    world.sandboxes.tagrain.serve_bad_answers("truncated", path=SALES)
    _run_stops(world, fresh, "Tagrain: GET /sales answered invalid or truncated JSON")


def test_a_timestamp_without_an_offset(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(2)
    world.sandboxes.tagrain.serve_bad_answers("no_offset", path=SALES)
    _record_fails_alone(world, fresh, "field 'updated_at' is malformed", "has no UTC offset")


def test_a_429_storm_is_waited_out(clean_world: World) -> None:
    """Retry-After is honoured; a record whose calls outlast the retries fails alone."""
    world = clean_world
    fresh = world.fresh_sales(3)
    world.sandboxes.tagrain.configure_faults(
        FaultPlan(rate_limit_per_second=1, retry_after_seconds=1)
    )  # the listing, then the stores within the same second: at least one 429
    started = time.monotonic()
    result = world.run("sales")
    assert time.monotonic() - started >= 1.0, "the storm never slowed the run down"
    assert result.status in ("succeeded", "partial"), result
    with world.database.session() as session:
        rows = session.execute(
            select(RecordLog.source_id, RecordLog.message).where(
                RecordLog.run_id == result.run_id, RecordLog.status == "failed"
            )
        ).all()
    failures = {source_id: message for source_id, message in rows}
    assert set(failures.values()) <= {"Tagrain: too many requests; slow down"}, failures
    assert set(failures) <= world.waiting("sales")
    invoices = world.sap_ids("Invoices")
    for sale in fresh:
        assert invoices[sale["id"]] == (0 if sale["id"] in failures else 1)
    world.sandboxes.tagrain.configure_faults(FaultPlan())
    world.run("sales")
    _posted_once(world, fresh)
    assert not set(failures) & world.waiting("sales")


def test_a_429_asking_for_an_hour_stops_the_run(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(2)
    world.sandboxes.tagrain.configure_faults(
        FaultPlan(rate_limit_per_second=0.5, retry_after_seconds=3600)
    )
    mark = world.watermark("sales")
    started = time.monotonic()
    result = world.run("sales")
    assert time.monotonic() - started < 10, "it waited for the hour"
    assert result.status == "failed" and result.message == "Tagrain: too many requests; slow down"
    assert world.watermark("sales") == mark
    world.sandboxes.tagrain.configure_faults(FaultPlan())
    world.run("sales")
    _posted_once(world, fresh)


def test_an_api_key_revoked_mid_run(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(4)
    world.sandboxes.tagrain.revoke_api_key(after_requests=1)
    mark = world.watermark("sales")
    result = world.run("sales")
    assert result.status == "failed", result
    assert result.message == (
        "Tagrain refused the API key: missing or invalid API key "
        "(enter the current key in Integration Hub → Connections)"
    )
    assert world.watermark("sales") == mark
    again = world.run("sales")
    assert again.status == "failed", "a revoked key stays refused"
    world.sandboxes.tagrain.restore_api_key()
    world.run("sales")
    _posted_once(world, fresh)


def test_a_record_missing_a_required_field(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(2)
    world.sandboxes.tagrain.serve_bad_answers("missing_field", path=SALES)
    _record_fails_alone(world, fresh, "field 'updated_at' is missing")


def test_money_sent_as_a_json_number(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(2)
    world.sandboxes.tagrain.serve_bad_answers("float_money", path=SALES)
    _record_fails_alone(world, fresh, "field 'total' is malformed", "must be a decimal string")
