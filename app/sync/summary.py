"""The daily summary: successes, retries and failures per object, for one local day.

Users of every peer ask for it: one glance each morning at what was synced,
what needed a second try, and what still fails. It is computed from the run
history in the store, so the client, the CLI and the service agree.
"""

from __future__ import annotations

import csv
import io
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.store import DailySummary, Database, PendingRetry, RecordLog, Run, Template
from app.sync import waiting as waits
from app.sync.jobs import JOB_LABELS
from app.sync.reconcile import daily as reconciled

SOURCE_CHUNK = 500
"""Source ids per look-up (SQL Server takes at most 2,100 parameters a statement)."""


@dataclass(frozen=True)
class SummaryRow:
    """One object of one template on one day."""

    template: str
    object: str
    runs: int
    succeeded: int
    retried: int
    failed: int
    waiting: int
    waiting_reasons: str = ""
    """Why records wait, grouped: "12 waiting: 9 posting period locked (2026-11), …"."""

    @property
    def label(self) -> str:
        """The user's name of the object: "Customers (SAP → Tagrain)", not ``customers_up``."""
        return JOB_LABELS.get(self.object, self.object)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a local day."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def _by_key(rows: Sequence[Any]) -> dict[tuple[int, str], int]:
    return {(template_id, object_name): count for template_id, object_name, count in rows}


@dataclass(frozen=True)
class DayCounts:
    """What the record log says about one day: per (template id, object), the counts."""

    runs: dict[tuple[int, str], int]
    succeeded: dict[tuple[int, str], int]
    retried: dict[tuple[int, str], int]
    failed: dict[tuple[int, str], int]

    def objects(self) -> set[tuple[int, str]]:
        """Every (template id, object) that ran or logged a record on the day."""
        return set(self.runs) | set(self.succeeded) | set(self.retried) | set(self.failed)


def day_counts(session: Session, day: date, tz: tzinfo) -> DayCounts:
    """Runs, successes, retries and failures of ``day`` (local to ``tz``), from the record log.

    The day's runs come first (by their start time); their records are then
    read by run id, so a log of millions of rows is searched, never scanned.
    """
    start, end = day_bounds(day, tz)
    in_day = and_(Run.started_at >= start, Run.started_at < end, Run.dry_run.is_(False))
    owner = {
        run_id: (template_id, object_name)
        for run_id, template_id, object_name in session.execute(
            select(Run.id, Run.template_id, Run.object).where(in_day)
        )
    }
    runs: dict[tuple[int, str], int] = {}
    for key in owner.values():
        runs[key] = runs.get(key, 0) + 1
    day_runs = select(Run.id).where(in_day)
    succeeded: dict[tuple[int, str], int] = {}
    first_id = last_id = None
    for run_id, count, low, high in session.execute(
        select(
            RecordLog.run_id,
            func.count(RecordLog.id),
            func.min(RecordLog.id),
            func.max(RecordLog.id),
        )
        .where(
            RecordLog.run_id.in_(day_runs),
            RecordLog.status == "ok",
            RecordLog.action != "skipped",
        )
        .group_by(RecordLog.run_id)
    ):
        succeeded[owner[run_id]] = succeeded.get(owner[run_id], 0) + count
        first_id = low if first_id is None else min(first_id, low)
        last_id = high if last_id is None else max(last_id, high)
    later, later_run = aliased(RecordLog), aliased(Run)
    went_through_later = (
        select(later.id)
        .join(later_run, later_run.id == later.run_id)
        .where(
            later.object == RecordLog.object,
            later.source_id == RecordLog.source_id,
            later.status == "ok",
            later.id > RecordLog.id,
            later_run.started_at < end,
            later_run.dry_run.is_(False),
        )
        .exists()
    )
    failed = _distinct_sources(
        owner,
        session.execute(
            select(RecordLog.run_id, RecordLog.source_id).where(
                RecordLog.run_id.in_(day_runs), RecordLog.status == "failed", ~went_through_later
            )
        ),
    )
    retried = (
        {} if first_id is None or last_id is None else _retried(session, owner, first_id, last_id)
    )
    return DayCounts(runs, succeeded, retried, failed)


