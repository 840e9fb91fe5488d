"""``integration-hub status`` and ``db upgrade|current``: where things live, the schema."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.base import add_actions, add_command
from app.cli.errors import EXIT_OK, PROG


def register(subparsers: Any) -> None:
    """Register ``status`` and ``db``."""
    add_command(
        subparsers, "status", run, help="show where data and logs live and what is configured"
    )
    db = add_command(subparsers, "db", run, help="manage the local store")
    actions = add_actions(db, "db_command")
    actions.add_parser("upgrade", help="upgrade the store to the latest schema")
    actions.add_parser("current", help="print the store's schema revision")


def run(args: argparse.Namespace) -> int:
    """Run ``status`` or ``db ACTION``."""
    if args.command == "status":
        return _status(args)
    return _db(args)


def _status(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app import __version__, logsetup, paths
    from app.store import Template, open_database

    database = open_database(args.database)
    with database.session() as session:
        templates = session.scalars(select(Template).order_by(Template.name)).all()
        rows = [(t.name, t.sap_url or "-", t.tagrain_url or "-") for t in templates]
    database.dispose()
    print(f"{PROG} {__version__}")
    print(f"database: {database.url.render_as_string(hide_password=True)}")
    print(f"data folder: {paths.data_dir()}")
    print(f"log file: {logsetup.log_file()}")
    print(f"templates: {len(rows)}")
    for name, sap, tagrain in rows:
        print(f"  {name}: SAP {sap}  Tagrain {tagrain}")
    return EXIT_OK


def _db(args: argparse.Namespace) -> int:
    from app.store import migrate, open_database

    database = open_database(args.database, upgrade=args.db_command == "upgrade")
    try:
        revision = migrate.current_revision(database.engine)
    finally:
        database.dispose()
    shown = database.url.render_as_string(hide_password=True)
    if args.db_command == "upgrade":
        print(f"{shown} is at the latest schema ({revision})")
    else:
        head = migrate.head_revision()
        state = "latest" if revision == head else f"behind: latest is {head}"
        print(f"{shown}: revision {revision or 'none'} ({state})")
    return EXIT_OK
