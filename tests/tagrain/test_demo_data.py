"""The demo data as the client reads it: realistic, consistent amounts, deterministic."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from app.connectors.tagrain import Refund, Sale, TagrainClient
from app.sandbox import demo
from app.sandbox.tagrain.amounts import TAX_RATES
from app.sandbox.tagrain.server import TagrainSandbox
from tests.tagrain.conftest import ClientFactory

CENT = Decimal("0.01")


def tax_on(net: Decimal, code: str) -> Decimal:
    return (net * TAX_RATES[code]).quantize(CENT, rounding="ROUND_HALF_UP")


def test_stores_are_the_demo_stores(
    make_client: ClientFactory, demo_sandbox: TagrainSandbox
) -> None:
    stores = make_client(demo_sandbox).list_stores()
    assert [(s.code, s.timezone, len(s.registers)) for s in stores] == [
        (s.code, s.timezone, len(s.registers)) for s in demo.STORES
    ]


def test_customers_overlap_with_sap_by_email_and_code(
    make_client: ClientFactory, demo_sandbox: TagrainSandbox
) -> None:
    customers = list(make_client(demo_sandbox).iter_customers(limit=500))
    sap = list(demo.customers(100))
    emails = {c.email for c in sap}
    codes = {c.code for c in sap}
    by_email = [c for c in customers if c.email in emails]
    by_code = [c for c in customers if c.code in codes]
    assert len(by_email) >= 10 and len(by_code) >= 10
    assert len(customers) - len(by_email) - len(by_code) > len(customers) // 2
    assert {c.group_id for c in customers} <= {
        g.id for g in make_client(demo_sandbox).iter_customer_groups()
    }


def test_products_cover_every_type(
    make_client: ClientFactory, demo_sandbox: TagrainSandbox
) -> None:
    products = list(make_client(demo_sandbox).iter_products(limit=500))
    assert {p.type for p in products} == {"standard", "serial", "batch", "variant", "gift_card"}
    sap_skus = {i.code for i in demo.items(300)}
    assert sap_skus <= {p.sku for p in products}
    pos_only = [p for p in products if p.sku not in sap_skus]
    assert {p.type for p in pos_only} == {"variant", "gift_card"}
    assert any(p.non_stock for p in products if p.sku in sap_skus)
    assert all(p.non_stock for p in products if p.type == "gift_card")


def check_sale(sale: Sale, tax_codes: dict[str, str]) -> None:
    for line in sale.lines:
        assert line.line_total == line.quantity * line.unit_price - line.discount
        assert line.tax_amount == tax_on(line.line_total, tax_codes[line.product_id])
    assert sale.subtotal == sum(line.line_total for line in sale.lines)
    assert sale.tax_total == sum(line.tax_amount for line in sale.lines)
    assert sale.total == sale.subtotal + sale.tax_total
    if sale.status == "on_account":
        assert sale.tenders == () and sale.customer_id is not None
    else:
        assert sum(t.amount for t in sale.tenders) == sale.total


def check_refund(refund: Refund, sale: Sale, tax_codes: dict[str, str]) -> None:
    sold = {line.line_no: line for line in sale.lines}
    for line in refund.lines:
        original = sold[line.sale_line_no]
        assert line.sku == original.sku and line.quantity <= original.quantity
        assert line.unit_price == original.unit_price - original.discount / original.quantity
        assert line.line_total == line.quantity * line.unit_price
        assert line.tax_amount == tax_on(line.line_total, tax_codes[line.product_id])
    assert refund.total == sum(x.line_total + x.tax_amount for x in refund.lines)
    if refund.status == "on_account":
        assert refund.tenders == ()
    else:
        assert sum(t.amount for t in refund.tenders) == refund.total


def test_sales_and_refunds_add_up_exactly(
    make_client: ClientFactory, demo_sandbox: TagrainSandbox
) -> None:
    client = make_client(demo_sandbox)
    tax_codes = {p.id: p.tax_code for p in client.iter_products(limit=500)}
    sales = {s.id: s for s in client.iter_sales(limit=500)}
    for sale in sales.values():
        assert isinstance(sale.total, Decimal)
        assert (
            sale.sold_at.utcoffset()
            == sale.sold_at.astimezone(
                ZoneInfo(next(s.timezone for s in demo.STORES if s.code in sale.receipt_number))
            ).utcoffset()
        )
        check_sale(sale, tax_codes)
    refunds = list(client.iter_refunds(limit=500))
    for refund in refunds:
        check_refund(refund, sales[refund.sale_id], tax_codes)
        assert sales[refund.sale_id].status != "voided"
    statuses = Counter(s.status for s in sales.values())
    assert statuses["completed"] and statuses["on_account"] and statuses["voided"]
    assert any(s.customer_id is None for s in sales.values())
    tender_sets = Counter(tuple(sorted(t.type for t in s.tenders)) for s in sales.values())
    assert {("cash",), ("card",), ("card", "cash"), ()} <= set(tender_sets)
    full = [r for r in refunds if r.total == sales[r.sale_id].total]
    assert full and len(full) < len(refunds)
    assert any(r.status == "on_account" for r in refunds)
    assert any(s.updated_at > s.created_at for s in sales.values())
    sap_skus = {i.code for i in demo.items(300)}
    skus = [line.sku for s in sales.values() for line in s.lines]
    assert sum(sku in sap_skus for sku in skus) > 0.9 * len(skus)


def test_expenses_use_the_demo_categories(
    make_client: ClientFactory, demo_sandbox: TagrainSandbox
) -> None:
    expenses = list(make_client(demo_sandbox).iter_expenses(limit=500))
    categories = {e.category for e in expenses}
    assert {c for c, _ in demo.EXPENSE_CATEGORIES} <= categories
    assert categories <= {c for c, _ in demo.EXPENSE_CATEGORIES} | {demo.UNMAPPED_EXPENSE_CATEGORY}
    assert all(e.amount > 0 and e.paid_at.tzinfo is not None for e in expenses)


def test_the_same_seed_gives_the_same_data() -> None:
    first = TagrainSandbox(sales=80, customers=30, items=40)
    second = TagrainSandbox(sales=80, customers=30, items=40)
    other = TagrainSandbox(sales=80, customers=30, items=40, seed=2)
    try:
        for collection in ("customers", "products", "sales", "refunds", "expenses"):
            assert first.db.bodies(collection) == second.db.bodies(collection)
        assert first.db.bodies("sales") != other.db.bodies("sales")
    finally:
        for sandbox in (first, second, other):
            sandbox.close()


def test_seeding_an_existing_file_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "tagrain.sqlite3"
    first = TagrainSandbox(path, sales=50, customers=20, items=30)
    assert first.seeded_now
    first.live_tick()
    counts = {c: first.count(c) for c in ("customers", "sales", "refunds", "expenses")}
    first.close()
    again = TagrainSandbox(path, sales=50, customers=20, items=30)
    try:
        assert not again.seeded_now
        assert {c: again.count(c) for c in counts} == counts
        again.live_tick()
        assert again.count("sales") > counts["sales"]
    finally:
        again.close()


def test_sale_ids_and_receipts_stay_unique_after_live_ticks(
    client: TagrainClient, sandbox: TagrainSandbox
) -> None:
    for _ in range(5):
        sandbox.live_tick()
    sales = list(client.iter_sales(limit=500))
    assert len({s.receipt_number for s in sales}) == len(sales)


def test_serial_and_batch_lines_carry_numbers_sap_holds_in_the_stores_warehouse(
    make_client: ClientFactory, demo_sandbox: TagrainSandbox, sandbox: TagrainSandbox
) -> None:
    sandbox.live_tick()
    for server in (demo_sandbox, sandbox):
        check_scanned_numbers(make_client(server))


def check_scanned_numbers(client: TagrainClient) -> None:
    products = {p.id: p for p in client.iter_products(limit=500)}
    items = {i.code: i for i in demo.items(300)}
    warehouse = {
        s.id: next(d.warehouse for d in demo.STORES if d.code == s.code)
        for s in client.list_stores()
    }
    sold: Counter[str] = Counter()
    taken: Counter[tuple[str, str, str]] = Counter()
    sales = {s.id: s for s in client.iter_sales(limit=500)}
    for sale in sales.values():
        for line in sale.lines:
            kind = products[line.product_id].type
            if kind == "serial":
                held = set(demo.serial_numbers(items[line.sku], warehouse[sale.store_id]))
                assert len(line.serial_numbers) == line.quantity
                assert set(line.serial_numbers) <= held, (sale.id, line.serial_numbers)
                sold.update(line.serial_numbers)
            elif kind == "batch":
                assert sum(p.quantity for p in line.batches) == line.quantity
                for pick in line.batches:
                    taken[(warehouse[sale.store_id], line.sku, pick.batch)] += int(pick.quantity)
            else:
                assert line.serial_numbers == () and line.batches == ()
    assert sold and taken, "the demo sells serial and batch items"
    assert max(sold.values()) == 1, "a serial was sold twice"
    for (wh, sku, batch), quantity in taken.items():
        assert quantity <= dict(demo.batches(items[sku], wh))[batch]
    for refund in client.iter_refunds(limit=500):
        sale_lines = {line.line_no: line for line in sales[refund.sale_id].lines}
        for line in refund.lines:
            sold_line = sale_lines[line.sale_line_no]
            assert set(line.serial_numbers) <= set(sold_line.serial_numbers)
            assert len(line.serial_numbers) == (line.quantity if sold_line.serial_numbers else 0)
