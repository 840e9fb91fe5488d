"""Bad records from the till: each fails alone with its reason, is retried, and the rest goes on.

Every test rings up fresh sales on the live Tagrain till, spoils one of them
the way real data goes wrong, runs the scheduled sync and checks what the user
sees: the reason in ``integration-hub runs --failed``, the record waiting for
a retry, every other new receipt posted exactly once. Then it repairs the
record, runs again and checks that the retry went through; the fixture checks
both sides afterwards (no duplicate, no gap).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.sandbox.sapb1.server import UNKNOWN_ERROR_MESSAGE
from app.store import RecordLog, StoreMapping
from tests.hardening.conftest import Raw, World


def spoil(world: World, collection: str, record: Raw, **changes: Any) -> None:
    """Change a record on the Tagrain side behind the sync's back."""
    world.sandboxes.tagrain.touch(collection, record["id"], **changes)


def repair(world: World, collection: str, record: Raw) -> None:
    """Put a record back as the till first wrote it (its updated_at moves on)."""
    fields = {k: v for k, v in record.items() if k not in ("id", "created_at", "updated_at")}
    world.sandboxes.tagrain.touch(collection, record["id"], **fields)


def with_line(sale: Raw, **changes: Any) -> list[Raw]:
    """The sale's lines with the first one changed."""
    lines = [dict(line) for line in sale["lines"]]
    lines[0].update(changes)
    return lines


def assert_fails_alone(
    world: World, object_name: str, bad: Raw, words: str, others: list[Raw], entity: str
) -> None:
    """Run; the bad record failed with ``words`` and waits; every other one posted once."""
    result = world.run(object_name)
    assert result.status == "partial", result
    assert words in world.last_failure(object_name, bad["id"])
    assert f"{object_name}  {bad['id']}: " in world.failed_report()
    assert words in world.failed_report()
    assert bad["id"] in world.waiting(object_name)
    posted = world.sap_ids(entity)
    assert posted[bad["id"]] == 0, "the bad record was posted anyway"
    for other in others:
        assert posted[other["id"]] == 1, f"{other['id']} was not posted exactly once"


def assert_retried_after_repair(world: World, object_name: str, bad: Raw, entity: str) -> None:
    """Repair the record; the next run's retry posts it once and empties its queue entry."""
    repair(world, object_name, bad)
    result = world.run(object_name)
    assert bad["id"] not in world.waiting(object_name), result
    assert world.sap_ids(entity)[bad["id"]] == 1


def _sale_case(world: World, words: str, where: Any = None, **changes: Any) -> None:
    bad, *others = world.fresh_sales(3, where)
    spoil(world, "sales", bad, **changes)
    assert_fails_alone(world, "sales", bad, words, others, "Invoices")
    assert_retried_after_repair(world, "sales", bad, "Invoices")


def test_unknown_item(clean_world: World) -> None:
    world = clean_world
    bad, *others = world.fresh_sales(3)
    spoil(world, "sales", bad, lines=with_line(bad, sku="NO-SUCH-ITEM"))
    assert_fails_alone(
        world,
        "sales",
        bad,
        "item 'NO-SUCH-ITEM' does not exist in SAP Business One",
        others,
        "Invoices",
    )
    assert_retried_after_repair(world, "sales", bad, "Invoices")


def test_unknown_customer(clean_world: World) -> None:
    _sale_case(
        clean_world,
        "no customers record with id cu_does_not_exist",
        customer_id="cu_does_not_exist",
    )


def test_unmapped_tender(clean_world: World) -> None:
    def paid(sale: Raw) -> bool:
        return sale["status"] == "completed" and bool(sale["tenders"])

    world = clean_world
    bad, *others = world.fresh_sales(3, paid)
    tenders = [dict(t) for t in bad["tenders"]]
    tenders[0]["type"] = "voucher"
    spoil(world, "sales", bad, tenders=tenders)
    result = world.run("sales")
    assert result.status == "partial"
    message = world.last_failure("sales", bad["id"])
    assert "tender 'voucher' is not mapped to an SAP payment means" in message
    assert "Integration Hub → Mappings → Tenders" in message
    assert bad["id"] in world.waiting("sales")
    assert world.sap_ids("IncomingPayments")[bad["id"]] == 0, "paid without its tender"
    for other in others:
        assert world.sap_ids("Invoices")[other["id"]] == 1
    repair(world, "sales", bad)
    world.run("sales")
    assert bad["id"] not in world.waiting("sales")
    assert world.sap_ids("IncomingPayments")[bad["id"]] == 1


