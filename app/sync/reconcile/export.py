"""A reconciliation as rows and as text: for CSV files, grids' exports, the CLI and e-mail.

No Qt here: the client form hands ``figure_rows`` (or ``report_rows``) to
whichever file writer it offers; ``write_csv`` is the CSV one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from app.sync.reconcile.model import RECORDS, DayReport, FigureRow, Finding, Reconciliation

HEADER = ["Store", "Day", "Figure", "Tagrain", "SAP", "Difference", "Status", "Record", "Detail"]
FINDING_HEADER = ["Store", "Day", "What", "Record", "SAP documents", "Tagrain", "SAP", "Detail"]


def amount(value: Decimal | None) -> str:
    """A figure as text: counts without decimals, money with two."""
    if value is None:
        return ""
    if value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return str(value)
    return f"{value:.2f}"


def status(row: FigureRow) -> str:
    """``matches`` or ``differs``."""
    return "matches" if row.matches else "differs"


def figure_row(day: DayReport, row: FigureRow) -> list[str]:
    """One figure of a store's day as the table and the file show it."""
    return [
        day.store_code,
        day.day.isoformat(),
        row.figure,
        amount(row.tagrain),
        amount(row.sap),
        amount(row.difference),
        status(row),
        "",
        "",
    ]


def finding_row(day: DayReport, finding: Finding) -> list[str]:
    """One record behind a difference, as the drill-down and the file show it."""
    return [
        day.store_code,
        finding.day.isoformat(),
        finding.label,
        finding.record,
        ", ".join(finding.sap_keys),
        amount(finding.tagrain_amount),
        amount(finding.sap_amount),
        finding.detail,
    ]


def report_rows(report: Reconciliation) -> Iterator[list[str]]:
    """Every figure of every store and day, each day's findings right after its figures."""
    yield HEADER
    for day in report.days:
        for row in day.rows.values():
            yield figure_row(day, row)
        for finding in day.findings:
            yield [
                day.store_code,
                day.day.isoformat(),
                finding.label,
                amount(finding.tagrain_amount),
                amount(finding.sap_amount),
                "",
                "differs",
                finding.record,
                f"{finding.detail} [{', '.join(finding.sap_keys)}]"
                if finding.sap_keys
                else finding.detail,
            ]


def write_csv(path: Path, rows: Iterator[list[str]] | list[list[str]]) -> int:
    """Write rows (the first is the header) as a UTF-8 CSV Excel opens; returns data rows."""
    count = -1
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(row)
            count += 1
    return max(count, 0)


def summary_lines(report: Reconciliation) -> list[str]:
    """The report as text: one line per store and day, then each difference and its records."""
    lines = []
    for day in report.days:
        if day.matches:
            records = day.row(RECORDS).tagrain
            lines.append(f"{day.store_code:<6} {day.day}  matches ({amount(records)} records)")
            continue
        lines.append(f"{day.store_code:<6} {day.day}  DOES NOT MATCH")
        for row in day.rows.values():
            if row.difference:
                lines.append(
                    f"    {row.figure}: Tagrain {amount(row.tagrain)}, SAP {amount(row.sap)} "
                    f"(difference {amount(row.difference)})"
                )
        for finding in day.findings:
            keys = f" [{', '.join(finding.sap_keys)}]" if finding.sap_keys else ""
            lines.append(f"    - {finding.label}: {finding.record}{keys}: {finding.detail}")
    return lines
