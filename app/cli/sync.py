"""The sync commands of ``integration-hub``: sync, init, runs and retry-failed.

They do what the GUI's Sync Now, initial load, monitor and Retry do, against
the same store, so a run started here shows up in the client's monitor.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.cli.base import add_command, template_option
from app.cli.errors import EXIT_FAILED, EXIT_OK, UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.store import Database
    from app.sync.runner import RunResult


def register(subparsers: Any) -> None:
    """Register ``sync``, ``init``, ``runs``, ``summary`` and ``retry-failed``."""
    sync = add_command(subparsers, "sync", run, help="synchronize one object or all of them")
    sync.add_argument("object", help="an object (customers, products, sales ...) or 'all'")
    template_option(sync)
    sync.add_argument("--full", action="store_true", help="read everything, not only changes")
    sync.add_argument("--dry-run", action="store_true", help="show what would change")
    init = add_command(
        subparsers,
        "init",
        run,
        help="initial load: groups, marked customers and items, all Tagrain customers",
    )
    template_option(init)
    init.add_argument(
        "--dry-run",
        action="store_true",
        help="show what the load would create, and what linking twins would change on each "
        "side, field by field; write nothing",
    )
    runs = add_command(subparsers, "runs", run, help="list recent sync runs")
    runs.add_argument(
        "--failed",
        action="store_true",
        help="records that still wait for a retry, with their latest failure",
    )
    runs.add_argument(
        "--all",
        action="store_true",
        help="with --failed: every failure logged, marked 'waits' or 'resolved'",
    )
    runs.add_argument("--limit", type=int, default=20, help="how many rows (default 20)")
    summary = add_command(
        subparsers,
        "summary",
        run,
        help="the daily summary: successes, retries and failures per object",
    )
    summary.add_argument("--date", help="the local day, YYYY-MM-DD (default: today)")
    summary.add_argument("--csv", metavar="FILE", help="also write the summary as CSV")
    summary.add_argument("--email-to", metavar="ADDRESS", nargs="+", help="e-mail it")
    summary.add_argument("--smtp-host", default="localhost")
    summary.add_argument("--smtp-port", type=int, default=587)
    summary.add_argument("--smtp-user", help="SMTP login; its password is read from the keyring")
    summary.add_argument("--email-from", default="integration-hub@localhost")
    summary.add_argument(
        "--no-reconcile",
        action="store_true",
        help="leave out the reconciliation of the day before (read live from both systems)",
    )
    summary.add_argument(
        "--set-smtp-password",
        action="store_true",
        help="ask for the SMTP password and keep it in the keyring",
    )
    retry = add_command(subparsers, "retry-failed", run, help="retry the records that failed")
    retry.add_argument("object", nargs="?", help="one object (default: every object)")
    template_option(retry)


def run(args: argparse.Namespace) -> int:
    """Run one of the group's commands."""
    commands = {
        "sync": _sync,
        "init": _init,
        "runs": _runs,
        "retry-failed": _retry_failed,
        "summary": _summary,
    }
    return commands[args.command](args)


PREVIEW_ROWS = 50
"""How many records a dry run prints one by one before it prints only counts."""


def _describe(result: RunResult) -> str:
    verb = "would be " if result.preview else ""
    waiting = f", {result.waiting} waiting" if result.waiting else ""
    return (
        f"{result.object_name}: {'preview ' if result.preview else ''}{result.status} - "
        f"{result.created} {verb}created, {result.updated} {verb}updated, "
        f"{result.skipped} skipped, {result.failed} failed{waiting} (run {result.run_id})"
        + (f": {result.message}" if result.message else "")
    )


def _print_preview(database: Database, result: RunResult, shown: int) -> int:
    """Print a preview run's records (up to PREVIEW_ROWS in all); returns how many were shown."""
    from sqlalchemy import select

    from app.store import RecordLog

    with database.session() as session:
        rows = session.execute(
            select(RecordLog.source_id, RecordLog.action, RecordLog.message)
            .where(RecordLog.run_id == result.run_id, RecordLog.action != "skipped")
            .order_by(RecordLog.id)
            .limit(max(0, PREVIEW_ROWS - shown) + 1)
        ).all()
    for source_id, action, message in rows[: max(0, PREVIEW_ROWS - shown)]:
        print(
            f"  {result.object_name} {source_id}: {action}" + (f" - {message}" if message else "")
        )
    printed = min(len(rows), max(0, PREVIEW_ROWS - shown))
    if len(rows) > printed and shown + printed >= PREVIEW_ROWS:
        print(f"  … only the first {PREVIEW_ROWS} records are listed; the counts cover them all")
    return shown + printed