def test_unmapped_store(clean_world: World) -> None:
    world = clean_world
    bad, *others = world.fresh_sales(3)
    with world.database.session() as session:
        mapping = session.scalars(
            select(StoreMapping).where(
                StoreMapping.template_id == world.template_id,
                StoreMapping.store_id == bad["store_id"],
            )
        ).one()
        saved = {
            c: getattr(mapping, c)
            for c in ("store_id", "store_code", "warehouse_code", "cash_account", "branch_id")
        }
        session.delete(mapping)
    others = [o for o in others if o["store_id"] != bad["store_id"]]
    assert_fails_alone(world, "sales", bad, "is not mapped to an SAP warehouse", others, "Invoices")
    assert "Integration Hub → Mappings → Stores" in world.last_failure("sales", bad["id"])
    with world.database.session() as session:
        session.add(StoreMapping(template_id=world.template_id, **saved))
    world.run("sales")
    assert bad["id"] not in world.waiting("sales")
    assert world.sap_ids("Invoices")[bad["id"]] == 1


def test_a_store_tagrain_does_not_know(clean_world: World) -> None:
    _sale_case(clean_world, "Tagrain store st_99999999 does not exist", store_id="st_99999999")


def test_negative_quantity(clean_world: World) -> None:
    _sale_case_lines(clean_world, "quantity -1.000 is not positive", quantity="-1.000")


def _sale_case_lines(world: World, words: str, **line: Any) -> None:
    bad, *others = world.fresh_sales(3)
    spoil(world, "sales", bad, lines=with_line(bad, **line))
    assert_fails_alone(world, "sales", bad, words, others, "Invoices")
    assert_retried_after_repair(world, "sales", bad, "Invoices")


def test_zero_quantity(clean_world: World) -> None:
    _sale_case_lines(clean_world, "quantity 0.000 is not positive", quantity="0.000")


def test_price_with_too_many_decimals(clean_world: World) -> None:
    _sale_case_lines(clean_world, "unit_price 4.995 has more than 2 decimals", unit_price="4.995")


def test_totals_that_do_not_add_up(clean_world: World) -> None:
    world = clean_world
    bad, *others = world.fresh_sales(3, lambda s: s["status"] == "on_account")
    wrong = str(Decimal(bad["total"]) + Decimal("1.00"))
    spoil(world, "sales", bad, total=wrong)
    assert_fails_alone(world, "sales", bad, f"but the total is {wrong}", others, "Invoices")
    assert_retried_after_repair(world, "sales", bad, "Invoices")


def test_tenders_that_do_not_add_up_to_the_total(clean_world: World) -> None:
    def paid(sale: Raw) -> bool:
        return sale["status"] == "completed" and bool(sale["tenders"])

    world = clean_world
    bad, *others = world.fresh_sales(3, paid)
    tenders = [dict(t) for t in bad["tenders"]]
    tenders[0]["amount"] = str(Decimal(tenders[0]["amount"]) + Decimal("5.00"))
    spoil(world, "sales", bad, tenders=tenders)
    result = world.run("sales")
    assert result.status == "partial"
    assert "tenders add up to" in world.last_failure("sales", bad["id"])
    assert bad["id"] in world.waiting("sales")
    assert world.sap_ids("IncomingPayments")[bad["id"]] == 0
    for other in others:
        assert world.sap_ids("Invoices")[other["id"]] == 1
    repair(world, "sales", bad)
    world.run("sales")
    assert bad["id"] not in world.waiting("sales")
    assert world.sap_ids("IncomingPayments")[bad["id"]] == 1


def test_a_date_in_the_far_future(clean_world: World) -> None:
    _sale_case(clean_world, "is in the future", sold_at="2999-12-31T10:00:00-05:00")


def test_unmapped_expense_category(clean_world: World) -> None:
    world = clean_world
    tagrain = world.sandboxes.tagrain
    ctx = world.context()
    try:
        mapped = set(ctx.rules.expenses)
    finally:
        ctx.close()
    fresh: list[Raw] = []
    for _ in range(200):
        fresh += [
            e for e in world.new_records("expenses", tagrain.live_tick) if e["category"] in mapped
        ]
        if len(fresh) >= 2:
            break
    assert len(fresh) >= 2, "the till rang up too few expenses"
    bad, other = fresh[0], fresh[1]
    spoil(world, "expenses", bad, category="parking_fines")
    result = world.run("expenses")
    assert result.status == "partial"
    message = world.last_failure("expenses", bad["id"])
    assert message == (
        "expense category 'parking_fines' is not mapped to a G/L account "
        "(Integration Hub → Mappings → Expense categories)"
    )
    assert bad["id"] in world.waiting("expenses")
    entries = world.sap_ids("JournalEntries")
    assert entries[bad["id"]] == 0
    assert entries[other["id"]] == 1
    repair(world, "expenses", bad)
    world.run("expenses")
    assert bad["id"] not in world.waiting("expenses")
    assert world.sap_ids("JournalEntries")[bad["id"]] == 1


def test_a_receipt_stored_malformed_fails_alone_run_after_run(clean_world: World) -> None:
    """One receipt Tagrain keeps serving broken must not hold up every later receipt."""
    world = clean_world
    bad, *others = world.fresh_sales(3)
    spoil(world, "sales", bad, sold_at=bad["sold_at"][:19])
    words = "field 'sold_at' is malformed (value has no UTC offset"
    assert_fails_alone(world, "sales", bad, words, others, "Invoices")
    later = world.fresh_sales(2)
    result = world.run("sales")
    with world.database.session() as session:
        failed = set(
            session.scalars(
                select(RecordLog.source_id).where(
                    RecordLog.run_id == result.run_id, RecordLog.status == "failed"
                )
            )
        )
    assert failed == {bad["id"]} and words in world.last_failure("sales", bad["id"]), result
    for sale in later:
        assert world.sap_ids("Invoices")[sale["id"]] == 1, "later receipts went on"
    assert_retried_after_repair(world, "sales", bad, "Invoices")


