"""Soak test: the headless service against the live sandbox with faults, then a books check.

    bench/soak [--minutes 30] [--live 3] [--sample 5]
    (the same as: uv run python bench/soak.py ...)

What it does, all in a throw-away INTEGRATION_HUB_HOME:

1. starts ``integration-hub sandbox --live SECONDS`` as its own process with
   faults on both sides: by default the Service Layer answers 5 % of requests
   with 500/502/503 and expires the session every 300th authenticated request;
   Tagrain answers 5 % with 5xx and 429 (Retry-After) beyond 15 requests a
   second. The sandbox writes the ready "Sandbox" template into the store
   and its credentials into the keyring, as it does on a user's machine; the
   keyring is a file in the throw-away home (``tests.support.file_keyring``)
   so nothing touches the account's real keyring;
2. schedules EVERY object every minute, all day, through the schedule
   functions the Synchronization Settings form uses (``save_drafts``);
3. runs ``integration-hub service`` as a real process for ``--minutes`` and
   samples its resident memory (VmRSS from /proc/<pid>/status: Linux only,
   psutil is not a dependency) every ``--sample`` seconds;
4. stops the service with SIGTERM and waits for it to finish its current
   records;
5. restarts the sandbox on the same data without faults or live activity and
   runs one catch-up ``integration-hub sync all``, so that only real losses
   remain missing;
6. compares both sides over HTTP and prints records synced, failures and
   retries per object, duplicates, missing records, and peak/final memory with
   a flatness verdict.

Exit code 0 only if there are no duplicates, nothing is missing, no invoice
total differs from its receipt, memory is flat, and the service stopped
cleanly with exit code 0.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as wall_time
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.connectors.sapb1 import ServiceLayerClient, ServiceLayerSettings
from app.connectors.tagrain import TagrainClient, TagrainSettings
from app.sandbox import demo
from app.scheduling.drafts import ScheduleDraft, save_drafts
from app.store import (
    Database,
    ExpenseMapping,
    PendingRetry,
    RecordLog,
    Run,
    Template,
    open_database,
)
from app.sync.jobs import OBJECTS
from tests.support import file_keyring

SAP_FAULTS = "error_rate=0.05,expire_session_every=300"
TAGRAIN_FAULTS = "error_rate=0.05,rate_limit_per_second=15"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sandbox:
    """A running ``integration-hub sandbox`` process and its URLs."""

    process: subprocess.Popen[str]
    sap_url: str
    tagrain_url: str

    def stop(self) -> int:
        """SIGTERM and wait; returns its exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)


@dataclass
class MemorySampler:
    """Samples a process's VmRSS (kB) from /proc every few seconds in a thread."""

    pid: int
    every: float
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin sampling."""
        origin = time.monotonic()

        def loop() -> None:
            while True:
                rss = rss_kb(self.pid)
                if rss is not None:
                    self.samples.append((time.monotonic() - origin, rss))
                if self._stop.wait(self.every):
                    return

        self._thread = threading.Thread(target=loop, name="rss-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def rss_kb(pid: int) -> int | None:
    """The resident set size of a process in kB (Linux /proc), None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def hub_command(database_url: str, *args: str) -> list[str]:
    """The ``integration-hub`` command run by this Python (so the pid is the app's own)."""
    return [sys.executable, "-m", "app.cli", "--database", database_url, *args]


def start_sandbox(env: dict[str, str], database_url: str, *extra: str) -> Sandbox:
    """Start ``integration-hub sandbox`` on free ports; waits until it serves."""
    process = subprocess.Popen(
        hub_command(database_url, "sandbox", "--sap-port", "0", "--tagrain-port", "0", *extra),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    sap_url = tagrain_url = ""
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line.rstrip())
        if line.startswith("SAP Business One Service Layer:"):
            sap_url = line.split(":", 1)[1].strip().split("/b1s/")[0]
        elif line.startswith("Tagrain API:"):
            tagrain_url = line.split(":", 1)[1].strip().split()[0].split("/api/")[0]
        elif line.startswith("Press Ctrl+C"):
            break
    if not (sap_url and tagrain_url):
        process.kill()
        raise RuntimeError("the sandbox did not start:\n" + "\n".join(seen[-20:]))
    threading.Thread(target=_drain, args=(process.stdout, None), daemon=True).start()
    return Sandbox(process, sap_url, tagrain_url)


