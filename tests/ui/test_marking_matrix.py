"""The marking matrix on its own: reading on a worker thread, stopping, failures, saving state."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.sync import marking
from app.sync.marking import CUSTOMER, Criteria, MarkRow
from app.ui.forms.marking_matrix import MarkingMatrixForm
from app.ui.main_window import MainWindow
from app.ui.status import MessageKind
from tests.ui.conftest import Modals


def page(start: int, count: int) -> list[MarkRow]:
    return [
        MarkRow(f"C{n:06d}", f"Customer {n}", "Retail", "", None, "", None)
        for n in range(start, start + count)
    ]


def matrix(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    reader: Callable[..., Iterator[list[MarkRow]]],
) -> MarkingMatrixForm:
    form = MarkingMatrixForm(window.context, Criteria(CUSTOMER, template_id), "Main Store", reader)
    qtbot.addWidget(form)
    form.show()
    return form


def test_stop_reading_keeps_the_rows_read_so_far(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    gate = threading.Event()

    def slow(cancelled: Callable[[], bool]) -> Iterator[list[MarkRow]]:
        yield page(1, 50)
        gate.wait(5)
        while not cancelled():
            yield page(51, 50)

    form = matrix(qtbot, window, template_id, slow)
    assert form.progress_row.isVisibleTo(form)
    qtbot.waitUntil(lambda: form.model.total() == 50)
    assert "50 so far" in form.progress_label.text()
    with qtbot.waitSignal(form.loaded, timeout=5000):
        form.stop_button.click()
        gate.set()
    assert form.model.total() == 50
    assert not form.progress_row.isVisibleTo(form)
    assert window.messenger.last == (
        MessageKind.WARNING,
        "Reading stopped: the matrix shows the first 50 customers",
    )


def test_a_failed_read_is_reported_in_red(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    def broken(_cancelled: Callable[[], bool]) -> Iterator[list[MarkRow]]:
        yield page(1, 3)
        raise ConnectionError("SAP: the Service Layer did not answer")

    form = matrix(qtbot, window, template_id, broken)
    with qtbot.waitSignal(form.loaded, timeout=5000):
        pass
    assert form.model.total() == 3
    assert window.messenger.last is not None
    kind, text = window.messenger.last
    assert kind is MessageKind.ERROR and "did not answer" in text


def test_space_ticks_a_shift_selected_range_and_unticks_it_again(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = matrix(qtbot, window, template_id, lambda _c: iter([page(1, 30)]))
    qtbot.waitUntil(lambda: not form.reading)
    grid = form.grid
    grid.setFocus()
    qtbot.mouseClick(
        grid.viewport(),
        Qt.MouseButton.LeftButton,
        pos=grid.visualRect(form.model.index(3, 2)).center(),
    )
    qtbot.mouseClick(
        grid.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        grid.visualRect(form.model.index(9, 2)).center(),
    )
    qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert form.model.ticked_count == 7
    assert "7 changes not saved" in form.footer.text()
    qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert form.model.ticked_count == 0 and not form.is_dirty()


def test_filter_box_filters_after_typing_and_footer_counts(
    qtbot: QtBot, window: MainWindow, template_id: int
) -> None:
    form = matrix(qtbot, window, template_id, lambda _c: iter([page(1, 30)]))
    qtbot.waitUntil(lambda: not form.reading)
    qtbot.keyClicks(form.filter_box, "C00001")
    qtbot.waitUntil(lambda: form.model.rowCount() == 10)
    form.select_all_button.click()
    assert "Ticked: 10 of 30" in form.footer.text() and "shown: 10" in form.footer.text()


def test_saving_blocks_closing_until_done(
    qtbot: QtBot, window: MainWindow, template_id: int, modals: Modals
) -> None:
    form = matrix(qtbot, window, template_id, lambda _c: iter([page(1, 5)]))
    qtbot.waitUntil(lambda: not form.reading)
    form.select_all_button.click()
    assert form.mode_button.text() == "OK"
    with qtbot.waitSignal(form.saved, timeout=5000) as outcome:
        form.mode_button.click()
        assert form.saving and not form.grid.isEnabled()
        assert not form.close()
    assert outcome.args == [True]
    assert marking.marked_codes(window.context.database, CUSTOMER, template_id) == {
        f"C{n:06d}" for n in range(1, 6)
    }
    assert modals.questions == []
