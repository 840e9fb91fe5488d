"""Test connection: the checker protocol the sync core implements.

The UI defines the tiny contract; the sync core provides callables that take
a template id and the form's values (``ConnectionDraft``: saved or not, with a
typed secret or none) and return a ``ConnectionReport``. The Connections form
runs them on the thread pool (``app.ui.background``) so that a slow server
never freezes the window, and never speaks HTTP itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.sync.connection_draft import ConnectionDraft


@dataclass(frozen=True)
class ConnectionReport:
    """The outcome of one connection test, worded for the user."""

    ok: bool
    message: str
    needs_setup: bool = False
    """Connected, but the company lacks the add-on's user fields (Company Setup adds them)."""


ConnectionChecker = Callable[[int, ConnectionDraft], ConnectionReport]
"""Tests one side of a template's connection as the form shows it (typed secrets first)."""

__all__ = ["ConnectionChecker", "ConnectionDraft", "ConnectionReport"]
