"""What every command group builds its commands with: the parser class and ``add_command``.

A group module registers its commands with ``add_command``, which ties each
top-level command to the group's ``run``; the dispatcher then calls
``args.run(args)``. Nothing here imports more than ``argparse``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from app.cli.errors import PROG, UsageError

Run = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of usage plus error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{PROG} --help')")


def add_command(subparsers: Any, name: str, run: Run, **options: Any) -> Parser:
    """A top-level command whose ``run`` the dispatcher calls with the parsed arguments."""
    parser: Parser = subparsers.add_parser(name, **options)
    parser.set_defaults(run=run)
    return parser


def add_actions(parser: argparse.ArgumentParser, dest: str, *, required: bool = True) -> Any:
    """The sub-actions of a command (``settings show``, ``db upgrade``), one line on error."""
    actions = parser.add_subparsers(dest=dest, metavar="ACTION", parser_class=Parser)
    actions.required = required
    return actions


def template_option(parser: argparse.ArgumentParser) -> None:
    """``--template T``: the template a command works on."""
    parser.add_argument("--template", help="the Tagrain template (default: the only one)")


def on_terminate(callback: Callable[[], None]) -> None:
    """Call back on SIGTERM (a service manager stopping us) as on Ctrl+C."""
    import signal

    def handler(signum: int, frame: object) -> None:
        callback()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def template_id(database: Any, name: str | None) -> int:
    """The template named on the command line (the only one without a name); else UsageError."""
    from app.sync.engine import Engine

    try:
        return Engine(database).template_id(name)
    except LookupError as exc:
        raise UsageError(str(exc)) from None