def _retried(
    session: Session, owner: dict[int, tuple[int, str]], first_id: int, last_id: int
) -> dict[tuple[int, str], int]:
    """Distinct records of the day's runs that went through after an earlier failure.

    Driven from the failures before the day's last success (few, found by the
    status index), each looked up among the successes logged between the
    day's first and last (``first_id``, ``last_id``: the index holds the row
    id, so other days' rows are passed over in the index), rather than a
    look-up for every success of the day.
    """
    first_failure = {
        (object_name, source_id): first
        for object_name, source_id, first in session.execute(
            select(RecordLog.object, RecordLog.source_id, func.min(RecordLog.id))
            .where(RecordLog.status == "failed", RecordLog.id < last_id)
            .group_by(RecordLog.object, RecordLog.source_id)
        )
    }
    by_object: dict[str, list[str]] = {}
    for object_name, source_id in first_failure:
        by_object.setdefault(object_name, []).append(source_id)
    went_through = []
    for object_name, sources in by_object.items():
        for at in range(0, len(sources), SOURCE_CHUNK):
            for run_id, source_id, row_id in session.execute(
                select(RecordLog.run_id, RecordLog.source_id, RecordLog.id).where(
                    RecordLog.status == "ok",
                    RecordLog.object == object_name,
                    RecordLog.source_id.in_(sources[at : at + SOURCE_CHUNK]),
                    RecordLog.id >= first_id,
                    RecordLog.id <= last_id,
                    RecordLog.action != "skipped",
                )
            ):
                if run_id in owner and row_id > first_failure[(object_name, source_id)]:
                    went_through.append((run_id, source_id))
    return _distinct_sources(owner, went_through)


def _distinct_sources(
    owner: dict[int, tuple[int, str]], rows: Iterable[Any]
) -> dict[tuple[int, str], int]:
    """How many distinct source ids the (run id, source id) rows hold per (template, object)."""
    sources: dict[tuple[int, str], set[str]] = {}
    for run_id, source_id in rows:
        sources.setdefault(owner[run_id], set()).add(source_id)
    return {key: len(found) for key, found in sources.items()}


def kept_counts(session: Session, day: date) -> DayCounts | None:
    """The counts kept for ``day`` when its record detail was pruned (None: not pruned)."""
    rows = session.scalars(select(DailySummary).where(DailySummary.day == day)).all()
    if not rows:
        return None
    return DayCounts(
        {(r.template_id, r.object): r.runs for r in rows},
        {(r.template_id, r.object): r.succeeded for r in rows},
        {(r.template_id, r.object): r.retried for r in rows},
        {(r.template_id, r.object): r.failed for r in rows},
    )


def keep_day(database: Database, day: date, tz: tzinfo) -> int:
    """Save ``day``'s counts before its detail is pruned; the number of rows saved.

    A day already kept is left as it is.
    """
    with database.session() as session:
        if kept_counts(session, day) is not None:
            return 0
        counts = day_counts(session, day, tz)
        for template_id, object_name in counts.objects():
            key = (template_id, object_name)
            session.add(
                DailySummary(
                    day=day,
                    template_id=template_id,
                    object=object_name,
                    runs=counts.runs.get(key, 0),
                    succeeded=counts.succeeded.get(key, 0),
                    retried=counts.retried.get(key, 0),
                    failed=counts.failed.get(key, 0),
                )
            )
        return len(counts.objects())


