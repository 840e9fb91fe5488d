"""Company settings of the SL sandbox that tests and the demo change at run time.

What an SAP administrator changes in the client while the Service Layer runs:
"Block negative inventory" (Document Settings), a posting period's status
(Administration → Posting Periods; also ``PATCH FinancePeriods(n)`` through SL)
and whether the company has branches.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.sapb1.company_setup import ensure_branches
from app.sandbox.sapb1.entities import ENTITY_SETS
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules import Rules
from app.sandbox.sapb1.rules.periods import PERIOD_STATUSES
from app.sandbox.sapb1.store import SandboxStore


class CompanyControls:
    """Switches of the sandbox company (mixed into ``ServiceLayerSandbox``)."""

    rules: Rules
    store: SandboxStore

    @property
    def multi_branch(self) -> bool:
        """Whether every posting must name an active branch."""
        return self.rules.multi_branch

    def enable_branches(self, enabled: bool = True) -> None:
        """Turn the company into a multi-branch one (with the demo branches) or back."""
        if enabled:
            ensure_branches(self.store)
        self.rules.multi_branch = enabled

    def block_negative_inventory(self, blocked: bool = True) -> None:
        """SAP's "Block negative inventory": refuse lines that take stock below zero."""
        self.rules.negative_stock_allowed = not blocked

    def set_period_status(self, period_code: str, status: str) -> dict[str, Any]:
        """Set a posting period's ``PeriodStatus`` (e.g. ``"2026-11"``, ``"ltLocked"``)."""
        if status not in PERIOD_STATUSES:
            raise ValueError(f"unknown period status {status!r}; known: {PERIOD_STATUSES}")
        periods = ENTITY_SETS["FinancePeriods"]
        with self.store.transaction() as tx:
            for period in tx.query(periods):
                if period["PeriodCode"] == period_code:
                    period["PeriodStatus"] = status
                    tx.replace(periods, period["AbsoluteEntry"], period)
                    return period
        raise SlError.not_found()