def _run_objects(
    database: Database,
    objects: list[str],
    template: str | None,
    *,
    trigger: str,
    full: bool | None = None,
    dry_run: bool = False,
    retries_only: bool = False,
) -> int:
    from app.sync.engine import Engine
    from app.sync.jobs import OBJECTS
    from app.sync.leases import LeaseHeld

    engine = Engine(database, OBJECTS)
    try:
        template_id = engine.template_id(template)
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    exit_code = EXIT_OK
    shown = 0
    if dry_run:
        print("Preview: nothing is written to SAP, to Tagrain or to the links, marks and queues")
    for name in objects:
        try:
            results = engine.run(
                name,
                template_id,
                trigger=trigger,
                full=full,
                dry_run=dry_run,
                retries_only=retries_only,
            )
        except LeaseHeld as exc:
            print(f"{name}: not started: {exc}")
            exit_code = EXIT_FAILED
            continue
        for result in results:
            if dry_run and shown < PREVIEW_ROWS + 1:
                shown = _print_preview(database, result, shown)
            print(_describe(result), flush=True)
            if result.status != "succeeded":
                exit_code = EXIT_FAILED
    return exit_code


def _sync(args: argparse.Namespace) -> int:
    """``integration-hub sync <object|all>``."""
    from app.store import open_database
    from app.sync.jobs import OBJECTS

    objects = list(OBJECTS) if args.object == "all" else [args.object]
    unknown = [o for o in objects if o not in OBJECTS]
    if unknown:
        raise UsageError(
            f"unknown object {unknown[0]!r}; choose one of {', '.join(OBJECTS)} or all"
        )
    database = open_database(args.database)
    try:
        return _run_objects(
            database,
            objects,
            args.template,
            trigger="cli",
            full=True if args.full else None,
            dry_run=args.dry_run,
        )
    finally:
        database.dispose()


def _init(args: argparse.Namespace) -> int:
    """``integration-hub init [--dry-run]``: the initial load, then the matches for review."""
    from sqlalchemy import select

    from app.store import RecordLog, Run, open_database
    from app.sync.jobs import INIT_ORDER

    database = open_database(args.database)
    started = datetime.now().astimezone()
    try:
        code = _run_objects(
            database,
            list(INIT_ORDER),
            args.template,
            trigger="init",
            full=True,
            dry_run=args.dry_run,
        )
        with database.session() as session:
            linked = session.execute(
                select(
                    RecordLog.object, RecordLog.source_id, RecordLog.target_key, RecordLog.message
                )
                .join(Run, Run.id == RecordLog.run_id)
                .where(
                    RecordLog.action == "linked",
                    Run.started_at >= started,
                    Run.dry_run.is_(args.dry_run),
                )
                .order_by(RecordLog.id)
            ).all()
        _print_linked(linked, dry_run=args.dry_run)
        return code
    finally:
        database.dispose()


def _print_linked(rows: Any, *, dry_run: bool) -> None:
    """The twins linked (or, in a preview, to be linked), each with its field changes.

    A preview runs each direction on its own, so a pair both directions would
    link is listed once.
    """
    from app.sync.first_link import FIRST_LINK

    seen: set[frozenset[str]] = set()
    listed: list[tuple[str, str, str, str]] = []
    for object_name, source_id, target_key, message in rows:
        pair = frozenset((object_name.removesuffix("_up"), source_id, target_key or ""))
        if pair in seen:
            continue
        seen.add(pair)
        _, _, text = (message or "").rpartition(" — ") if dry_run else ("", "", message or "")
        listed.append((object_name, source_id, target_key or "", text))
    verb = "would be linked, not duplicated" if dry_run else "were linked, not duplicated"
    print(f"\n{len(listed)} records already existed on both sides and {verb}:")
    for object_name, source_id, target_key, text in listed:
        head, _, changes = text.partition(FIRST_LINK)
        print(f"  {object_name}: {source_id} <-> {target_key}  {head.rstrip('; ')}".rstrip())
        for change in filter(None, changes.split("; ")):
            print(f"      {change}")


def _runs(args: argparse.Namespace) -> int:
    """``integration-hub runs [--failed]``."""
    from sqlalchemy import select

    from app.store import Run, Template, open_database

    database = open_database(args.database)
    try:
        with database.session() as session:
            if args.failed:
                _print_failed(session, args.limit, history=args.all)
                return EXIT_OK
            runs = session.execute(
                select(Run, Template.name)
                .join(Template, Template.id == Run.template_id)
                .order_by(Run.id.desc())
                .limit(args.limit)
            ).all()
            for run, template_name in runs:
                when = run.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                kind = f"{run.trigger} preview" if run.dry_run else run.trigger
                waiting = f", waiting {run.waiting}" if run.waiting else ""
                print(
                    f"run {run.id}  {when}  {template_name}  {run.object}  {kind}  "
                    f"{run.status}  total {run.total}, created {run.created}, "
                    f"updated {run.updated}, skipped {run.skipped}, failed {run.failed}{waiting}"
                )
            if not runs:
                print("no runs yet")
        return EXIT_OK
    finally:
        database.dispose()


