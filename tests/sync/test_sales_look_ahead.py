"""Sales look-ups made in batches ahead of posting, read back through both APIs.

A run of 140 receipts must post each once and make its look-ups per batch of
sales, not per sale; SAP's sessions are logged out once the run has ended;
a filter naming many long ids stays under the request line Apache takes.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import delete

from app.connectors.sapb1 import ServiceLayerClient
from app.connectors.sapb1.company import SapCompany
from app.connectors.sapb1.records import INVOICE
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, SyncMark
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.jobs.look_ahead import LookAhead, RecentlyListed, growing_batches
from app.sync.jobs.sales import LOOKUP_BATCHES

SALES = 140


@pytest.fixture
def many_sales() -> Iterator[RunningSandboxes]:
    """Sandboxes with 140 receipts (three batches of look-ups: 20, 60 and 60 sales)."""
    running = start_sandboxes(
        SandboxOptions(
            scale=SandboxScale(
                customers=40, items=60, tagrain_customers=30, sales=SALES, refunds=0, expenses=0
            )
        )
    )
    yield running
    running.stop()


@pytest.fixture
def synced(database: Database, many_sales: RunningSandboxes) -> tuple[Engine, int]:
    """Customers and items synced, as a sales run finds them after the initial load."""
    template = ensure_sandbox_template(database, many_sales.sap_url, many_sales.tagrain_url)
    with database.session() as session:
        session.execute(delete(SyncMark).where(SyncMark.template_id == template))
    engine = Engine(database, OBJECTS)
    for name in ("customers", "products"):
        engine.run(name, template, trigger="schedule")
    return engine, template


def _wait_for_logouts() -> None:
    for thread in threading.enumerate():
        if thread.name == "sl-logout":
            thread.join(timeout=10)


def test_a_sales_run_looks_up_per_batch_posts_once_and_logs_out(
    database: Database, many_sales: RunningSandboxes, synced: tuple[Engine, int]
) -> None:
    engine, template = synced
    sl = many_sales.service_layer
    before = len(sl.requests)
    result = engine.run("sales", template, trigger="schedule")[-1]
    assert result.failed == 0, result

    asked = Counter(
        (r.method, r.path.rsplit("/", 1)[-1].split("(")[0]) for r in list(sl.requests)[before:]
    )
    batches = len(list(growing_batches(range(SALES), LOOKUP_BATCHES)))
    assert batches == 3
    # Whether SAP already holds a sale's invoice: one request per batch, never one per sale.
    assert asked[("GET", "Invoices")] == batches
    assert asked[("GET", "IncomingPayments")] == 0
    assert asked[("GET", "Items")] <= batches * 2

    context = SyncContext(database, template)
    try:
        tagrain_sales = {s.id: s for s in context.tagrain.iter_sales() if s.status != "voided"}
    finally:
        context.close()
    client = ServiceLayerClient(sap_settings(context.rules))
    try:
        invoices = list(
            client.iter_entities(
                "Invoices", select=["U_TG_ID", "DocTotal", "Cancelled"], page_size=500
            )
        )
    finally:
        client.close()
    live = Counter(i["U_TG_ID"] for i in invoices if i["Cancelled"] != "tYES")
    assert set(live) == set(tagrain_sales)
    assert max(live.values()) == 1, "a receipt was posted twice"

    _wait_for_logouts()
    assert sl.sessions.live() == [], "a run left its Service Layer sessions logged in"


def test_a_filter_of_many_long_ids_is_split_under_apaches_request_line(
    database: Database, many_sales: RunningSandboxes, synced: tuple[Engine, int]
) -> None:
    engine, template = synced
    engine.run("sales", template, trigger="schedule")
    context = SyncContext(database, template)
    try:
        posted = [s.id for s in context.tagrain.iter_sales() if s.status != "voided"]
    finally:
        context.close()
    long_ids = [f"{'x' * 40}-{n:05d}" for n in range(300)]

    too_long = " or ".join(f"U_TG_ID eq '{i}'" for i in long_ids[:200])
    session = requests.Session()
    login = session.post(
        many_sales.service_layer.service_url("v2") + "Login",
        json=many_sales.service_layer.credentials,
        timeout=10,
    )
    assert login.ok, login.text
    refused = session.get(
        many_sales.service_layer.service_url("v2") + "Invoices",
        params={"$filter": too_long},
        timeout=10,
    )
    assert refused.status_code == 414
    assert "Request-URI Too Long" in refused.text

    company = SapCompany(ServiceLayerClient(sap_settings(context.rules)))
    try:
        found = company.find_documents(INVOICE, long_ids + posted)
    finally:
        company.close()
    assert set(found) == set(posted)


def test_batches_grow_and_records_come_out_in_listing_order_after_their_look_ups() -> None:
    looked_up: list[list[int]] = []
    lock = threading.Lock()

    def look_up(batch: list[int]) -> None:
        with lock:
            looked_up.append(batch)

    records = []
    for record in LookAhead(
        iter(range(250)), look_up, choose=list, sizes=(20, 60), ahead=2, name="t"
    ):
        assert any(record in batch for batch in looked_up), "handed on before its look-up"
        records.append(record)
    assert records == list(range(250))
    assert [len(b) for b in sorted(looked_up, key=lambda b: b[0])] == [20, 60, 60, 60, 50]


def test_a_failed_look_up_stops_after_the_batches_before_it() -> None:
    def look_up(batch: list[int]) -> None:
        if batch[0] >= 80:
            raise RuntimeError("SAP went away")

    received: list[int] = []
    with pytest.raises(RuntimeError, match="SAP went away"):
        for record in LookAhead(
            iter(range(500)), look_up, choose=list, sizes=(20, 60), ahead=2, name="t"
        ):
            received.append(record)
    assert received == list(range(80))


def test_closing_the_records_stops_the_reader() -> None:
    read: list[int] = []

    def listing() -> Iterator[int]:
        for n in range(100_000):
            read.append(n)
            yield n

    records = iter(
        LookAhead(listing(), lambda batch: None, choose=list, sizes=(20, 60), ahead=2, name="t")
    )
    assert [next(records) for _ in range(5)] == [0, 1, 2, 3, 4]
    records.close()  # type: ignore[attr-defined]
    stopped_at = len(read)
    assert stopped_at <= 20 + 60 * 3 + 1
    assert not any(t.name == "t-reader" and t.is_alive() for t in threading.enumerate())


def test_recently_listed_remembers_a_bounded_window() -> None:
    listed = RecentlyListed(3)
    for record_id in ("a", "b", "c", "b", "d"):
        listed.add(record_id)
    assert "a" not in listed
    assert all(record_id in listed for record_id in ("b", "c", "d"))


def test_with_two_at_once_two_batches_are_looked_up_side_by_side() -> None:
    both = threading.Barrier(2, timeout=10)
    met: list[int] = []

    def look_up(batch: list[int]) -> None:
        if batch[0] < 80:  # the first two batches wait for each other: they must run together
            both.wait()
            met.append(batch[0])

    records = LookAhead(
        iter(range(200)), look_up, choose=list, sizes=(20, 60), ahead=2, name="t", at_once=2
    )
    assert list(records) == list(range(200))
    assert sorted(met) == [0, 20]