def _drain(stream: TextIO, sink: TextIO | None) -> None:
    """Copy a child's output somewhere (or nowhere) so that its pipe never fills."""
    for line in stream:
        if sink is not None:
            sink.write(line)
            sink.flush()


def schedule_everything(database: Database, template_id: int) -> int:
    """Every object of the template every minute, all day, as the settings form saves it."""
    drafts = [
        ScheduleDraft(
            name,
            spec.label,
            enabled=True,
            frequency="daily",
            window_start=wall_time(0, 0),
            window_end=wall_time(23, 59),
            interval_minutes=1,
        )
        for name, spec in OBJECTS.items()
    ]
    return save_drafts(database, template_id, drafts)


@dataclass
class RunStats:
    """What the store says the service did between two moments."""

    runs: dict[str, Counter[str]]
    synced: Counter[str]
    failures: Counter[str]
    retried: Counter[str]
    run_errors: Counter[str]


def run_stats(database: Database, start: datetime, end: datetime) -> RunStats:
    """Runs by status, records synced, failed and retried per object in a time range."""
    window = and_(Run.started_at >= start, Run.started_at <= end)
    earlier = aliased(RecordLog)
    with database.session() as session:
        runs: dict[str, Counter[str]] = defaultdict(Counter)
        for name, status, count in session.execute(
            select(Run.object, Run.status, func.count(Run.id))
            .where(window)
            .group_by(Run.object, Run.status)
        ):
            runs[name][status] = count
        outcomes = session.execute(
            select(RecordLog.object, RecordLog.status, func.count(RecordLog.id))
            .join(Run, Run.id == RecordLog.run_id)
            .where(window, RecordLog.action != "skipped")
            .group_by(RecordLog.object, RecordLog.status)
        ).all()
        retried = session.execute(
            select(RecordLog.object, func.count(func.distinct(RecordLog.source_id)))
            .join(Run, Run.id == RecordLog.run_id)
            .where(
                window,
                RecordLog.status == "ok",
                RecordLog.action != "skipped",
                select(earlier.id)
                .where(
                    earlier.source_id == RecordLog.source_id,
                    earlier.object == RecordLog.object,
                    earlier.status == "failed",
                    earlier.id < RecordLog.id,
                )
                .exists(),
            )
            .group_by(RecordLog.object)
        ).all()
        run_errors = Counter(
            _first_line(message)
            for (message,) in session.execute(
                select(Run.message).where(window, Run.status == "failed")
            )
        )
    synced: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for name, status, count in outcomes:
        (synced if status == "ok" else failures)[name] += count
    return RunStats(runs, synced, failures, Counter(dict(retried)), run_errors)


def _first_line(text: str | None) -> str:
    line = (text or "(no message)").strip().splitlines()[0] if text else "(no message)"
    return line[:160]


def pending(database: Database) -> dict[str, dict[str, str]]:
    """Records still waiting for a retry: object → source id → last error."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    with database.session() as session:
        for name, source_id, error in session.execute(
            select(PendingRetry.object, PendingRetry.source_id, PendingRetry.last_error)
        ):
            found[name][source_id] = error or ""
    return found


def mapped_categories(database: Database) -> set[str]:
    """The expense categories the template maps to a G/L account."""
    with database.session() as session:
        return set(session.scalars(select(ExpenseMapping.category)))


def sap_rows(sap: ServiceLayerClient, entity: str, fields: list[str]) -> list[dict[str, Any]]:
    """Every row of an SAP entity set, only the given fields."""
    return list(sap.iter_entities(entity, select=fields, page_size=500))


def live_documents(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents that are neither cancelled nor a cancellation, with a Tagrain id."""
    return [
        row
        for row in rows
        if row.get("U_TG_ID")
        and row.get("Cancelled") != "tYES"
        and row.get("CancelStatus") != "csCancellation"
    ]


