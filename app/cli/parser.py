"""The top-level grammar of ``integration-hub``: global options and every command group.

Each group module (``app/cli/<group>.py``) has the same shape:
``register(subparsers) -> None`` adds its commands with ``base.add_command``
(which ties them to the group's ``run``), and ``run(args) -> int`` does the
work and returns an exit code (app/cli/errors.py). Group modules import only
``argparse`` and light helpers at import time; SQLAlchemy, requests, the sync
core and Qt are imported inside ``run``, so ``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import argparse

from app import __version__
from app.cli import (
    company,
    gui,
    mark,
    reconcile,
    sandbox,
    schedule,
    secrets,
    service,
    settings,
    store,
    store_detail,
    sync,
    template,
)
from app.cli.base import Parser
from app.cli.errors import PROG
from app.paths import DATABASE_URL_ENV

GROUPS = (
    gui,
    store,
    store_detail,
    sandbox,
    sync,
    settings,
    company,
    reconcile,
    template,
    schedule,
    mark,
    service,
    secrets,
)
"""The command groups, in the order ``--help`` lists their commands."""


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = Parser(
        prog=PROG,
        description="Integration Hub for Tagrain: keeps SAP Business One and Tagrain in step.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help=f"SQLAlchemy database URL of the store (default: ${DATABASE_URL_ENV}, "
        "else the URL saved by 'settings set database-url', else a SQLite file in the "
        "user data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.register(commands)
    return parser
