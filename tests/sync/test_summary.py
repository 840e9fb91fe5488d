"""The daily summary counts what users check each morning, and e-mails it."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete

from app.connectors.sapb1 import ServiceLayerClient
from app.store import Database, TenderMapping
from app.sync.context import SyncContext, sap_settings
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.mapping.money import local_date
from app.sync.reconcile.daily import check_day, subject_note
from app.sync.summary import MailSettings, as_csv, as_text, daily_summary, send_summary

UTC_ZONE = ZoneInfo("UTC")


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message over loopback."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink ready\r\n")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    body += chunk
                self.server.messages.append(body.decode())  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_summary_counts_successes_failures_and_retries_and_is_mailed(
    database: Database, template_id: int, smtp_sink: socketserver.ThreadingTCPServer
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)
    with database.session() as session:
        session.execute(delete(TenderMapping).where(TenderMapping.tender_type == "card"))
    first = engine.run("sales", template_id, trigger="schedule")[-1]
    assert first.failed > 0
    with database.session() as session:
        session.add(
            TenderMapping(
                template_id=template_id,
                tender_type="card",
                payment_means="credit_card",
                credit_card_code=1,
            )
        )
    engine.run("sales", template_id, retries_only=True, trigger="retry")

    today = datetime.now(UTC_ZONE).date()
    rows = {row.object: row for row in daily_summary(database, today, UTC_ZONE)}
    sales = rows["sales"]
    assert sales.runs == 2
    assert sales.failed == 0, "a record a retry put through the same day is retried, not failed"
    assert sales.retried == first.failed
    assert sales.succeeded == first.created + first.failed
    assert sales.waiting == 0
    assert rows["customers"].succeeded > 0
    assert rows["customers_up"].label == "Customers (SAP → Tagrain)"
    assert rows["products_down"].label == "Products (Tagrain → SAP)"
    text = as_text(list(rows.values()), today)
    assert "customers_up" not in text and "products_down" not in text
    assert "Customers (SAP → Tagrain)" in text and "Sales" in text
    assert "\nSandbox,Sales,2,0," not in as_csv(list(rows.values()))
    assert f"\nSandbox,Sales,2,{sales.succeeded},{first.failed},0,0," in as_csv(list(rows.values()))

    send_summary(
        MailSettings(
            host="127.0.0.1",
            port=smtp_sink.server_address[1],
            sender="hub@example.com",
            recipients=("accounts@example.com",),
        ),
        list(rows.values()),
        today,
    )
    (message,) = smtp_sink.messages  # type: ignore[attr-defined]
    assert f"Subject: Integration Hub summary {today.isoformat()}" in message
    assert "To: accounts@example.com" in message
    assert "integration-hub-" in message and ".csv" in message


def test_a_record_that_still_fails_after_its_retry_counts_once_as_failed(
    database: Database, template_id: int
) -> None:
    engine = Engine(database, OBJECTS)
    engine.run("customers", template_id)
    engine.run("products", template_id)
    with database.session() as session:
        session.execute(delete(TenderMapping).where(TenderMapping.tender_type == "card"))
    first = engine.run("sales", template_id, trigger="schedule")[-1]
    again = engine.run("sales", template_id, retries_only=True, trigger="retry")[-1]
    assert first.failed > 0 and again.status == "failed" and again.failed == first.failed

    sales = next(
        r
        for r in daily_summary(database, datetime.now(UTC_ZONE).date(), UTC_ZONE)
        if r.object == "sales"
    )
    assert (sales.runs, sales.failed, sales.retried, sales.waiting) == (
        2,
        first.failed,
        0,
        first.failed,
    )


def test_a_day_without_runs_says_so(database: Database) -> None:
    rows = daily_summary(database, datetime(2020, 1, 1).date(), UTC_ZONE)
    assert rows == []
    assert "nothing ran" in as_text(rows, datetime(2020, 1, 1).date())
    assert as_csv(rows).splitlines() == [
        "template,object,runs,succeeded,retried,failed,waiting,waiting_reasons"
    ]


def test_the_summary_reports_yesterdays_reconciliation_and_its_mail_says_when_books_differ(
    database: Database,
    template_id: int,
    context: SyncContext,
    smtp_sink: socketserver.ThreadingTCPServer,
) -> None:
    engine = Engine(database, OBJECTS)
    for name in OBJECTS:
        engine.run(name, template_id)
    refunded = {r.sale_id for r in context.tagrain.iter_refunds()}
    sale = next(
        s
        for s in context.tagrain.iter_sales()
        if s.status == "completed" and s.id not in refunded and sum(t.amount for t in s.tenders)
    )
    store = context.tagrain.get_store(sale.store_id)
    day = local_date(sale.sold_at, store.timezone)
    clean = check_day(database, day)
    assert [(c.template, c.matches) for c in clean] == [("Sandbox", True)]
    assert "  Sandbox: matches" in as_text([], day + timedelta(days=1), clean)
    assert subject_note(clean) == ""

    with ServiceLayerClient(sap_settings(context.rules)) as client:
        (payment,) = client.iter_entities(
            "IncomingPayments", filter=f"U_TG_ID eq '{sale.id}'", select=["DocEntry"]
        )
        client.cancel("IncomingPayments", payment["DocEntry"])
    checks = check_day(database, day)
    text = as_text([], day + timedelta(days=1), checks)
    assert f"Reconciliation of {day.isoformat()}" in text
    assert f"  Sandbox: DOES NOT MATCH in {store.code} (1 record)" in text

    send_summary(
        MailSettings(
            host="127.0.0.1",
            port=smtp_sink.server_address[1],
            sender="hub@example.com",
            recipients=("accounts@example.com",),
        ),
        [],
        day + timedelta(days=1),
        checks,
    )
    (message,) = smtp_sink.messages  # type: ignore[attr-defined]
    subject = f"Integration Hub summary {(day + timedelta(days=1)).isoformat()}"
    assert f"Subject: {subject} - books do not match on {day.isoformat()}" in message
    assert "DOES NOT MATCH" in message