def repeated(values: Iterable[str | None]) -> dict[str, int]:
    """Values that occur more than once (empty values ignored)."""
    counts = Counter(v for v in values if v)
    return {k: n for k, n in counts.items() if n > 1}


@dataclass
class Books:
    """The result of comparing both sides."""

    duplicates: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    by_design: dict[str, Counter[str]] = field(default_factory=dict)
    wrong_totals: list[str] = field(default_factory=list)
    voided_still_posted: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def compare_books(sandbox: Sandbox, database: Database) -> Books:
    """Duplicates and gaps between Tagrain and SAP after the catch-up run."""
    books = Books()
    settings = ServiceLayerSettings(
        sandbox.sap_url, demo.COMPANY_DB, demo.SAP_USER, demo.SAP_PASSWORD
    )
    with (
        ServiceLayerClient(settings) as sap,
        TagrainClient(TagrainSettings(sandbox.tagrain_url, demo.TAGRAIN_API_KEY)) as tagrain,
    ):
        sales = {s.id: s for s in tagrain.iter_sales()}
        refunds = {r.id: r for r in tagrain.iter_refunds()}
        expenses = {e.id: e for e in tagrain.iter_expenses()}
        customers = list(tagrain.iter_customers())
        products = list(tagrain.iter_products())
        document_fields = ["DocEntry", "U_TG_ID", "DocTotal", "Cancelled", "CancelStatus"]
        invoices = live_documents(sap_rows(sap, "Invoices", document_fields))
        credit_memos = live_documents(sap_rows(sap, "CreditNotes", document_fields))
        payment_fields = ["DocEntry", "U_TG_ID", "Cancelled"]
        incoming = live_documents(sap_rows(sap, "IncomingPayments", payment_fields))
        outgoing = live_documents(sap_rows(sap, "VendorPayments", payment_fields))
        journal = [
            r for r in sap_rows(sap, "JournalEntries", ["JdtNum", "U_TG_ID"]) if r.get("U_TG_ID")
        ]
        partners = sap_rows(sap, "BusinessPartners", ["CardCode", "U_TG_ID"])
        items = sap_rows(sap, "Items", ["ItemCode", "U_TG_ID"])
    books.counts = {
        "Tagrain sales": len(sales),
        "Tagrain refunds": len(refunds),
        "Tagrain expenses": len(expenses),
        "SAP invoices": len(invoices),
        "SAP credit memos": len(credit_memos),
        "SAP incoming payments": len(incoming),
        "SAP outgoing payments": len(outgoing),
        "SAP journal entries": len(journal),
    }
    books.duplicates = {
        "SAP invoices per sale": repeated(r["U_TG_ID"] for r in invoices),
        "SAP incoming payments per sale": repeated(r["U_TG_ID"] for r in incoming),
        "SAP credit memos per refund": repeated(r["U_TG_ID"] for r in credit_memos),
        "SAP outgoing payments per refund": repeated(r["U_TG_ID"] for r in outgoing),
        "SAP journal entries per expense": repeated(r["U_TG_ID"] for r in journal),
        "SAP business partners per Tagrain customer": repeated(r["U_TG_ID"] for r in partners),
        "SAP items per Tagrain product": repeated(r["U_TG_ID"] for r in items),
        "Tagrain customers per code": repeated(c.code for c in customers),
        "Tagrain customers per SAP code (external_ref)": repeated(
            c.external_ref for c in customers
        ),
        "Tagrain products per SKU": repeated(p.sku for p in products),
    }
    waiting = pending(database)
    mapped = mapped_categories(database)
    unmapped = [e for e in expenses if expenses[e].category not in mapped]
    if unmapped:
        books.by_design["expenses"] = Counter(
            f"category {expenses[e].category!r} is not mapped in the template" for e in unmapped
        )
    invoiced = {r["U_TG_ID"]: r for r in invoices}
    refunded = {r.sale_id for r in refunds.values()}
    expected = {
        "sales": [s for s in sales if sales[s].status != "voided"],
        "sales (payments)": [
            s for s in sales if sales[s].status == "completed" and sales[s].tenders
        ],
        "refunds": list(refunds),
        "expenses": [e for e in expenses if expenses[e].category in mapped],
    }
    present = {
        "sales": set(invoiced),
        "sales (payments)": {r["U_TG_ID"] for r in incoming},
        "refunds": {r["U_TG_ID"] for r in credit_memos},
        "expenses": {r["U_TG_ID"] for r in journal},
    }
    for name, ids in expected.items():
        queue = waiting.get(name.split(" ")[0], {})
        lost = []
        for record_id in sorted(set(ids) - present[name]):
            error = queue.get(record_id)
            reason = _first_line(error) if error else "not in the failed log: silently lost"
            note = " (the sale has a refund)" if record_id in refunded else ""
            lost.append(f"{record_id}{note}: {reason}")
        books.missing[name] = lost
    for sale_id, invoice in invoiced.items():
        sale = sales.get(sale_id)
        if sale is None:
            continue
        if sale.status == "voided":
            books.voided_still_posted.append(sale_id)
        elif Decimal(str(invoice["DocTotal"])).quantize(Decimal("0.01")) != sale.total:
            books.wrong_totals.append(f"{sale_id}: SAP {invoice['DocTotal']} vs {sale.total}")
    return books


