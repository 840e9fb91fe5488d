"""Reconciliation: per store and business day, Tagrain's till figures next to SAP's books.

``reconcile`` reads both systems live, in pages (``reading``), compares them
record by record and figure by figure (``compare``), explains what is missing
from the record log (``reasons``) and returns a ``Reconciliation``
(``model``) that the CLI, the client form and the daily summary show;
``export`` turns it into rows and CSV.
"""

from app.sync.reconcile.model import DayReport, FigureRow, Finding, Reconciliation
from app.sync.reconcile.run import reconcile, reconcile_context

__all__ = [
    "DayReport",
    "FigureRow",
    "Finding",
    "Reconciliation",
    "reconcile",
    "reconcile_context",
]
