"""``integration-hub reconcile``: does SAP's book match the till, per store and business day?

``reconcile --template T --from D --to D [--store S ...] [--csv FILE]`` reads
both systems live, prints each store's day (matches, or the figures that
differ and the records behind them) and exits 0 when everything matches, 1
when not. Wrong arguments (a bad date, an unknown template or store) are one
line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.base import add_command
from app.cli.base import template_id as resolve_template
from app.cli.errors import EXIT_FAILED, EXIT_OK, UsageError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(subparsers: Any) -> None:
    """Register ``reconcile``."""
    parser = add_command(
        subparsers,
        "reconcile",
        run,
        help="compare Tagrain's till figures with SAP's postings per store and business day",
    )
    parser.add_argument("--template", help="the template (default: the only one)")
    parser.add_argument("--from", dest="first", type=_day, required=True, metavar="DATE")
    parser.add_argument("--to", dest="last", type=_day, required=True, metavar="DATE")
    parser.add_argument(
        "--store", action="append", metavar="STORE", help="a store code or id (repeatable)"
    )
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the report as CSV")


def run(args: argparse.Namespace) -> int:
    """Run ``reconcile``."""
    from app.store import open_database
    from app.sync.reconcile import reconcile
    from app.sync.reconcile.export import report_rows, summary_lines, write_csv
    from app.sync.reconcile.run import UnknownStoreError

    if args.last < args.first:
        raise UsageError(f"--to {args.last} is before --from {args.first}")
    database = open_database(args.database)
    try:
        template_id = resolve_template(database, args.template)
        try:
            report = reconcile(database, template_id, args.first, args.last, args.store)
        except UnknownStoreError as exc:
            raise UsageError(str(exc)) from None
    finally:
        database.dispose()
    print(f"Reconciliation of template {report.template}, {report.first_day} to {report.last_day}:")
    for line in summary_lines(report):
        print(line)
    if args.csv is not None:
        rows = write_csv(args.csv, report_rows(report))
        print(f"{rows} rows written to {args.csv}")
    unmatched = report.unmatched_days
    if not unmatched:
        print("Everything matches.")
        return EXIT_OK
    print(f"{len(unmatched)} of {len(report.days)} store days do not match.")
    return EXIT_FAILED