@dataclass(frozen=True)
class Memory:
    """Peak, final and the flatness verdict of the sampled RSS."""

    peak_mb: float
    final_mb: float
    first_mb: float
    last_mb: float
    slope_mb_per_hour: float
    samples: int
    flat: bool
    note: str


def memory_verdict(
    samples: list[tuple[float, int]], warmup: float, tolerance: float
) -> Memory | None:
    """Compare the mean RSS of the last third with the first third after warm-up."""
    if not samples:
        return None
    peak = max(kb for _, kb in samples) / 1024
    final = samples[-1][1] / 1024
    steady = [(t, kb / 1024) for t, kb in samples if t >= warmup]
    if len(steady) < 6:
        return Memory(peak, final, 0, 0, 0, len(samples), False, "too few samples after warm-up")
    third = len(steady) // 3
    first = statistics.fmean(mb for _, mb in steady[:third])
    last = statistics.fmean(mb for _, mb in steady[-third:])
    times = [t for t, _ in steady]
    slope = statistics.linear_regression(times, [mb for _, mb in steady]).slope * 3600
    flat = last <= first * (1 + tolerance)
    note = (
        f"last third {last:.1f} MB vs first third {first:.1f} MB after {warmup:.0f} s warm-up "
        f"({(last / first - 1) * 100:+.1f} %, limit +{tolerance * 100:.0f} %)"
    )
    return Memory(peak, final, first, last, slope, len(samples), flat, note)


def log_errors(home: Path) -> Counter[str]:
    """ERROR lines and tracebacks in the application's log files."""
    found: Counter[str] = Counter()
    for path in sorted((home / "logs").glob("integration-hub.log*")):
        for line in path.read_text(errors="replace").splitlines():
            if " ERROR " in line or line.startswith("Traceback"):
                found[re.sub(r"^\S+ \S+ ", "", line)[:160]] += 1
    return found


