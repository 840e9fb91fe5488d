"""Test connection: the checker protocol the sync core implements.

The UI defines the tiny contract; the sync core provides callables that take
a template id and return a ``ConnectionReport``. The Connections form runs
them on the thread pool (``app.ui.background``) so that a slow server never
freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectionReport:
    """The outcome of one connection test, worded for the user."""

    ok: bool
    message: str
    needs_setup: bool = False
    """Connected, but the company lacks the add-on's user fields (Company Setup adds them)."""


ConnectionChecker = Callable[[int], ConnectionReport]
"""Tests one side of a template's connection with its stored settings and secrets."""
