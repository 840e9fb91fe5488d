"""A shared world for the bad-input corpus: both sandboxes, a store, the Sandbox template.

The world is module-scoped to keep the corpus fast: it is set up once (initial
load of customers and products, then every seeded sale, refund and expense
posted), and each test rings up fresh receipts on the Tagrain till, spoils
some of them, runs the sync, checks what the user sees, then repairs what it
broke and checks that both sides agree again, so the next test starts clean.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import delete, select

from app import credentials
from app.cli import main as cli_main
from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.faults import FaultPlan
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template, hand_over_credentials
from app.store import Database, PendingRetry, RecordLog, SyncMark, open_database
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.recorder import read_watermark
from app.sync.runner import RunResult
from tests.sync.books import assert_every_sale_posted_once

TINY = SandboxScale(customers=40, items=40, tagrain_customers=20, sales=25, refunds=5, expenses=8)
Raw = dict[str, Any]


@dataclass
class World:
    """Both sandboxes, the store and the template the corpus runs against."""

    sandboxes: RunningSandboxes
    database: Database
    url: str
    template_id: int

    def run(self, object_name: str, **options: Any) -> RunResult:
        """One scheduled run of an object; the last job's result."""
        return self.runs(object_name, **options)[-1]

    def runs(self, object_name: str, **options: Any) -> list[RunResult]:
        """One scheduled run of an object; the result of each of its jobs."""
        engine = Engine(self.database, OBJECTS)
        return engine.run(object_name, self.template_id, trigger="schedule", **options)

    def context(self) -> SyncContext:
        """A sync context of the template (close it after use)."""
        return SyncContext(self.database, self.template_id)

    def watermark(self, object_name: str) -> datetime | None:
        """The object's Tagrain → SAP watermark."""
        return read_watermark(self.database, self.template_id, object_name, "to_sap")

    def failed_report(self) -> str:
        """What ``integration-hub runs --failed`` prints for this store."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli_main(["--database", self.url, "runs", "--failed", "--limit", "500"])
        assert code == 0
        return out.getvalue()

    def last_failure(self, object_name: str, source_id: str) -> str:
        """The message of a record's latest failure in the record log."""
        with self.database.session() as session:
            row = session.scalars(
                select(RecordLog)
                .where(
                    RecordLog.object == object_name,
                    RecordLog.source_id == source_id,
                    RecordLog.status == "failed",
                )
                .order_by(RecordLog.id.desc())
            ).first()
        assert row is not None, f"{object_name} {source_id} has no failure in the record log"
        return row.message or ""

    def waiting(self, object_name: str) -> set[str]:
        """Source ids queued for a retry."""
        with self.database.session() as session:
            return set(
                session.scalars(
                    select(PendingRetry.source_id).where(
                        PendingRetry.template_id == self.template_id,
                        PendingRetry.object == object_name,
                    )
                )
            )

    def new_records(self, collection: str, ring: Callable[[], object]) -> list[Raw]:
        """Records of a Tagrain collection that ``ring`` wrote (live mode leaves sales still)."""
        tagrain = self.sandboxes.tagrain
        before = set(tagrain.ids(collection))
        ring()
        # The till may void or settle its recent sales on a later tick, writing back
        # its own copy over what a test changed; the corpus keeps every sale still.
        tagrain.leave_alone(tagrain.ids("sales"))
        return [
            body
            for id in self.sandboxes.tagrain.ids(collection)
            if id not in before and (body := self.sandboxes.tagrain.record(collection, id))
        ]

    def fresh_sales(self, wanted: int, where: Callable[[Raw], bool] | None = None) -> list[Raw]:
        """Ring up live sales until ``wanted`` new ones match ``where``; returns those.

        The other new sales are left as they are: they go into the same run as
        the spoiled ones and must come through exactly once. A sale voided by
        the till in a later tick of the same call is not returned.
        """
        tagrain = self.sandboxes.tagrain
        new: list[str] = []
        for _ in range(200):
            new += [sale["id"] for sale in self.new_records("sales", tagrain.live_tick)]
            current = [body for id in new if (body := tagrain.record("sales", id))]
            matching = [
                sale
                for sale in current
                if sale["status"] != "voided" and (where is None or where(sale))
            ]
            if len(matching) >= wanted:
                return matching[:wanted]
        raise AssertionError(f"the live till rang up fewer than {wanted} matching sales")

    def sap_ids(self, entity: str) -> Counter[str]:
        """How many live (not cancelled) SAP documents carry each Tagrain id."""
        client = ServiceLayerClient(sap_settings(self.context_rules()))
        try:
            fields = {
                "JournalEntries": ["U_TG_ID"],
                "IncomingPayments": ["U_TG_ID", "Cancelled"],
                "VendorPayments": ["U_TG_ID", "Cancelled"],
            }.get(entity, ["U_TG_ID", "Cancelled", "CancelStatus"])
            rows = client.iter_entities(entity, select=fields, page_size=500)
            return Counter(
                r["U_TG_ID"]
                for r in rows
                if r.get("Cancelled") != "tYES" and r.get("CancelStatus") != "csCancellation"
            )
        finally:
            client.close()

    def context_rules(self) -> Any:
        """The template's rules (for building clients of its own)."""
        ctx = self.context()
        try:
            return ctx.rules
        finally:
            ctx.close()

    def assert_books_agree(self) -> None:
        """No duplicate and no gap on either side for sales, refunds and mapped expenses."""
        ctx = self.context()
        try:
            assert_every_sale_posted_once(ctx)
            refunds = {r.id for r in ctx.tagrain.iter_refunds()}
            expenses = {
                e.id for e in ctx.tagrain.iter_expenses() if e.category in ctx.rules.expenses
            }
        finally:
            ctx.close()
        memos = self.sap_ids("CreditNotes")
        assert max(memos.values(), default=1) == 1, f"a refund was posted twice: {memos}"
        assert set(memos) == refunds, f"refunds missing in SAP: {refunds - set(memos)}"
        entries = self.sap_ids("JournalEntries")
        assert max(entries.values(), default=1) == 1, f"an expense was posted twice: {entries}"
        assert set(entries) == expenses, f"expenses missing in SAP: {expenses - set(entries)}"

    def sync_documents(self) -> dict[str, RunResult]:
        """Run sales, refunds and expenses once each."""
        return {name: self.run(name) for name in ("sales", "refunds", "expenses")}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The corpus's shared world, with everything seeded already posted."""
    folder = tmp_path_factory.mktemp("hardening")
    sandboxes = start_sandboxes(SandboxOptions(scale=TINY))
    url = f"sqlite:///{folder / 'store.sqlite3'}"
    database = open_database(url)
    handed = hand_over_credentials()
    try:
        template_id = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
        with database.session() as session:
            session.execute(delete(SyncMark).where(SyncMark.template_id == template_id))
        world = World(sandboxes, database, url, template_id)
        for name in ("customers", "products", "sales", "refunds", "expenses"):
            result = world.run(name)
            assert result.status in ("succeeded", "partial"), result
        yield world
    finally:
        credentials.unregister(handed)
        database.dispose()
        sandboxes.stop()


@pytest.fixture
def clean_world(world: World) -> Iterator[World]:
    """The shared world; after the test, both sides must agree again."""
    yield world
    world.sandboxes.tagrain.clear_bad_answers()
    world.sandboxes.tagrain.restore_api_key()
    world.sandboxes.tagrain.configure_faults(FaultPlan())
    world.sandboxes.service_layer.configure_faults(FaultPlan())
    world.sync_documents()
    world.assert_books_agree()
