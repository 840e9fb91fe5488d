"""The exporter without Qt: rows to .xlsx (read back with openpyxl) and .csv, plurals, Documents."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from openpyxl import load_workbook

from app.ui.data.export import default_path, export_rows, plural, sheet_title

HEADERS = ["Source Id", "Status", "Total", "Started"]
STARTED = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
ROWS = [["ex_1", "OK", 15, STARTED], ["ex_2", "Failed", 2.5, None]]


def test_plurals_read_as_english() -> None:
    assert plural(1, "record") == "1 record"
    assert plural(0, "record") == "0 records"
    assert plural(2_500, "preview row") == "2,500 preview rows"
    assert plural(3, "entry", "entries") == "3 entries"


def test_xlsx_keeps_numbers_times_and_the_header(tmp_path: Path) -> None:
    path, count = export_rows(tmp_path / "runs.xlsx", HEADERS, ROWS, "Integration Hub: Runs?")
    assert (path, count) == (tmp_path / "runs.xlsx", 2)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None and sheet.title == "Integration Hub  Runs"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADERS
    assert values[1][:3] == ["ex_1", "OK", 15]
    assert values[1][3] == STARTED.astimezone().replace(tzinfo=None)
    assert values[2] == ["ex_2", "Failed", 2.5, None]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold


def test_csv_opens_in_excel_as_is(tmp_path: Path) -> None:
    path, count = export_rows(tmp_path / "runs.csv", HEADERS, ROWS)
    assert count == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    local = STARTED.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert rows == [HEADERS, ["ex_1", "OK", "15", local], ["ex_2", "Failed", "2.5", ""]]


def test_a_name_without_suffix_becomes_a_workbook_in_a_new_folder(tmp_path: Path) -> None:
    path, count = export_rows(tmp_path / "new" / "sync records", HEADERS, [])
    assert path == tmp_path / "new" / "sync records.xlsx"
    assert count == 0 and path.is_file()


def test_the_default_place_is_the_users_documents_folder() -> None:
    path = default_path("sync-records", now=datetime(2026, 12, 6, 17, 5))
    assert path == Path(platformdirs.user_documents_dir()) / "sync-records-20261206-1705.xlsx"
    assert default_path("x", ".csv").suffix == ".csv"
    assert sheet_title("") == "Sheet1"
    assert len(sheet_title("x" * 40)) == 31
