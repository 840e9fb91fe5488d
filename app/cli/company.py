"""``integration-hub company``: check and set up the add-on's user fields in a template's company.

``company check --template T`` lists each field the add-on needs and whether
the SAP company has it; it changes nothing and exits 0 when all are there, 1
when something is missing. ``company setup --template T`` lists what it will
create, asks before it does (unless ``--yes``), creates it through the
Service Layer and prints SAP's refusal word for word with what to do (exit 1).
A template that does not exist is a usage error (one line, exit 2).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.cli.base import add_actions, add_command, template_option
from app.cli.base import template_id as resolve_template
from app.cli.errors import EXIT_FAILED, EXIT_OK, error_line

if TYPE_CHECKING:
    from app.sync.company_setup import CompanyReport


def register(subparsers: Any) -> None:
    """Register ``company check`` and ``company setup``."""
    company = add_command(
        subparsers,
        "company",
        run,
        help="check or set up the add-on's user fields in the SAP company",
    )
    actions = add_actions(company, "company_command")
    check = actions.add_parser("check", help="list the add-on's user fields the company lacks")
    template_option(check)
    setup = actions.add_parser("setup", help="create the add-on's user fields the company lacks")
    template_option(setup)
    setup.add_argument("--yes", action="store_true", help="create them without asking")


def _print_fields(report: CompanyReport) -> None:
    print(f"SAP company {report.company_db} (template {report.template_name}, user {report.user}):")
    for row in report.fields:
        print(f"  {row.describe():<40} {row.type_label:<18} {row.status}")
    for row in report.conflicts:
        print(f"  {row.note}")


def run(args: argparse.Namespace) -> int:
    """Run ``company check`` or ``company setup``."""
    from app.store import open_database
    from app.sync.company_setup import CompanySetupError, company_report

    database = open_database(args.database)
    try:
        template_id = resolve_template(database, args.template)
        try:
            report = company_report(database, template_id)
        except CompanySetupError as exc:
            print(error_line(exc), file=sys.stderr)
            return EXIT_FAILED
        _print_fields(report)
        if args.company_command == "check":
            if report.complete:
                print("Every user field the add-on needs is there.")
                return EXIT_OK
            print(report.problem())
            return EXIT_FAILED
        return _setup(database, template_id, report, args.yes)
    finally:
        database.dispose()


def _setup(database: Any, template_id: int, report: CompanyReport, yes: bool) -> int:
    from app.sync.company_setup import CompanySetupError, set_up_company

    if not report.missing:
        if report.conflicts:
            print("Nothing can be created: fix the fields above in SAP Business One first.")
            return EXIT_FAILED
        print("Nothing to do: every user field the add-on needs is there.")
        return EXIT_OK
    print(f"Company Setup will create in SAP company {report.company_db}:")
    for row in report.missing:
        print(f"  {row.describe()}: {row.type_label}, description 'Tagrain ID'")
    if not yes:
        try:
            answer = input("Create them now? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing was created.")
            return EXIT_FAILED
    try:
        outcome = set_up_company(database, template_id)
    except CompanySetupError as exc:
        for row in exc.created:
            print(f"  created {row.describe()}")
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    for row in outcome.created:
        print(f"  created {row.describe()}")
    if not outcome.report.complete:
        print(outcome.report.problem())
        return EXIT_FAILED
    print(f"SAP company {report.company_db} now has every user field the add-on needs.")
    return EXIT_OK
