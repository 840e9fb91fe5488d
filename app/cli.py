"""The ``integration-hub`` command: the GUI, the sandbox, sync runs, company setup and the store.

Every failure a user can cause (an unknown argument, a bad database URL, a
missing keyring) ends in one readable line on stderr and a non-zero exit
code, never a traceback; the traceback, if any, goes to the log file.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from app import __version__, cli_company, cli_reconcile, cli_settings, logsetup, paths
from app.store.database import DATABASE_URL_ENV, DatabaseError, open_database, resolve_url

log = logging.getLogger(__name__)

PROG = "integration-hub"
EXIT_USAGE = 2
EXIT_FAILURE = 1


class UsageError(Exception):
    """Bad command-line input; the message is shown as one line."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of usage plus error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{PROG} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = _Parser(
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gui = commands.add_parser("gui", help="open the desktop client (the default)")
    gui.add_argument(
        "--no-sandbox",
        action="store_true",
        help="do not start the embedded SAP and Tagrain sandboxes",
    )
    commands.add_parser("status", help="show where data and logs live and what is configured")
    sandbox = commands.add_parser(
        "sandbox", help="run the loopback SAP Service Layer and Tagrain sandboxes"
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    sandbox.add_argument("--sap-port", type=int, default=50000, help="0 picks a free port")
    sandbox.add_argument("--tagrain-port", type=int, default=8800, help="0 picks a free port")
    sandbox.add_argument("--https", action="store_true", help="serve the Service Layer over TLS")
    sandbox.add_argument(
        "--live", type=float, metavar="SECONDS", help="ring up new Tagrain sales every SECONDS"
    )
    sandbox.add_argument("--sap-faults", default="", metavar="SPEC", help="e.g. latency=0.3")
    sandbox.add_argument(
        "--tagrain-faults", default="", metavar="SPEC", help="e.g. error_rate=0.05"
    )
    sandbox.add_argument("--customers", type=int, default=200, help="SAP demo customers")
    sandbox.add_argument("--items", type=int, default=300, help="SAP demo items")
    sandbox.add_argument("--sales", type=int, default=500, help="Tagrain demo sales")
    sandbox.add_argument(
        "--fresh", action="store_true", help="throw away the sandbox databases and seed anew"
    )
    sandbox.add_argument(
        "--multi-branch",
        action="store_true",
        help="a multi-branch SAP company (every posting names a branch)",
    )
    sandbox.add_argument(
        "--block-negative-stock",
        action="store_true",
        help='SAP\'s "Block negative inventory" (sales wait for goods receipts)',
    )
    from app import cli_sync

    cli_sync.add_commands(commands)
    cli_settings.add_commands(commands, _Parser)
    cli_company.add_commands(commands, _Parser)
    cli_reconcile.add_commands(commands, _Parser)
    service = commands.add_parser(
        "service", help="run the scheduler headless (for a Windows service or systemd unit)"
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
    from app import cli_secrets, cli_service

    cli_service.add_arguments(service)
    cli_secrets.add_commands(commands)

    db = commands.add_parser("db", help="manage the local store")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    db_commands.required = True
    db_commands.add_parser("upgrade", help="upgrade the store to the latest schema")
    db_commands.add_parser("current", help="print the store's schema revision")
    return parser


def _cmd_status(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.store.models import Template

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
    return 0


def _cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.launch import start_client

    return start_client(args.database, sandbox=not getattr(args, "no_sandbox", False))


def _cmd_db(args: argparse.Namespace) -> int:
    from app.store import migrate

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
    return 0


def _cmd_sandbox(args: argparse.Namespace) -> int:
    import shutil
    import threading

    from app.sandbox import demo
    from app.sandbox.faults import FaultPlan
    from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
    from app.sandbox.template import SANDBOX_TEMPLATE, ensure_sandbox_template, store_credentials
    from app.secrets import SecretsUnavailable

    try:
        sap_faults = FaultPlan.parse(args.sap_faults)
        tagrain_faults = FaultPlan.parse(args.tagrain_faults)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    folder = paths.data_dir() / "sandbox"
    if args.fresh and folder.exists():
        shutil.rmtree(folder)
    options = SandboxOptions(
        folder=folder,
        host=args.host,
        sap_port=args.sap_port,
        tagrain_port=args.tagrain_port,
        https=args.https,
        scale=SandboxScale(customers=args.customers, items=args.items, sales=args.sales),
        sap_faults=sap_faults,
        tagrain_faults=tagrain_faults,
        live_interval=args.live,
        negative_stock_allowed=not args.block_negative_stock,
        multi_branch=args.multi_branch,
    )
    try:
        running = start_sandboxes(options)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {args.host}: {exc.strerror} "
            "(choose other ports with --sap-port/--tagrain-port, or 0 for free ones)"
        ) from None
    try:
        database = open_database(args.database)
        ca_file = running.service_layer.certificate_path
        template_id = ensure_sandbox_template(
            database,
            running.sap_url,
            running.tagrain_url,
            str(ca_file) if args.https and ca_file is not None else None,
            multi_branch=args.multi_branch,
        )
        database.dispose()
        print(f"SAP Business One Service Layer: {running.sap_url}/b1s/v2/  (and /b1s/v1/)")
        print(f"  company {demo.COMPANY_DB}, user/password {demo.SAP_USER}/{demo.SAP_PASSWORD}")
        print(f"Tagrain API: {running.tagrain.api_url}  (Bearer {demo.TAGRAIN_API_KEY})")
        print(f"Sandbox template {template_id} in {database.url.render_as_string(True)}")
        try:
            store_credentials(SANDBOX_TEMPLATE)
            print(f"its credentials are in the keyring for `{PROG} sync` and the service")
        except SecretsUnavailable:
            print(
                f"no usable keyring: `{PROG} sync` cannot log in to this sandbox "
                f"(`{PROG} gui` runs the client on its own embedded sandbox)"
            )
        print(f"sandbox data: {folder}")
        if args.live:
            print(f"live mode: new Tagrain activity every {args.live:g} s")
        print("Press Ctrl+C to stop.", flush=True)
        stop = threading.Event()
        _on_terminate(stop.set)
        while not stop.wait(0.5):
            pass
    finally:
        running.stop()
    return 0


def _on_terminate(callback: Callable[[], None]) -> None:
    """Call back on SIGTERM (a service manager stopping us) as on Ctrl+C."""
    import signal

    def handler(signum: int, frame: object) -> None:
        callback()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _cmd_service(args: argparse.Namespace) -> int:
    import threading
    from datetime import timedelta

    from app.scheduling.service import ServiceOptions, run_service
    from app.sync.jobs import OBJECTS

    if args.poll <= 0 or args.owner_ttl <= 0 or args.grace <= 0:
        raise UsageError("--poll, --owner-ttl and --grace must be positive")
    options = ServiceOptions(
        poll_seconds=args.poll,
        owner_ttl=timedelta(seconds=args.owner_ttl),
        misfire_grace=timedelta(seconds=args.grace),
    )
    if args.service_action or args.windows_service_host:
        from app import cli_service

        return cli_service.dispatch(args, options)
    database = open_database(args.database)
    stop = threading.Event()
    _on_terminate(stop.set)
    try:
        return run_service(database, OBJECTS, stop, options=options)
    finally:
        database.dispose()


def _cmd_secrets(args: argparse.Namespace) -> int:
    from app import cli_secrets

    return cli_secrets.cmd_secrets(args)


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from app import cli_sync

        command: Callable[[argparse.Namespace], int] = getattr(cli_sync, name)
        return command(args)

    return run


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": _cmd_gui,
    "status": _cmd_status,
    "db": _cmd_db,
    "sandbox": _cmd_sandbox,
    "sync": _lazy("cmd_sync"),
    "init": _lazy("cmd_init"),
    "runs": _lazy("cmd_runs"),
    "retry-failed": _lazy("cmd_retry_failed"),
    "summary": _lazy("cmd_summary"),
    "service": _cmd_service,
    "secrets": _cmd_secrets,
    "settings": cli_settings.cmd_settings,
    "company": cli_company.cmd_company,
    "reconcile": cli_reconcile.cmd_reconcile,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
        if args.database:
            resolve_url(args.database)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logsetup.configure(logging.DEBUG if args.verbose else logging.INFO)
    command = args.command or "gui"
    try:
        return COMMANDS[command](args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseError as exc:
        log.error("%s", exc, extra=logsetup.FILE_ONLY)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        log.exception("%s %s failed", PROG, command, extra=logsetup.FILE_ONLY)
        print(
            f"{PROG}: error: {type(exc).__name__}: {exc} (details in {logsetup.log_file()})",
            file=sys.stderr,
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
