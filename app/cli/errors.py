"""The command line's exit codes and its usage error, defined once for every command.

Exit codes of ``integration-hub``:

* ``0`` (EXIT_OK): the command did what was asked (for ``reconcile``: everything matches;
  for ``company check``: every field is there; for ``mark``: every record asked for is in
  the state asked for).
* ``1`` (EXIT_FAILED): the work itself failed or did not fully succeed; the details are in
  the output and the log file. A **partial run** (some records went through, some failed or
  wait) is also 1, as is ``reconcile`` finding a difference, ``company check`` a missing field
  and ``mark`` a record it could not take over from another template.
* ``2`` (EXIT_USAGE): wrong usage: an unknown command, option, template or object, a bad date,
  time or interval, a missing file. One line on stderr starting ``integration-hub: error:``;
  nothing was changed.
* ``130`` (EXIT_INTERRUPTED): stopped with Ctrl+C.

The Windows service actions add two status codes of their own, defined beside the
service wrapper (``app/windows_service.py``): ``3`` the service is not running (``service
status``, ``service stop``), ``4`` it is not installed (``service status``).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
PROG = "integration-hub"


class UsageError(Exception):
    """Bad command-line input; the message is shown as one line and the exit code is 2."""


def error_line(message: object) -> str:
    """The one line a command prints on stderr for an error."""
    return f"{PROG}: error: {message}"
