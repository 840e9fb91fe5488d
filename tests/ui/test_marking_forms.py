"""Set Customers / Set Items for Synchronization against the live SAP and Tagrain sandboxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Link, RecordLog, SyncMark, Template
from app.sync import marking
from app.sync.engine import Engine
from app.sync.jobs import OBJECTS
from app.sync.marking import CUSTOMER, ITEM
from app.ui.forms.marking_criteria import MarkingCriteriaForm
from app.ui.forms.marking_matrix import MarkingMatrixForm
from app.ui.main_window import MainWindow
from app.ui.models.marking_model import SYNC
from app.ui.widgets.form_base import DISCARD_QUESTION
from tests.ui.conftest import Modals
from tests.ui.helpers import open_from_tree, press, type_into

SMALL = SandboxScale(customers=60, items=40, tagrain_customers=10, sales=5, refunds=1, expenses=1)


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    """Fresh loopback SAP and Tagrain sandboxes."""
    running = start_sandboxes(SandboxOptions(scale=SMALL))
    yield running
    running.stop()


@pytest.fixture
def sandbox_id(database: Database, sandboxes: RunningSandboxes) -> int:
    """The Sandbox template on these sandboxes, with no marks."""
    template = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
    with database.session() as session:
        session.execute(delete(SyncMark))
    return template


def criteria_form(qtbot: QtBot, window: MainWindow, key: str, template: int) -> MarkingCriteriaForm:
    form = open_from_tree(qtbot, window, key)
    assert isinstance(form, MarkingCriteriaForm)
    form.choose_template(template)
    return form


def open_matrix(qtbot: QtBot, form: MarkingCriteriaForm) -> MarkingMatrixForm:
    press(qtbot, form.mode_button)
    matrix = form.matrix
    assert matrix is not None
    qtbot.waitUntil(lambda: not matrix.reading, timeout=15_000)
    return matrix


def tick_row(qtbot: QtBot, matrix: MarkingMatrixForm, row: int) -> None:
    grid = matrix.grid
    index = matrix.model.index(row, SYNC)
    grid.scrollTo(index)
    rect = grid.visualRect(index)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def save(qtbot: QtBot, matrix: MarkingMatrixForm) -> bool:
    """Press OK/Update and wait for the save on the worker thread; whether it wrote."""
    with qtbot.waitSignal(matrix.saved, timeout=15_000) as outcome:
        press(qtbot, matrix.mode_button)
    return bool(outcome.args[0])


def codes_shown(matrix: MarkingMatrixForm) -> list[str]:
    return [matrix.model.row_at(r).code for r in range(matrix.model.rowCount())]


def ticked(matrix: MarkingMatrixForm) -> list[str]:
    model = matrix.model
    return [model.row_at(r).code for r in range(model.rowCount()) if model.is_ticked(r)]


def test_customers_selection_tick_ok_and_reopen(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    form = criteria_form(qtbot, window, "set_customers", sandbox_id)
    type_into(qtbot, form.code_from.edit, "C000005")
    type_into(qtbot, form.code_to.edit, "C000024")
    matrix = open_matrix(qtbot, form)
    assert window.mdi.activeSubWindow().widget() is matrix
    assert codes_shown(matrix) == [f"C{n:06d}" for n in range(5, 25)]
    assert matrix.mode_button.text() == "OK"
    for row in (0, 3, 4):
        tick_row(qtbot, matrix, row)
    assert "Ticked: 3 of 20" in matrix.footer.text()
    assert "3 changes not saved" in matrix.footer.text()
    assert matrix.mode_button.text() == "OK"
    save(qtbot, matrix)
    qtbot.waitUntil(lambda: window.form_window("set_customers_matrix") is None)
    assert marking.marked_codes(database, CUSTOMER, sandbox_id) == {
        "C000005",
        "C000008",
        "C000009",
    }
    assert window.messenger.last is not None and "3 customers marked" in window.messenger.last[1]

    again = open_matrix(qtbot, form)
    assert ticked(again) == ["C000005", "C000008", "C000009"]
    assert again.model.changed_count == 0
    tick_row(qtbot, again, 0)
    press(qtbot, again.cancel_button)
    assert modals.questions == [DISCARD_QUESTION]
    assert marking.marked_codes(database, CUSTOMER, sandbox_id) == {
        "C000005",
        "C000008",
        "C000009",
    }


def test_cancel_with_unsaved_changes_asks_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    form = criteria_form(qtbot, window, "set_customers", sandbox_id)
    type_into(qtbot, form.code_to.edit, "C000010")
    matrix = open_matrix(qtbot, form)
    press(qtbot, matrix.select_all_button)
    assert matrix.model.ticked_count == matrix.model.total() > 0
    modals.answer = modals.answer.No
    press(qtbot, matrix.cancel_button)
    assert modals.questions == [DISCARD_QUESTION]
    assert window.form_window("set_customers_matrix") is not None
    modals.answer = modals.answer.Yes
    press(qtbot, matrix.cancel_button)
    qtbot.waitUntil(lambda: window.form_window("set_customers_matrix") is None)
    assert marking.marked_codes(database, CUSTOMER, sandbox_id) == set()


def test_items_update_marks_and_the_products_sync_pushes_exactly_them(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    sandbox_id: int,
    sandboxes: RunningSandboxes,
) -> None:
    form = criteria_form(qtbot, window, "set_items", sandbox_id)
    assert not form.group_from.isEnabled()
    type_into(qtbot, form.code_from.edit, "A00003")
    type_into(qtbot, form.code_to.edit, "A00012")
    matrix = open_matrix(qtbot, form)
    assert len(codes_shown(matrix)) == 10
    headers = [matrix.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["#", "Sync", "Item Code", "Item Name"]
    grid = matrix.grid
    grid.setFocus()
    qtbot.mouseClick(
        grid.viewport(),
        Qt.MouseButton.LeftButton,
        pos=grid.visualRect(matrix.model.index(2, 2)).center(),
    )
    qtbot.mouseClick(
        grid.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        grid.visualRect(matrix.model.index(5, 2)).center(),
    )
    qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert ticked(matrix) == ["A00005", "A00006", "A00007", "A00008"]
    assert matrix.mode_button.text() == "Update"
    save(qtbot, matrix)
    assert matrix.mode_button.text() == "OK"
    assert window.form_window("set_items_matrix") is not None
    marked = {"A00005", "A00006", "A00007", "A00008"}
    assert marking.marked_codes(database, ITEM, sandbox_id) == marked

    results = Engine(database, OBJECTS).run("products", sandbox_id)
    assert all(r.status == "succeeded" for r in results), [r.message for r in results]
    up = results[0]
    sap_items = {f"A{n:05d}" for n in range(1, SMALL.items + 1)}
    with database.session() as session:
        pushed = set(
            session.scalars(
                select(RecordLog.source_id).where(
                    RecordLog.run_id == up.run_id, RecordLog.object == up.object_name
                )
            )
        )
        linked = {
            link.sap_key: link.tagrain_id
            for link in session.scalars(
                select(Link).where(Link.template_id == sandbox_id, Link.object == "products")
            )
            if link.sap_key in sap_items
        }
    assert pushed == marked
    assert set(linked) == marked
    for code, tagrain_id in linked.items():
        product = sandboxes.tagrain.record("products", tagrain_id)
        assert product is not None and product["sku"] == code

    again = open_matrix(qtbot, form)
    assert ticked(again) == sorted(marked)
    assert all(again.model.row_at(r).last_sync is not None for r in range(2, 6))


def test_items_by_group_range(
    qtbot: QtBot, window: MainWindow, sandbox_id: int, database: Database
) -> None:
    form = criteria_form(qtbot, window, "set_items", sandbox_id)
    form.by_group.setChecked(True)
    assert form.group_from.isEnabled() and not form.code_from.isEnabled()
    groups = marking.choices(database, sandbox_id, "item_groups")
    code, name = groups[-1]
    type_into(qtbot, form.group_from.edit, code)
    type_into(qtbot, form.group_to.edit, code)
    matrix = open_matrix(qtbot, form)
    shown = {matrix.model.row_at(r).group for r in range(matrix.model.rowCount())}
    assert shown <= {name}


def test_moving_a_mark_between_templates_asks(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    with database.session() as session:
        other = Template(name="Second Store")
        session.add(other)
        session.flush()
        other_id = other.id
    marking.save_marks(database, CUSTOMER, other_id, ["C000002", "C000003"], [])
    form = criteria_form(qtbot, window, "set_customers", sandbox_id)
    type_into(qtbot, form.code_to.edit, "C000004")
    matrix = open_matrix(qtbot, form)
    row = codes_shown(matrix).index("C000002")
    assert matrix.model.data(matrix.model.index(row, 5)) == "Second Store"
    modals.answer = modals.answer.No
    tick_row(qtbot, matrix, row)
    assert "Second Store" in modals.questions[-1]
    assert not matrix.model.is_ticked(row)
    modals.answer = modals.answer.Yes
    tick_row(qtbot, matrix, row)
    assert matrix.model.is_ticked(row)
    save(qtbot, matrix)
    assert marking.marked_codes(database, CUSTOMER, sandbox_id) == {"C000002"}
    assert marking.marked_codes(database, CUSTOMER, other_id) == {"C000003"}


def test_a_conflict_found_at_save_asks_again(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    form = criteria_form(qtbot, window, "set_customers", sandbox_id)
    type_into(qtbot, form.code_to.edit, "C000004")
    matrix = open_matrix(qtbot, form)
    tick_row(qtbot, matrix, 1)
    with database.session() as session:
        other = Template(name="Other Desk")
        session.add(other)
        session.flush()
        other_id = other.id
    code = matrix.model.row_at(1).code
    marking.save_marks(database, CUSTOMER, other_id, [code], [])
    modals.answer = modals.answer.No
    assert not save(qtbot, matrix)
    assert "Other Desk" in modals.questions[-1]
    assert window.messenger.last is not None and "Nothing was saved" in window.messenger.last[1]
    assert marking.marked_codes(database, CUSTOMER, other_id) == {code}
    modals.answer = modals.answer.Yes
    assert save(qtbot, matrix)
    assert marking.marked_codes(database, CUSTOMER, sandbox_id) == {code}


def test_criteria_refuse_bad_ranges(qtbot: QtBot, window: MainWindow, sandbox_id: int) -> None:
    form = criteria_form(qtbot, window, "set_customers", sandbox_id)
    type_into(qtbot, form.code_from.edit, "C000009")
    type_into(qtbot, form.code_to.edit, "C000001")
    press(qtbot, form.mode_button)
    assert form.matrix is None
    assert window.messenger.last is not None and "From code" in window.messenger.last[1]
    type_into(qtbot, form.code_to.edit, "")
    type_into(qtbot, form.group_from.edit, "retail")
    press(qtbot, form.mode_button)
    assert form.matrix is None


def test_choose_from_list_reads_the_templates_sap_company(
    qtbot: QtBot, window: MainWindow, sandbox_id: int
) -> None:
    form = criteria_form(qtbot, window, "set_items", sandbox_id)
    form.code_from.open_list()
    dialog = form.code_from.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)
    assert dialog.model.rowCount() == SMALL.items + len(demo.SPECIAL_CODE_ITEMS)
    qtbot.keyClicks(dialog.find_box, "A00007")
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    assert form.code_from.text() == "A00007"