def daily_summary(database: Database, day: date, tz: tzinfo) -> list[SummaryRow]:
    """What each object of each template did on ``day`` (local to ``tz``).

    ``succeeded`` counts records created, updated, linked or cancelled;
    ``retried`` those of them that had failed before; ``failed`` the records
    that failed on the day and did not go through later that day (one that a
    retry put through is retried, not failed); ``waiting`` the records still
    queued for a retry now (failed ones and those waiting for another object's
    record), and ``waiting_reasons`` why the waiting ones wait. Previews (dry runs)
    wrote nothing and are left out. A day whose record detail was pruned
    shows the counts kept for it (``keep_day``).
    """
    with database.session() as session:
        counts = kept_counts(session, day) or day_counts(session, day, tz)
        waiting = _by_key(
            session.execute(
                select(
                    PendingRetry.template_id, PendingRetry.object, func.count(PendingRetry.id)
                ).group_by(PendingRetry.template_id, PendingRetry.object)
            ).all()
        )
        queued: dict[tuple[int, str], list[str | None]] = {}
        for template_id, object_name, message in session.execute(
            select(PendingRetry.template_id, PendingRetry.object, PendingRetry.last_error)
        ):
            queued.setdefault((template_id, object_name), []).append(message)
        names = dict(session.execute(select(Template.id, Template.name)).all())
    keys = counts.objects() | set(waiting)
    rows = []
    order = {name: n for n, name in enumerate(JOB_LABELS)}

    def position(key: tuple[int, str]) -> tuple[str, int, str]:
        return names.get(key[0], ""), order.get(key[1], len(order)), key[1]

    for key in sorted(keys, key=position):
        template_id, object_name = key
        rows.append(
            SummaryRow(
                template=names.get(template_id, str(template_id)),
                object=object_name,
                runs=counts.runs.get(key, 0),
                succeeded=counts.succeeded.get(key, 0),
                retried=counts.retried.get(key, 0),
                failed=counts.failed.get(key, 0),
                waiting=waiting.get(key, 0),
                waiting_reasons=waits.describe(queued.get(key, [])),
            )
        )
    return rows


HEADER = (
    "template",
    "object",
    "runs",
    "succeeded",
    "retried",
    "failed",
    "waiting",
    "waiting_reasons",
)


def as_csv(rows: list[SummaryRow]) -> str:
    """The summary as CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            (
                row.template,
                row.label,
                row.runs,
                row.succeeded,
                row.retried,
                row.failed,
                row.waiting,
                row.waiting_reasons,
            )
        )
    return out.getvalue()


def as_text(rows: list[SummaryRow], day: date, checks: Sequence[reconciled.DayCheck] = ()) -> str:
    """The summary as an aligned plain-text table, for the console and e-mail.

    ``checks``: the reconciliation of the day before, added as its own section.
    """
    lines = [f"Integration Hub summary for {day.isoformat()}", ""]
    lines.append(
        f"{'Template':<16}{'Object':<28}{'Runs':>6}{'OK':>8}{'Retried':>9}{'Failed':>8}"
        f"{'Waiting':>9}"
    )
    for r in rows:
        lines.append(
            f"{r.template[:15]:<16}{r.label[:27]:<28}{r.runs:>6}{r.succeeded:>8}"
            f"{r.retried:>9}{r.failed:>8}{r.waiting:>9}"
        )
    reasons = [r for r in rows if r.waiting_reasons]
    if reasons:
        lines.append("")
        lines.append("Why records wait:")
        lines.extend(f"  {r.template} / {r.label}: {r.waiting_reasons}" for r in reasons)
    if not rows:
        lines.append("nothing ran")
    if checks:
        lines.extend(["", *reconciled.lines(checks)])
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class MailSettings:
    """An SMTP server the user configured (the password comes from the keyring)."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    starttls: bool = True


def send_summary(
    settings: MailSettings,
    rows: list[SummaryRow],
    day: date,
    checks: Sequence[reconciled.DayCheck] = (),
) -> None:
    """E-mail the summary as text with the CSV attached; the subject says when books differ."""
    message = EmailMessage()
    message["Subject"] = (
        f"Integration Hub summary {day.isoformat()}{reconciled.subject_note(checks)}"
    )
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message.set_content(as_text(rows, day, checks))
    message.add_attachment(
        as_csv(rows).encode("utf-8"),
        maintype="text",
        subtype="csv",
        filename=f"integration-hub-{day.isoformat()}.csv",
    )
    with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
        smtp.ehlo()
        if settings.starttls and smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if settings.user and settings.password:
            smtp.login(settings.user, settings.password)
        smtp.send_message(message)
