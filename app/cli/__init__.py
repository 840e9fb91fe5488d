"""The ``integration-hub`` command: the GUI, the sandbox, sync runs, administration and the store.

Layout: ``errors`` (UsageError and the exit codes, defined once), ``base``
(the parser class and ``add_command``), ``parser`` (the top-level grammar),
``dispatch`` (``main``) and one module per command group, each with
``register(subparsers) -> None`` and ``run(args) -> int``.
"""

from __future__ import annotations

from app.cli.dispatch import main
from app.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "UsageError", "main"]
