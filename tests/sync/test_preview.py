"""A dry run (preview) changes nothing: not SAP, not Tagrain, not the store — checked on the books.

Each object, and all of them, previewed on a fresh sandbox whose template
keeps the demo's marks: SAP's ``$count`` and a checksum of every entity set
the sync writes, every Tagrain collection read through its API, and the
store's links, watermarks, retry queue, marks and runs are compared before
and after. The preview run itself is the only new row, flagged as a preview,
and its log says what would have been written (refunds, whose sales are
not in SAP on a fresh sandbox, say what they would wait for).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.connectors.sapb1 import ServiceLayerClient
from app.sandbox.launcher import RunningSandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Link, PendingRetry, RecordLog, Run, SyncMark, Watermark
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS

SAP_SETS = (
    "BusinessPartners",
    "Items",
    "Invoices",
    "CreditNotes",
    "IncomingPayments",
    "VendorPayments",
    "JournalEntries",
    "SerialNumberDetails",
    "BatchNumberDetails",
)
"""Every entity set the sync writes (serials and batches move with the documents)."""
TAGRAIN_COLLECTIONS = (
    "customer-groups",
    "product-groups",
    "manufacturers",
    "customers",
    "products",
    "sales",
    "refunds",
    "expenses",
    "stores",
)


def _checksum(rows: list[Any]) -> str:
    text = json.dumps(rows, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def sap_books(context: SyncContext) -> dict[str, tuple[int, str]]:
    """``$count`` and a checksum of every entity set the sync writes, through the SL."""
    client = ServiceLayerClient(sap_settings(context.rules))
    try:
        books = {}
        for entity in SAP_SETS:
            rows = list(client.iter_entities(entity, page_size=500))
            books[entity] = (client.count(entity), _checksum(rows))
        return books
    finally:
        client.close()


def tagrain_books(context: SyncContext) -> dict[str, str]:
    """A checksum of every Tagrain collection and each store's inventory, through the API."""
    books = {}
    for collection in TAGRAIN_COLLECTIONS:
        rows = [r for page in context.tagrain.iter_pages(collection, lambda raw: raw) for r in page]
        books[collection] = _checksum(rows)
        if collection == "stores":
            for store in rows:
                path = f"stores/{store['id']}/inventory"
                levels = [r for p in context.tagrain.iter_pages(path, lambda raw: raw) for r in p]
                books[path] = _checksum(levels)
    return books


def store_state(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Links, watermarks, retries, marks and runs as plain rows."""
    with database.session() as session:
        return {
            "links": [
                (lk.object, lk.tagrain_id, lk.sap_key, lk.sap_secondary_key, lk.fingerprint)
                for lk in session.scalars(select(Link).order_by(Link.id))
            ],
            "watermarks": [
                (w.object, w.direction, w.value)
                for w in session.scalars(select(Watermark).order_by(Watermark.object))
            ],
            "retries": [
                (r.object, r.source_id, r.attempts, r.last_error)
                for r in session.scalars(select(PendingRetry).order_by(PendingRetry.id))
            ],
            "marks": [
                (m.kind, m.sap_key)
                for m in session.scalars(select(SyncMark).order_by(SyncMark.kind, SyncMark.sap_key))
            ],
            "runs": [
                (r.id, r.object, r.status, r.total)
                for r in session.scalars(select(Run).where(Run.dry_run.is_(False)).order_by(Run.id))
            ],
        }


@pytest.fixture
def demo_template(database: Database, sandboxes: RunningSandboxes) -> int:
    """The Sandbox template with the demo's marks kept, so that every object has work."""
    return ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)


@pytest.fixture
def reader(database: Database, demo_template: int) -> Iterator[SyncContext]:
    """A live context used only to read both systems' books."""
    ctx = SyncContext(database, demo_template)
    yield ctx
    ctx.close()


@pytest.mark.parametrize("object_name", [*OBJECTS, "all"])
def test_a_preview_changes_nothing_in_sap_tagrain_or_the_store(
    database: Database, demo_template: int, reader: SyncContext, object_name: str
) -> None:
    engine = Engine(database, OBJECTS)
    sap, tagrain, store = sap_books(reader), tagrain_books(reader), store_state(database)

    names = list(OBJECTS) if object_name == "all" else [object_name]
    results = [r for name in names for r in engine.run(name, demo_template, dry_run=True)]

    assert all(r.preview and r.status in ("succeeded", "partial") for r in results), results
    assert sap_books(reader) == sap
    assert tagrain_books(reader) == tagrain
    assert store_state(database) == store
    with database.session() as session:
        previews = session.scalars(select(Run).where(Run.dry_run.is_(True))).all()
        assert sorted(r.id for r in previews) == sorted(r.run_id for r in results)
        logged = session.scalars(
            select(RecordLog.message).where(RecordLog.run_id.in_([r.run_id for r in results]))
        ).all()
    assert logged, f"the preview of {object_name} logged no record"
    said = [m for m in logged if m and ("would " in m or m.startswith("waiting for"))]
    if object_name != "inventory":  # nothing is linked on a fresh sandbox: no snapshot to send
        assert said, f"the preview of {object_name} says nothing it would write or wait for"


def test_a_sales_preview_lists_the_customers_items_invoices_and_payments_it_would_post(
    database: Database, demo_template: int
) -> None:
    engine = Engine(database, OBJECTS)
    [result] = engine.run("sales", demo_template, dry_run=True)

    with database.session() as session:
        messages = [
            m
            for m in session.scalars(
                select(RecordLog.message).where(RecordLog.run_id == result.run_id)
            )
            if m
        ]
    text = "\n".join(messages)
    assert "would create SAP A/R invoice Invoices:-" in text
    assert "would create SAP incoming payment" in text
    assert "would create SAP business partner" in text, "a new customer is previewed, not created"
    assert re.search(r"; line \d+ A\d{5} serials A\d{5}-[A-Z]+-\d{4}", text), "serials listed"
    assert re.search(r"; line \d+ A\d{5} batches A\d{5}-L\d{2} × \d", text), "batches listed"
    assert result.created > 0 and result.preview


def test_the_command_line_preview_lists_the_first_records_then_counts(
    database: Database,
    database_file: Path,
    demo_template: int,
    reader: SyncContext,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import main

    invoices = reader.sap.client.count("Invoices")
    url = f"sqlite:///{database_file}"

    assert main(["--database", url, "sync", "sales", "--dry-run"]) in (0, 1)
    out = capsys.readouterr().out.splitlines()

    assert out[0].startswith("Preview: nothing is written")
    listed = [line for line in out if line.startswith("  sales ")]
    assert len(listed) == 50, "the first 50 records, one line each"
    assert any("would create SAP A/R invoice" in line for line in listed)
    assert any(line.startswith("  … only the first 50 records") for line in out)
    summary = next(line for line in out if line.startswith("sales: preview "))
    assert " would be created" in summary
    assert reader.sap.client.count("Invoices") == invoices

    assert main(["--database", url, "runs"]) == 0
    runs = capsys.readouterr().out
    assert " cli preview " in runs
