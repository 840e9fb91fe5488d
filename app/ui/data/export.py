"""Rows to a spreadsheet: Excel (.xlsx, openpyxl) or CSV, into the user's Documents by default.

No Qt here: the grids hand over the header texts and the rows as displayed, and
this module writes them. A tz-aware time is written in the user's zone (Excel
has no zones); numbers stay numbers, everything else is text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import platformdirs
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = ".xlsx"
CSV = ".csv"
EXCEL_FILTER = "Excel workbook (*.xlsx)"
CSV_FILTER = "CSV, UTF-8 (*.csv)"
HEADER_FILL = "F7F7F7"
HEADER_COLOUR = "346187"
WIDEST_COLUMN = 60
SHEET_TITLE_LIMIT = 31
FORBIDDEN_IN_SHEET_TITLES = "[]:*?/\\"


def documents_dir() -> Path:
    """The user's Documents folder (where an export goes unless the user picks another)."""
    return Path(platformdirs.user_documents_dir())


def default_path(stem: str, suffix: str = XLSX, now: datetime | None = None) -> Path:
    """``Documents/<stem>-<date>-<time><suffix>``: never the program's folder."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    return documents_dir() / f"{stem}-{stamp}{suffix}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 record", "2 records", "0 records" (``nouns`` for irregular plurals)."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {nouns or noun + 's'}"


def _value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _text(value: object) -> str:
    shown = _value(value)
    if isinstance(shown, datetime):
        return shown.strftime("%Y-%m-%d %H:%M:%S")
    return str(shown)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """A CSV file Excel opens as is (UTF-8 with BOM); returns the number of rows."""
    count = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(headers))
        for row in rows:
            writer.writerow([_text(value) for value in row])
            count += 1
    return count


def sheet_title(title: str) -> str:
    """A name Excel accepts for a worksheet (31 characters, none of []:*?/\\)."""
    cleaned = "".join(" " if c in FORBIDDEN_IN_SHEET_TITLES else c for c in title).strip()
    return (cleaned or "Sheet1")[:SHEET_TITLE_LIMIT]


def write_xlsx(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1"
) -> int:
    """An Excel workbook: a bold header row, frozen, filters on, columns sized; returns the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)
    sheet.append(list(headers))
    widths = [len(str(h)) for h in headers]
    count = 0
    for row in rows:
        values = [_value(v) for v in row]
        sheet.append(values)
        for column, value in enumerate(values[: len(widths)]):
            widths[column] = max(widths[column], len(_text(value)))
        count += 1
    for cell in sheet[1]:
        cell.font = Font(bold=True, color=HEADER_COLOUR)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, WIDEST_COLUMN)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    book.save(path)
    return count


def export_rows(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1"
) -> tuple[Path, int]:
    """Write .xlsx or .csv by the file's suffix (.xlsx added when it has neither).

    Returns the file written and the number of rows.
    """
    if path.suffix.lower() not in (CSV, XLSX):
        path = path.with_name(path.name + XLSX)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == CSV:
        return path, write_csv(path, headers, rows)
    return path, write_xlsx(path, headers, rows, title)
