"""What the Reconciliation form shows: a report's figure lines, their drill-down, and the export.

The report itself comes from the sync core (``app.sync.reconcile``), read on a
worker; this module only turns it into the grid's lines and the file's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.store import Database
from app.sync.reconcile import Reconciliation, reconcile
from app.sync.reconcile.export import amount, report_rows, write_csv
from app.sync.reconcile.model import DayReport, FigureRow, Finding


@dataclass(frozen=True)
class FigureLine:
    """One line of the grid: a figure of a store's day."""

    day: DayReport
    row: FigureRow

    @property
    def store(self) -> str:
        """The store's code."""
        return self.day.store_code

    @property
    def date(self) -> str:
        """The business day."""
        return self.day.day.isoformat()

    @property
    def tagrain(self) -> str:
        """Tagrain's figure."""
        return amount(self.row.tagrain)

    @property
    def sap(self) -> str:
        """SAP's figure."""
        return amount(self.row.sap)

    @property
    def difference(self) -> str:
        """SAP less Tagrain (blank when none)."""
        return amount(self.row.difference) if self.row.difference else ""

    @property
    def matches(self) -> bool:
        """Whether this figure matches with no record behind a difference."""
        return self.row.matches

    @property
    def status(self) -> str:
        """``Matches`` or how many records are behind the difference."""
        if self.row.matches:
            return "Matches"
        n = len(self.row.findings)
        return f"{n} record{'s' if n != 1 else ''}" if n else "Differs"


def run_reconciliation(
    database: Database, template_id: int, first: date, last: date, stores: list[str]
) -> Reconciliation:
    """Reconcile on a worker thread (both systems read live)."""
    return reconcile(database, template_id, first, last, stores or None)


def figure_lines(report: Reconciliation, only_differences: bool) -> list[FigureLine]:
    """Every figure of every store's day, or only those that do not match."""
    return [
        FigureLine(day, row)
        for day in report.days
        for row in day.rows.values()
        if not (only_differences and row.matches)
    ]


def drill_down(line: FigureLine) -> list[Finding]:
    """The records behind a figure (all of the day's for the Records line)."""
    return list(line.row.findings)


def parse_stores(text: str) -> list[str]:
    """Store codes typed as ``NYC, CHI`` (blank: every store)."""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def export_csv(path: Path, report: Reconciliation) -> int:
    """Write the whole report (figures and records behind differences) as CSV."""
    return write_csv(path, report_rows(report))
