"""Target documents: an invoice a live credit memo is based on cannot be cancelled.

SAP keeps the link from each credit memo line to its base invoice line
(``BaseType 13``, ``BaseEntry``, ``BaseLine``) and refuses to cancel the base
while a target document stands; the credit memo has to be cancelled first.
"""

from __future__ import annotations

from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import SETS
from app.sandbox.sapb1.store import Tx

HAS_TARGETS = (
    "Cannot cancel a document that has target documents; cancel the target documents first"
)
"""The refusal's words (inferred: SAP's exact text was not found in public sources)."""


def live_credit_memos_on(tx: Tx, invoice_entry: int) -> list[int]:
    """DocEntry of each credit memo based on the invoice, neither cancelled nor a reversal."""
    found = []
    for memo in tx.query(SETS["CreditNotes"]):
        if memo.get("Cancelled") == "tYES" or memo.get("CancelStatus") == "csCancellation":
            continue
        if any(
            line.get("BaseType") == 13 and line.get("BaseEntry") == invoice_entry
            for line in memo.get("DocumentLines") or []
        ):
            found.append(int(memo["DocEntry"]))
    return found


def check_no_target_documents(tx: Tx, invoice_entry: int) -> None:
    """Refuse to cancel an invoice while a credit memo is based on it."""
    if live_credit_memos_on(tx, invoice_entry):
        raise SlError.business(HAS_TARGETS)
