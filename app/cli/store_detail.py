"""``integration-hub store``: how long the shared store keeps record detail, and pruning it.

``store retention`` prints the store-wide retention of the record log (90
days unless changed); ``store retention DAYS`` sets it for every desktop and
the service (0 keeps everything). ``store prune [--dry-run] [--days N]``
keeps the daily summaries of older days and deletes their record detail in
small transactions, as the scheduling owner does once a day by itself;
runs may go on meanwhile.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.base import add_actions, add_command
from app.cli.errors import EXIT_OK, UsageError


def _days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None


def register(subparsers: Any) -> None:
    """Register ``store retention`` and ``store prune`` on the CLI's subparsers."""
    store = add_command(
        subparsers,
        "store",
        run,
        help="how long the store keeps record detail, and pruning older detail",
    )
    actions = add_actions(store, "store_command")
    retention = actions.add_parser(
        "retention", help="print the days of record detail kept, or set them (0: keep all)"
    )
    retention.add_argument("days", nargs="?", type=_days, metavar="DAYS")
    prune = actions.add_parser("prune", help="delete record detail older than the retention")
    prune.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
    )
    prune.add_argument(
        "--days", type=_days, metavar="N", help="keep N days this time instead of the setting"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``store retention`` or ``store prune``."""
    from app.store import open_database
    from app.store import retention as kept

    if args.days is not None:
        try:
            kept.check_days(args.days)
        except kept.RetentionError as exc:
            raise UsageError(str(exc)) from None
    database = open_database(args.database)
    try:
        if args.store_command == "retention":
            return _retention(database, args.days)
        return _prune(database, args.dry_run, args.days)
    finally:
        database.dispose()


def _retention(database: Any, days: int | None) -> int:
    from app.store import retention as kept

    if days is not None:
        kept.set_retention_days(database, days)
    current = kept.retention_days(database)
    shown = "everything (never pruned)" if current == 0 else f"{current} days"
    print(f"record detail kept: {shown}")
    last = kept.last_pruned(database)
    print(f"last pruned: {last.astimezone().strftime('%Y-%m-%d %H:%M %Z') if last else 'never'}")
    return EXIT_OK


def _prune(database: Any, dry_run: bool, days: int | None) -> int:
    from app.scheduling import local_zone
    from app.sync.pruning import prune

    result = prune(database, local_zone(), days=days, dry_run=dry_run)
    if result.records is None:
        print("the store keeps everything (retention 0): nothing pruned")
        return EXIT_OK
    records = result.records
    cutoff = records.cutoff.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    verb = "would delete" if dry_run else "deleted"
    print(
        f"{verb} {records.deleted} record-log rows older than {cutoff} "
        f"(retention {result.retention_days} days)"
    )
    print(f"kept {records.kept} older rows of records still waiting for a retry")
    if not dry_run:
        print(
            f"kept the daily summaries of {result.summarized_days} days; "
            f"{records.batches} batches in {records.seconds:.1f} s"
        )
    return EXIT_OK
