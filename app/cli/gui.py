"""``integration-hub gui`` (the default command): the desktop client with its scheduler."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.base import add_command


def register(subparsers: Any) -> None:
    """Register ``gui``."""
    gui = add_command(subparsers, "gui", run, help="open the desktop client (the default)")
    gui.add_argument(
        "--no-sandbox",
        action="store_true",
        help="do not start the embedded SAP and Tagrain sandboxes",
    )


def run(args: argparse.Namespace) -> int:
    """Open the client (with the embedded sandboxes unless ``--no-sandbox``).

    The window is painted first; the store, the sandboxes and the scheduler start
    behind it (``app.ui.launch``).
    """
    from app.ui.launch import start_client

    return start_client(args.database, sandbox=not getattr(args, "no_sandbox", False))
