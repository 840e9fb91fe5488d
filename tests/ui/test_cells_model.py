"""The Sync Monitor's run list and dashboard: cells kept in Qt, shown without resets.

Painting them must run no Python at all (a run's threads hold the GIL, and
every call into Python from a paint waits for it); a new run at the top, a
sort or a refresh keeps the run the user chose chosen. Models that stay in
Python (the marking matrix, a run's records) answer a painted cell in one call.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

import app.ui.models
from app.ui.data.runs import DashboardRow, RecordRow, RunRow
from app.ui.forms.sync_common import grid
from app.ui.models.marking_model import SYNC
from app.ui.models.run_models import STATUS_COLOURS, DashboardModel, RecordsModel, RunsModel
from app.ui.status import StatusMessenger
from app.ui.widgets.grid_menu import GridMenu
from tests.ui.test_marking_model import HERE, OTHER, model_with

STARTED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def run(number: int, status: str = "succeeded", total: int = 10, failed: int = 0) -> RunRow:
    return RunRow(
        id=number,
        object="sales",
        trigger="manual",
        status=status,
        started_at=STARTED,
        finished_at=None if status == "running" else STARTED,
        total=total,
        created=total - failed,
        updated=0,
        skipped=0,
        failed=failed,
        message=None,
    )


MODELS = str(Path(app.ui.models.__file__).parent)


@contextmanager
def model_calls() -> Iterator[list[str]]:
    """The functions of the app's table models called on this thread inside the block."""
    called: list[str] = []

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_filename.startswith(MODELS):
            called.append(frame.f_code.co_qualname)

    sys.setprofile(profile)
    try:
        yield called
    finally:
        sys.setprofile(None)


def shown(qtbot: QtBot, model: object, name: str) -> QTableView:
    view = grid(name, model)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1366, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def chosen_run(view: QTableView, model: RunsModel) -> int:
    return model.row_at(view.currentIndex().row()).id


def test_painting_the_run_list_and_dashboard_runs_no_python(qtbot: QtBot) -> None:
    runs = RunsModel()
    runs.set_rows([run(n, failed=n % 3) for n in range(30, 0, -1)])
    dashboard = DashboardModel()
    dashboard.set_rows(
        [
            DashboardRow(
                name, name.title(), STARTED, "manual", "partial", None, "Manual", 2, 1, None
            )
            for name in ("customers", "products", "sales", "refunds")
        ]
    )
    records = RecordsModel()
    records.set_rows(
        [
            RecordRow(n, 1, "sales", f"sa_{n}", "Invoices:1", "create", "ok", None, STARTED, False)
            for n in range(1, 40)
        ]
    )
    views = [
        shown(qtbot, model, name)
        for model, name in ((runs, "runs"), (dashboard, "dashboard"), (records, "records"))
    ]

    def paint(views: list[QTableView]) -> None:
        for view in views:
            view.grab()  # paints the cells and the header, as on screen

    paint(views)  # PySide makes each Qt type's Python class the first time it meets it
    with model_calls() as painting_cells_in_qt:
        paint(views[:2])
    with model_calls() as painting_python_rows:
        paint(views[2:])

    assert painting_cells_in_qt == []
    # The probe sees a model answering from Python: one call per painted cell.
    assert painting_python_rows.count("RowsModel.multiData") >= 6
    assert "RowsModel.data" not in painting_python_rows


def test_a_new_run_on_top_keeps_the_chosen_run_chosen(qtbot: QtBot) -> None:
    model = RunsModel()
    model.set_rows([run(3, "running", total=4), run(2), run(1)])
    view = shown(qtbot, model, "runs")
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(1, 0)).center()
    )
    assert chosen_run(view, model) == 2
    resets: list[str] = []
    model.modelReset.connect(lambda: resets.append("reset"))
    model.layoutChanged.connect(lambda: resets.append("layout"))

    model.set_rows([run(4, "running", total=1), run(3, total=9, failed=2), run(2), run(1)])

    assert [r.id for r in model.rows()] == [4, 3, 2, 1]
    assert chosen_run(view, model) == 2
    assert resets == []
    status, total = model.index(1, 3), model.index(1, 6)
    assert (model.data(status), model.data(total)) == ("Succeeded", "9")
    assert model.data(status, Qt.ItemDataRole.ForegroundRole) == QColor(STATUS_COLOURS["succeeded"])
    assert model.data(total, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole) == "Running"

    model.set_rows([run(4, "running", total=1)])  # the Status filter leaves one
    assert (model.rowCount(), model.data(model.index(0, 0))) == (1, "4")


def test_sorting_by_a_header_click_orders_numbers_and_the_choice_follows(qtbot: QtBot) -> None:
    model = RunsModel()
    model.set_rows([run(1, total=5), run(2, total=100), run(3, total=20)])
    view = shown(qtbot, model, "runs")
    view.setSortingEnabled(True)
    view.selectRow([r.id for r in model.rows()].index(3))
    assert chosen_run(view, model) == 3
    header = view.horizontalHeader()
    total_column = header.sectionViewportPosition(6) + header.sectionSize(6) // 2

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(total_column, 5))

    totals = [model.data(model.index(row, 6)) for row in range(3)]
    assert totals in (["5", "20", "100"], ["100", "20", "5"])
    assert [r.total for r in model.rows()] == [int(t) for t in totals]
    assert chosen_run(view, model) == 3

    model.set_rows([run(1, total=5), run(2, total=100), run(3, total=20), run(4, total=50)])
    assert [r.total for r in model.rows()] == sorted((5, 100, 20, 50), reverse=totals[0] == "100")


def test_a_matrix_cell_is_painted_with_one_call_into_python(qtbot: QtBot) -> None:
    model = model_with(40, {1: HERE, 2: OTHER})
    view = shown(qtbot, model, "matrix")
    view.grab()
    with model_calls() as painting:
        view.grab()
    from_qt = [name for name in painting if name.endswith("multiData")]
    cells = sum(
        1
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        if view.visualRect(model.index(row, column)).intersects(view.viewport().rect())
    )
    assert from_qt and len(from_qt) <= cells
    assert model.data(model.index(2, SYNC), Qt.ItemDataRole.CheckStateRole) is not None


def test_a_filtered_run_list_follows_a_run_that_finishes(qtbot: QtBot) -> None:
    model = RunsModel()
    model.set_rows([run(3, "running", total=4), run(2), run(1, "failed")])
    view = shown(qtbot, model, "runs")
    menu = GridMenu(view, StatusMessenger(), "runs")
    menu.filter_by(model.index(0, 3))  # Status = Running, as right-click → Filter by This Value
    assert [row for row in range(3) if not view.isRowHidden(row)] == [0]

    def shown_runs() -> list[int]:
        return [model.row_at(r).id for r in range(model.rowCount()) if not view.isRowHidden(r)]

    model.set_rows([run(3, total=9), run(2), run(1, "failed")])  # it finished: only its cells
    qtbot.waitUntil(lambda: shown_runs() == [])

    model.set_rows([run(4, "running", total=1), run(3, total=9), run(2), run(1, "failed")])
    qtbot.waitUntil(lambda: shown_runs() == [4])
