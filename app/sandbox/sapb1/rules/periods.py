"""Posting periods: a posting dated in a locked period, or in none, is refused.

SAP's posting periods (``FinancePeriods``, table OFPR) each have a
``PeriodStatus`` (SDK ``PeriodStatusEnum``): ``ltUnlocked`` (everything
posts), ``ltUnlockedExceptSales`` (no A/R documents), ``ltPeriodClosing``
(only users with the closing authorization, as the sandbox's manager) and
``ltLocked`` (nothing posts). Refusals use SAP's words: "Date deviates from
permissible range [OINV.DocDate]" for a locked period, and message 10000156
when no period covers the date at all (code -5002, as the DI API reports them).
"""

from __future__ import annotations

from typing import Any

from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS
from app.sandbox.sapb1.store import Tx

PERIOD_CODE = -5002
PERIOD_STATUSES = ("ltUnlocked", "ltUnlockedExceptSales", "ltPeriodClosing", "ltLocked")
SALES_TABLES = frozenset({"OINV", "ORIN"})
"""The A/R documents an "unlocked except sales" period refuses."""
NO_PERIOD = (
    "10000156 - Posting Date deviates from the defined range. To complete the operation, "
    "define the posting period to match the entered Posting Date."
)


def period_of(tx: Tx, day: str) -> dict[str, Any] | None:
    """The posting period whose posting dates cover ``day`` (``YYYY-MM-DD``), or None."""
    for period in tx.query(SETS["FinancePeriods"]):
        if period["PostingDateFrom"] <= day <= period["PostingDateTo"]:
            return period
    return None


def check_period_patch(patch: dict[str, Any]) -> None:
    """A PATCH of a period may only set a status SAP knows."""
    status = patch.get("PeriodStatus")
    if status is not None and status not in PERIOD_STATUSES:
        raise SlError.malformed(f"Enumeration value '{status}' of 'PeriodStatus' is invalid")


def check_period(tx: Tx, table: str, day: Any, where: str) -> None:
    """Refuse a posting dated in a locked period (or, for A/R documents, one closed to sales)."""
    period = period_of(tx, str(day)[:10])
    if period is None:
        raise SlError(400, PERIOD_CODE, NO_PERIOD)
    status = period.get("PeriodStatus")
    if status == "ltLocked" or (status == "ltUnlockedExceptSales" and table in SALES_TABLES):
        raise SlError(400, PERIOD_CODE, f"Date deviates from permissible range [{where}]")
