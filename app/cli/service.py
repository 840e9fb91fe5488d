"""``integration-hub service [install|remove|start|stop|status]``: the headless scheduler.

Plain ``integration-hub service`` runs the scheduler in the foreground on any
OS (what systemd runs on Linux). The actions register and control it as a
Windows service through pywin32 (app/windows_service.py, imported only on
Windows); everywhere else they print one line and exit with 2. ``service
stop`` and ``service status`` also answer 3 (not running) and 4 (not
installed), the status codes defined in app/windows_service.py.

Why pywin32 and not ``sc.exe create`` lines in the installer: the same
executable must answer the service control manager (SvcStop sets the event
that ``run_service`` waits on, so a stop lets the current record finish), and
pywin32's ServiceFramework is that answer; registering from the same code
keeps the service's command line (``--database``, ``--poll`` ...) and the
account checks in one place that IT can also run by hand, and it never puts
the account's password on a command line: it is typed at a hidden prompt or
passed in an environment variable.

The service runs as a named account, never LocalSystem: Windows Credential
Manager is per user, so the service reads the secrets stored by its own
account (``runas /user:ACCOUNT "integration-hub secrets set ..."``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, Any

from app.cli.base import add_command, on_terminate
from app.cli.errors import UsageError
from app.paths import DATABASE_URL_ENV

if TYPE_CHECKING:
    from app.scheduling.service import ServiceOptions

WINDOWS_ONLY = "Windows only; on Linux use packaging/linux/integration-hub.service"
HOST_FLAG = "--windows-service-host"
LOCAL_SYSTEM_NAMES = {"localsystem", ".\\localsystem", "nt authority\\system", "system"}


def register(subparsers: Any) -> None:
    """Register ``service`` and its Windows actions (without one it runs in the foreground)."""
    service = add_command(
        subparsers,
        "service",
        run,
        help="run the scheduler headless (for a Windows service or systemd unit)",
    )
    service.add_argument(
        "--poll",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="how often to look for schedule edits and renew the owner heartbeat",
    )
    service.add_argument(
        "--owner-ttl",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="after how long without a heartbeat another process takes scheduling over",
    )
    service.add_argument(
        "--grace",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="a missed run still starts (once) if it is at most this late",
    )
    service.description = (
        "Without ACTION: run the scheduler in the foreground until SIGTERM or Ctrl+C (what "
        "systemd runs). The ACTIONs register and control it as a Windows service."
    )
    service.add_argument(HOST_FLAG, action="store_true", help=argparse.SUPPRESS)
    actions = service.add_subparsers(
        dest="service_action", metavar="ACTION", parser_class=type(service)
    )
    install = actions.add_parser(
        "install", help="register the scheduler as a Windows service (Windows only)"
    )
    install.add_argument(
        "--account",
        required=True,
        metavar="DOMAIN\\USER",
        help="the account the service runs as; it owns the secrets the service reads "
        "(.\\user for a local account, DOMAIN\\name$ for a group managed service account)",
    )
    password = install.add_mutually_exclusive_group()
    password.add_argument(
        "--password-prompt", action="store_true", help="ask for the account's password"
    )
    password.add_argument(
        "--password-env",
        metavar="NAME",
        help="read the account's password from this environment variable (for installers)",
    )
    install.add_argument(
        "--startup",
        choices=["delayed", "auto", "manual"],
        default="delayed",
        help="how Windows starts the service (default: delayed automatic start)",
    )
    remove = actions.add_parser("remove", help="stop and unregister the Windows service")
    remove.add_argument(
        "--if-installed", action="store_true", help="succeed when there is no such service"
    )
    actions.add_parser("start", help="start the Windows service")
    stop = actions.add_parser(
        "stop", help="stop the Windows service (exit 3 when it was not running)"
    )
    stop.add_argument(
        "--wait",
        type=int,
        default=180,
        metavar="SECONDS",
        help="how long to wait for runs in progress to finish their current record",
    )
    actions.add_parser(
        "status", help="print the Windows service's state (exit 0 running, 3 not, 4 not installed)"
    )


def run(args: argparse.Namespace) -> int:
    """Run the scheduler in the foreground, or a Windows service action."""
    import threading
    from datetime import timedelta

    from app.scheduling.service import ServiceOptions, run_service

    if args.poll <= 0 or args.owner_ttl <= 0 or args.grace <= 0:
        raise UsageError("--poll, --owner-ttl and --grace must be positive")
    options = ServiceOptions(
        poll_seconds=args.poll,
        owner_ttl=timedelta(seconds=args.owner_ttl),
        misfire_grace=timedelta(seconds=args.grace),
    )
    if args.service_action or args.windows_service_host:
        return dispatch(args, options)
    from app.store import open_database
    from app.sync.jobs import OBJECTS

    database = open_database(args.database)
    stop = threading.Event()
    on_terminate(stop.set)
    try:
        return run_service(database, OBJECTS, stop, options=options)
    finally:
        database.dispose()


def dispatch(args: argparse.Namespace, options: ServiceOptions) -> int:
    """Run a service action, or host the service for the service control manager."""
    if sys.platform != "win32":
        raise UsageError(WINDOWS_ONLY)
    from app import windows_service

    if getattr(args, "windows_service_host", False):
        return windows_service.host(args.database, options)
    action = args.service_action
    if action == "install":
        account = check_account(args.account)
        secret = read_password(args, account)
        return windows_service.install(
            account, secret, service_command(args, options), startup=args.startup
        )
    if action == "remove":
        return windows_service.remove(if_installed=args.if_installed)
    if action == "start":
        return windows_service.start()
    if action == "stop":
        return windows_service.stop(wait_seconds=args.wait)
    return windows_service.status()


def check_account(account: str) -> str:
    """The account as given, refusing LocalSystem (it cannot read any user's secrets)."""
    account = account.strip()
    if not account:
        raise UsageError("--account must name the account the service runs as")
    if account.lower() in LOCAL_SYSTEM_NAMES:
        raise UsageError(
            "the service must not run as LocalSystem: Windows Credential Manager is per "
            "user, so it could not read the SAP password and Tagrain API key; give a "
            "dedicated account (DOMAIN\\svc-hub) and store its secrets as that account"
        )
    if "\\" not in account and "@" not in account:
        raise UsageError(
            f"write the account as DOMAIN\\{account} (or .\\{account} for a local account)"
        )
    return account


def read_password(args: argparse.Namespace, account: str) -> str | None:
    """The account's password from the prompt or the environment; None for a gMSA."""
    if args.password_env:
        value = os.environ.pop(args.password_env, "")
        if not value:
            raise UsageError(f"the environment variable {args.password_env} is not set")
        return value
    if args.password_prompt:
        value = getpass.getpass(f"Password of {account}: ")
        if not value:
            raise UsageError("empty password; the service was not installed")
        return value
    if account.endswith("$"):
        return None
    raise UsageError(
        f"{account} needs its password: add --password-prompt "
        "(only a group managed service account, ending in $, has none)"
    )


def service_command(args: argparse.Namespace, options: ServiceOptions) -> list[str]:
    """The command line the service control manager starts (stored in the service's ImagePath).

    It names the store explicitly (``--database`` or the installing user's
    ``INTEGRATION_HUB_DATABASE_URL``) and refuses a URL with a password in it,
    which would end up in the registry in clear.
    """
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        command = [sys.executable, "-m", "app.cli"]
    url = args.database or os.environ.get(DATABASE_URL_ENV)
    if url:
        from sqlalchemy import make_url

        if make_url(url).password is not None:
            raise UsageError(
                "the database URL holds a password, which would be stored in clear in the "
                "service's command line; use the service account's password file instead "
                "(PostgreSQL: %APPDATA%\\postgresql\\pgpass.conf of that account)"
            )
        command += ["--database", url]
    if args.verbose:
        command.append("--verbose")
    command += [
        "service",
        "--poll",
        f"{options.poll_seconds:g}",
        "--owner-ttl",
        f"{options.owner_ttl.total_seconds():g}",
        "--grace",
        f"{options.misfire_grace.total_seconds():g}",
        HOST_FLAG,
    ]
    return command
