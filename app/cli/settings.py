"""``integration-hub settings``: this machine's database URL and who runs the schedules.

``settings show`` prints the settings file and the database actually used
(and which of ``--database``, the environment, the file or the default chose
it). ``settings set database-url URL`` connects to the database and upgrades
its schema before it saves anything, so a typo never locks the client out;
``--local`` goes back to the SQLite file of this machine. ``settings set
schedules desktop|service`` says whether this desktop's client may fire
schedules or leaves them to ``integration-hub service``. A settings file
that cannot be read stops ``show`` with its name and the reason; ``set``
says so and writes it anew, so the command line can always repair it.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Any

from app.cli.base import Parser, add_actions, add_command
from app.cli.errors import EXIT_OK, UsageError
from app.local_settings import (
    SCHEDULES_RUN_BY,
    LocalSettings,
    LocalSettingsError,
    SchedulesRunBy,
    load_local_settings,
    local_settings_path,
    save_local_settings,
)
from app.paths import DATABASE_URL_ENV


def register(subparsers: Any) -> None:
    """Register ``settings show`` and ``settings set``."""
    settings = add_command(
        subparsers, "settings", run, help="this machine's database URL and who runs the schedules"
    )
    actions = add_actions(settings, "settings_command")
    actions.add_parser("show", help="print the settings and the database in use")
    set_parser = actions.add_parser("set", help="change a setting")
    keys = set_parser.add_subparsers(dest="key", metavar="SETTING", parser_class=Parser)
    keys.required = True
    url = keys.add_parser(
        "database-url",
        help="the shared database of the store (checked and upgraded before it is saved)",
    )
    where = url.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "url", nargs="?", help="a SQLAlchemy URL without password, e.g. postgresql+psycopg://..."
    )
    where.add_argument(
        "--local", action="store_true", help="use the SQLite file of this machine again"
    )
    schedules = keys.add_parser(
        "schedules", help="'desktop': this client may run schedules; 'service': only the service"
    )
    schedules.add_argument("who", choices=SCHEDULES_RUN_BY)


def run(args: argparse.Namespace) -> int:
    """Run ``settings show`` or ``settings set``."""
    try:
        try:
            current = load_local_settings()
        except LocalSettingsError as exc:
            if args.settings_command == "show":
                raise
            print(f"note: {exc}; it is written anew", file=sys.stderr)
            current = LocalSettings()
        if args.settings_command == "show":
            return _show(args, current)
        if args.key == "schedules":
            return _set_schedules(current, args.who)
        return _set_database_url(args, current)
    except LocalSettingsError as exc:
        raise UsageError(str(exc)) from None


def _source(args: argparse.Namespace, settings: LocalSettings) -> str:
    if args.database:
        return "the --database option"
    if os.environ.get(DATABASE_URL_ENV):
        return f"the environment variable {DATABASE_URL_ENV}"
    if settings.database_url:
        return "the settings file"
    return "the default"


def _show(args: argparse.Namespace, settings: LocalSettings) -> int:
    from app.store.database import default_url, resolve_url

    path = local_settings_path()
    print(f"settings file: {path}{'' if path.exists() else ' (not written yet: defaults)'}")
    saved = settings.database_url or f"none (the local file {default_url()})"
    print(f"database URL in the settings: {saved}")
    used = resolve_url(args.database).render_as_string(hide_password=True)
    print(f"database in use: {used} (from {_source(args, settings)})")
    runner = {
        "desktop": "this desktop's client may run them (a running service takes precedence)",
        "service": "only the service; this desktop's client shows their status",
    }[settings.schedules_run_by]
    print(f"schedules run by: {settings.schedules_run_by} - {runner}")
    return EXIT_OK


def _set_schedules(current: LocalSettings, who: SchedulesRunBy) -> int:
    save_local_settings(dataclasses.replace(current, schedules_run_by=who))
    if who == "service":
        print(
            "saved: this desktop's client no longer runs schedules; "
            "'integration-hub service' on the server runs them"
        )
    else:
        print("saved: this desktop's client runs schedules unless a service is running")
    print("restart the client for the change to take effect")
    return EXIT_OK


def _set_database_url(args: argparse.Namespace, current: LocalSettings) -> int:
    from app.store.database import default_url, open_database

    if args.local:
        save_local_settings(dataclasses.replace(current, database_url=None))
        print(f"saved: the store is the local file {default_url()} again")
        _warn_if_overridden(args)
        return EXIT_OK
    wanted = dataclasses.replace(current, database_url=args.url)
    assert wanted.database_url is not None
    from app.store import DatabaseError, migrate

    try:
        database = open_database(wanted.database_url)
    except DatabaseError as exc:
        raise DatabaseError(f"{exc} (the settings were not changed)") from None
    try:
        revision = migrate.current_revision(database.engine)
        shown = database.url.render_as_string(hide_password=True)
    finally:
        database.dispose()
    print(f"connected to {shown}; the schema is at the latest revision ({revision})")
    save_local_settings(wanted)
    print(f"saved in {local_settings_path()}: restart the client and the service to use it")
    _warn_if_overridden(args)
    return EXIT_OK


def _warn_if_overridden(args: argparse.Namespace) -> None:
    if os.environ.get(DATABASE_URL_ENV):
        print(f"note: {DATABASE_URL_ENV} is set and still takes precedence over the settings file")