def test_a_refund_for_a_sale_never_synced(clean_world: World) -> None:
    world = clean_world
    sale = world.fresh_sales(1, lambda s: s["status"] == "completed")[0]
    refund = world.sandboxes.tagrain.refund_sale(sale["id"])
    result = world.run("refunds")
    assert result.failed == 0 and result.waiting >= 1, result
    assert world.sap_ids("CreditNotes")[refund["id"]] == 0, "no memo without its invoice"
    assert refund["id"] in world.waiting("refunds")
    with world.database.session() as session:
        logged = session.scalars(
            select(RecordLog).where(
                RecordLog.object == "refunds", RecordLog.source_id == refund["id"]
            )
        ).one()
    assert (logged.action, logged.status) == ("waiting", "waiting")
    assert logged.message and logged.message.startswith(
        f"waiting for the invoice of sale {sale['receipt_number']} to reach SAP"
    )
    world.run("sales")
    assert world.sap_ids("Invoices")[sale["id"]] == 1
    world.run("refunds")
    assert refund["id"] not in world.waiting("refunds")
    assert world.sap_ids("CreditNotes")[refund["id"]] == 1


def test_a_refund_larger_than_its_sale(clean_world: World) -> None:
    world = clean_world
    sale = world.fresh_sales(1, lambda s: s["status"] == "completed")[0]
    world.run("sales")
    refund = world.sandboxes.tagrain.refund_sale(sale["id"])
    too_much = str(Decimal(sale["total"]) + Decimal("10.00"))
    spoil(world, "refunds", refund, total=too_much)
    result = world.run("refunds")
    assert result.status == "partial"
    message = world.last_failure("refunds", refund["id"])
    assert f"of {too_much} is larger than its sale's total {sale['total']}" in message
    assert refund["id"] in world.waiting("refunds")
    assert world.sap_ids("CreditNotes")[refund["id"]] == 0
    assert world.sap_ids("VendorPayments")[refund["id"]] == 0, "money paid out for a bad refund"
    repair(world, "refunds", refund)
    world.run("refunds")
    assert refund["id"] not in world.waiting("refunds")
    assert world.sap_ids("CreditNotes")[refund["id"]] == 1


def test_sap_400_with_an_error_code_nobody_knows(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(3)
    world.sandboxes.service_layer.spoil_next("unknown_error", "POST", "Invoices")
    result = world.run("sales")
    assert result.status == "partial" and result.failed == 1, result
    with world.database.session() as session:
        failed = session.scalars(
            select(RecordLog).where(RecordLog.run_id == result.run_id, RecordLog.status == "failed")
        ).one()
    assert failed.message == UNKNOWN_ERROR_MESSAGE, "SAP's words, word for word"
    assert failed.source_id in world.waiting("sales")
    posted = world.sap_ids("Invoices")
    for sale in fresh:
        assert posted[sale["id"]] == (0 if sale["id"] == failed.source_id else 1)
    again = world.run("sales")
    assert failed.source_id not in world.waiting("sales")
    with world.database.session() as session:
        log = [
            (r.run_id, r.action, r.message)
            for r in session.scalars(
                select(RecordLog).where(RecordLog.source_id == failed.source_id)
            )
        ]
    sale = world.sandboxes.tagrain.record("sales", failed.source_id)
    assert world.sap_ids("Invoices")[failed.source_id] == 1, (again, log, sale)


def test_sap_answer_without_a_body(clean_world: World) -> None:
    world = clean_world
    fresh = world.fresh_sales(3)
    world.sandboxes.service_layer.spoil_next("no_body", "POST", "Invoices")
    result = world.run("sales")
    assert result.status == "partial" and result.failed == 1, result
    with world.database.session() as session:
        failed = session.scalars(
            select(RecordLog).where(RecordLog.run_id == result.run_id, RecordLog.status == "failed")
        ).one()
    assert "without a body" in (failed.message or ""), failed.message
    assert failed.source_id in world.waiting("sales")
    assert world.sap_ids("Invoices")[failed.source_id] == 1, "posted once, not twice"
    for sale in fresh:
        assert world.sap_ids("Invoices")[sale["id"]] == 1
    retry = world.run("sales")
    assert failed.source_id not in world.waiting("sales")
    with world.database.session() as session:
        actions = set(
            session.scalars(
                select(RecordLog.action).where(
                    RecordLog.run_id == retry.run_id, RecordLog.source_id == failed.source_id
                )
            )
        )
    assert actions & {"linked", "updated"} and "created" not in actions, actions
    assert world.sap_ids("Invoices")[failed.source_id] == 1, "found, not posted again"
