"""The serial and batch numbers of a POS line, checked before they reach SAP.

SAP refuses a line of a serial-managed item without one serial per unit, and
a line of a batch-managed item whose batches do not add up to its quantity.
Such a receipt is not wrong in a way the sync can fix: the cashier did not
scan the numbers. The record *waits* (``WaitingError``) with a message naming
the line and item, and goes through on a later run once Tagrain has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from app.connectors.sapb1.records import BatchPick
from app.connectors.tagrain.records import LotPick
from app.sync.records import WaitingError


def scanned_numbers(
    *,
    line_no: int,
    sku: str,
    quantity: Decimal,
    tracking: str,
    serials: Sequence[str],
    batches: Sequence[LotPick],
) -> tuple[tuple[str, ...], tuple[BatchPick, ...]]:
    """The serials and batch picks an SAP line of this item needs; WaitingError when incomplete.

    ``tracking`` is SAP's: "serial", "batch" or "none" (numbers of an untracked
    item are not sent).
    """
    where = f"line {line_no}, item {sku} ({tracking}-managed)"
    if tracking == "serial":
        wanted = int(quantity) if quantity == int(quantity) else None
        if wanted is None:
            raise WaitingError(
                f"{where}: quantity {quantity} is not a whole number of serial numbers; "
                "correct the sale in Tagrain"
            )
        if len(set(serials)) != len(serials):
            raise WaitingError(
                f"{where}: Tagrain sent the same serial number twice; scan them in Tagrain"
            )
        if len(serials) != wanted:
            raise WaitingError(
                f"{where}: Tagrain sent {len(serials)} of {wanted} serial numbers; "
                "scan them in Tagrain"
            )
        return tuple(serials), ()
    if tracking == "batch":
        total = sum((pick.quantity for pick in batches), Decimal(0))
        if not batches or total != quantity or any(pick.quantity <= 0 for pick in batches):
            raise WaitingError(
                f"{where}: Tagrain's batches cover {total} of {quantity} units; "
                "scan them in Tagrain"
            )
        return (), tuple(BatchPick(pick.batch, pick.quantity) for pick in batches)
    return (), ()
