"""Branches of a multi-branch company: every posting names an active branch.

SAP's words (DI/SL code -5002): "Specify an active branch [OINV.BPLId]" for a
document, payment or journal entry line with no branch, an unknown one or a
disabled one. A company without branches ignores the property.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS
from app.sandbox.sapb1.store import Tx

BRANCH_CODE = -5002
"""The code SAP answers a missing or inactive branch with."""


def no_active_branch(where: str) -> SlError:
    """SAP's refusal of a posting without an active branch (``where``: ``OINV.BPLId``)."""
    return SlError(400, BRANCH_CODE, f"Specify an active branch [{where}]")


def active_branch(tx: Tx, value: Any) -> dict[str, Any] | None:
    """The enabled branch ``value`` names, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    branch = tx.get(SETS["BusinessPlaces"], number)
    if branch is None or branch.get("Disabled") == "tYES":
        return None
    return branch


def check_branch(tx: Tx, multi_branch: bool, value: Any, where: str) -> None:
    """Refuse a posting of a multi-branch company that names no active branch."""
    if multi_branch and active_branch(tx, value) is None:
        raise no_active_branch(where)