def _print_failed(session: Session, limit: int, *, history: bool) -> None:
    """The records that still wait for a retry, each with its latest failure; or, with
    ``history``, every failure and wait logged, each marked as still waiting or resolved."""
    from sqlalchemy import func, select

    from app.store import PendingRetry, RecordLog, Run, Template

    still_waits = (
        select(PendingRetry.id)
        .where(
            PendingRetry.template_id == Run.template_id,
            PendingRetry.object == RecordLog.object,
            PendingRetry.source_id == RecordLog.source_id,
        )
        .exists()
    )
    query = (
        select(RecordLog, Template.name, still_waits)
        .join(Run, Run.id == RecordLog.run_id)
        .join(Template, Template.id == Run.template_id)
        .where(RecordLog.status.in_(("failed", "waiting")), Run.dry_run.is_(False))
    )
    if not history:
        latest = (
            select(func.max(RecordLog.id))
            .join(Run, Run.id == RecordLog.run_id)
            .where(RecordLog.status.in_(("failed", "waiting")), Run.dry_run.is_(False))
            .group_by(Run.template_id, RecordLog.object, RecordLog.source_id)
        )
        query = query.where(still_waits, RecordLog.id.in_(latest))
    rows = session.execute(query.order_by(RecordLog.id.desc()).limit(limit)).all()
    for record, template_name, waits in rows:
        when = record.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        waiting = "waiting: " if record.status == "waiting" else ""
        state = ("waits  " if waits else "resolved  ") if history else ""
        print(
            f"{when}  {state}{template_name}  {record.object}  {record.source_id}: "
            f"{waiting}{record.message}"
        )
    if not rows:
        print("no failed records" if history else "no records wait for a retry")


def _retry_failed(args: argparse.Namespace) -> int:
    """``integration-hub retry-failed [object]``."""
    from app.store import open_database
    from app.sync.jobs import OBJECTS

    objects = [args.object] if args.object else list(OBJECTS)
    unknown = [o for o in objects if o not in OBJECTS]
    if unknown:
        raise UsageError(f"unknown object {unknown[0]!r}; choose one of {', '.join(OBJECTS)}")
    database = open_database(args.database)
    try:
        return _run_objects(database, objects, args.template, trigger="retry", retries_only=True)
    finally:
        database.dispose()


def _summary(args: argparse.Namespace) -> int:
    """``integration-hub summary [--date D] [--csv FILE] [--email-to ...]``."""
    from datetime import date as date_type
    from pathlib import Path

    from app import secrets
    from app.scheduling import local_zone
    from app.sync.summary import MailSettings, as_csv, as_text, daily_summary, send_summary

    try:
        day = date_type.fromisoformat(args.date) if args.date else datetime.now().date()
    except ValueError:
        raise UsageError(f"--date {args.date!r} is not a date like 2026-11-27") from None
    if args.set_smtp_password:
        import getpass

        secrets.set_secret(
            secrets.MAIL_OWNER, secrets.SecretKind.SMTP_PASSWORD, getpass.getpass("SMTP password: ")
        )
        print("SMTP password stored in the keyring")
        return EXIT_OK
    from datetime import timedelta

    from app.store import open_database
    from app.sync.reconcile.daily import check_day

    database = open_database(args.database)
    try:
        rows = daily_summary(database, day, local_zone())
        checks = [] if args.no_reconcile else check_day(database, day - timedelta(days=1))
    finally:
        database.dispose()
    print(as_text(rows, day, checks), end="")
    if args.csv:
        Path(args.csv).write_text(as_csv(rows), encoding="utf-8")
        print(f"written to {args.csv}")
    if args.email_to:
        password = None
        if args.smtp_user:
            password = secrets.require_secret(secrets.MAIL_OWNER, secrets.SecretKind.SMTP_PASSWORD)
        send_summary(
            MailSettings(
                host=args.smtp_host,
                port=args.smtp_port,
                sender=args.email_from,
                recipients=tuple(args.email_to),
                user=args.smtp_user,
                password=password,
            ),
            rows,
            day,
            checks,
        )
        print(f"e-mailed to {', '.join(args.email_to)}")
    return EXIT_OK