def print_table(title: str, rows: Iterator[tuple[str, ...]] | list[tuple[str, ...]]) -> None:
    """A small aligned table."""
    rows = list(rows)
    print(title)
    if not rows:
        print("  (none)")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print the report; the exit code says whether it passed."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30.0, help="service run time")
    parser.add_argument("--live", type=float, default=3.0, help="seconds between live ticks")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--sales", type=int, default=300, help="Tagrain sales seeded at start")
    parser.add_argument(
        "--sap-faults", default=SAP_FAULTS, help="Service Layer faults (default: %(default)s)"
    )
    parser.add_argument(
        "--tagrain-faults", default=TAGRAIN_FAULTS, help="Tagrain faults (default: %(default)s)"
    )
    parser.add_argument("--poll", type=float, default=5.0, help="the service's --poll")
    parser.add_argument(
        "--warmup",
        type=float,
        help="seconds of memory samples to ignore (default: a fifth of the run, at most 5 min)",
    )
    parser.add_argument(
        "--memory-tolerance",
        type=float,
        default=0.10,
        help="allowed growth of the last third's mean RSS over the first third's (0.10 = 10 %%)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary home folder")
    args = parser.parse_args(argv)
    if not Path("/proc/self/status").exists():
        parser.error("memory is sampled from /proc/<pid>/status: Linux only")
    seconds = args.minutes * 60
    warmup = args.warmup if args.warmup is not None else min(300.0, seconds / 5)

    home = Path(tempfile.mkdtemp(prefix="ih-soak-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRATION_HUB_")}
    env.update(
        INTEGRATION_HUB_HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        **file_keyring.environment(home / "keyring.json"),
        PYTHONUNBUFFERED="1",
    )
    database_url = f"sqlite:///{home / 'hub.sqlite3'}"
    began = time.perf_counter()
    print(f"soak: home {home}, {args.minutes:g} min, live tick every {args.live:g} s")
    print(f"soak: SAP faults {args.sap_faults!r}; Tagrain faults {args.tagrain_faults!r}")

    sandbox = start_sandbox(
        env,
        database_url,
        "--live",
        str(args.live),
        "--sales",
        str(args.sales),
        "--sap-faults",
        args.sap_faults,
        "--tagrain-faults",
        args.tagrain_faults,
    )
    database = open_database(database_url)
    failures: list[str] = []
    service_exit: int | None = None
    stop_seconds = 0.0
    try:
        with database.session() as session:
            template_id = session.scalars(select(Template.id)).one()
        changed = schedule_everything(database, template_id)
        print(f"soak: {changed} objects scheduled every minute on template {template_id}")

        service_out = (home / "service.out").open("w")
        started_at = datetime.now(UTC)
        service = subprocess.Popen(
            hub_command(database_url, "service", "--poll", str(args.poll)),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert service.stdout is not None
        drain = threading.Thread(target=_drain, args=(service.stdout, service_out), daemon=True)
        drain.start()
        sampler = MemorySampler(service.pid, args.sample)
        sampler.start()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and service.poll() is None:
            time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
        if service.poll() is not None:
            lasted = seconds - (deadline - time.monotonic())
            failures.append(f"the service ended by itself after {lasted:.0f} s")
        service.send_signal(signal.SIGTERM)
        stopping = time.perf_counter()
        try:
            service_exit = service.wait(timeout=300)
        except subprocess.TimeoutExpired:
            failures.append("the service did not stop within 300 s of SIGTERM")
            service.kill()
            service_exit = service.wait(timeout=10)
        stop_seconds = time.perf_counter() - stopping
        sampler.stop()
        drain.join(timeout=10)
        service_out.close()
        ended_at = datetime.now(UTC)
        if service_exit != 0:
            failures.append(f"the service exited with {service_exit}")

        sandbox.stop()
        sandbox = start_sandbox(env, database_url)
        catch_up_started = datetime.now(UTC)
        catch_up = subprocess.run(
            hub_command(database_url, "sync", "all"),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        catch_up_ended = datetime.now(UTC)
        soak_stats = run_stats(database, started_at, ended_at)
        catch_up_stats = run_stats(database, catch_up_started, catch_up_ended)
        books = compare_books(sandbox, database)
    finally:
        sandbox.stop()
        database.dispose()

    print()
    print(
        f"service: ran {seconds / 60:g} min, stopped {stop_seconds:.1f} s after SIGTERM, "
        f"exit code {service_exit}"
    )
    names = sorted(set(soak_stats.runs) | set(soak_stats.synced) | set(soak_stats.failures))
    print_table(
        "during the soak (scheduled runs, faults on):",
        [("object", "runs", "run statuses", "records synced", "failures", "retried ok")]
        + [
            (
                name,
                str(sum(soak_stats.runs[name].values())),
                ", ".join(f"{k} {v}" for k, v in sorted(soak_stats.runs[name].items())),
                str(soak_stats.synced[name]),
                str(soak_stats.failures[name]),
                str(soak_stats.retried[name]),
            )
            for name in names
        ],
    )
    print(
        f"  total: {sum(soak_stats.synced.values())} records synced, "
        f"{sum(soak_stats.failures.values())} record failures, "
        f"{sum(soak_stats.retried.values())} records ok on a retry"
    )
    print_table(
        "whole-run failures during the soak (message: count):",
        [(f"{n}x", m) for m, n in soak_stats.run_errors.most_common(10)],
    )
    print(
        f"catch-up 'sync all' without faults: exit {catch_up.returncode}, "
        f"{sum(catch_up_stats.synced.values())} records synced, "
        f"{sum(catch_up_stats.failures.values())} failures (exit 1 when any record failed)"
    )
    for line in catch_up.stdout.splitlines():
        if line and not line.startswith(" "):
            print(f"  {line[:150]}")
    print_table("both sides after the catch-up:", [(k, str(v)) for k, v in books.counts.items()])
    duplicates = sum(len(v) for v in books.duplicates.values())
    print_table(
        f"duplicates: {duplicates}",
        [(k, str(len(v)), ", ".join(list(v)[:5])) for k, v in books.duplicates.items()],
    )
    missing = sum(len(v) for v in books.missing.values())
    print_table(
        f"missing: {missing} (should be in SAP after the faults-off catch-up and is not)",
        [(k, str(len(v))) for k, v in books.missing.items()],
    )
    for name, lost in books.missing.items():
        for line in lost[:10]:
            print(f"  {name}: {line}")
    print_table(
        "not in SAP by design (the demo template leaves them unmapped):",
        [(k, f"{n}x", m) for k, c in books.by_design.items() for m, n in c.most_common(5)],
    )
    print(f"invoice totals different from the receipt: {len(books.wrong_totals)}")
    for line in books.wrong_totals[:5]:
        print(f"  {line}")
    print(f"voided sales whose invoice is still live: {len(books.voided_still_posted)}")
    errors = log_errors(home)
    print_table(
        f"ERROR lines in the log: {sum(errors.values())}",
        [(f"{n}x", m) for m, n in errors.most_common(8)],
    )
    memory = memory_verdict(sampler.samples, warmup, args.memory_tolerance)
    if memory is None:
        print("memory: no samples")
        failures.append("no memory samples")
    else:
        print(
            f"memory (VmRSS of the service, {memory.samples} samples every {args.sample:g} s): "
            f"peak {memory.peak_mb:.1f} MB, final {memory.final_mb:.1f} MB, "
            f"trend {memory.slope_mb_per_hour:+.1f} MB/h after warm-up"
        )
        print(f"  {'flat' if memory.flat else 'NOT FLAT'}: {memory.note}")
        if not memory.flat:
            failures.append("memory is not flat")
    if duplicates:
        failures.append(f"{duplicates} duplicates")
    if missing:
        failures.append(f"{missing} missing")
    if books.wrong_totals:
        failures.append(f"{len(books.wrong_totals)} invoice totals differ")
    print(f"soak took {(time.perf_counter() - began) / 60:.1f} min in all; output in {home}")
    if not args.keep and not failures:
        shutil.rmtree(home, ignore_errors=True)
    print("SOAK PASSED" if not failures else "SOAK FAILED: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
