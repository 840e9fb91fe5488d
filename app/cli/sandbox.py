"""``integration-hub sandbox``: the loopback SAP Service Layer and Tagrain sandboxes."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.base import add_command, on_terminate
from app.cli.errors import EXIT_OK, PROG, UsageError


def register(subparsers: Any) -> None:
    """Register ``sandbox``."""
    sandbox = add_command(
        subparsers, "sandbox", run, help="run the loopback SAP Service Layer and Tagrain sandboxes"
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


def run(args: argparse.Namespace) -> int:
    """Serve the sandboxes until Ctrl+C or SIGTERM."""
    import shutil
    import threading

    from app import paths
    from app.sandbox import demo
    from app.sandbox.faults import FaultPlan
    from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
    from app.sandbox.template import SANDBOX_TEMPLATE, ensure_sandbox_template, store_credentials
    from app.secrets import SecretsUnavailable
    from app.store import open_database

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
        on_terminate(stop.set)
        while not stop.wait(0.5):
            pass
    finally:
        running.stop()
    return EXIT_OK
