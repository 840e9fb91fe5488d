"""``main``: parse the command line, run the command, turn every failure into an exit code.

Every failure a user can cause (an unknown argument, a bad database URL, a
missing keyring) ends in one readable line on stderr and a non-zero exit
code, never a traceback; the traceback, if any, goes to the log file.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from app.cli.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    PROG,
    UsageError,
    error_line,
)

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    from app.cli import gui
    from app.cli.parser import build_parser

    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_USAGE
    from app import logsetup
    from app.store.database import DatabaseError, resolve_url

    try:
        if args.database:
            resolve_url(args.database)
    except DatabaseError as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_USAGE
    logsetup.configure(logging.DEBUG if args.verbose else logging.INFO)
    command = args.command or "gui"
    run = getattr(args, "run", gui.run)
    try:
        code: int = run(args)
        return code
    except UsageError as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_USAGE
    except DatabaseError as exc:
        log.error("%s", exc, extra=logsetup.FILE_ONLY)
        print(error_line(exc), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.exception("%s %s failed", PROG, command, extra=logsetup.FILE_ONLY)
        print(
            error_line(f"{type(exc).__name__}: {exc} (details in {logsetup.log_file()})"),
            file=sys.stderr,
        )
        return EXIT_FAILED
