"""The marking matrix model: Qt's model contract, ticks, sort, filter, unsaved changes."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from app.sync.marking import CUSTOMER, ITEM, MarkRow, StoreView
from app.ui.models.marking_model import CHANGED_TIP, SYNC, MarkingModel

HERE, OTHER = 1, 2


def rows(count: int, owner: dict[int, int] | None = None) -> list[MarkRow]:
    owner = owner or {}
    return [
        MarkRow(
            code=f"C{n:05d}",
            name=f"Customer {(count - n):05d}",
            group=("Retail", "Wholesale")[n % 2],
            item_type="",
            owner_id=owner.get(n),
            owner={HERE: "Main", OTHER: "Second"}.get(owner.get(n, 0), ""),
            last_sync=datetime(2026, 1, 1 + n % 28, tzinfo=UTC) if n % 3 == 0 else None,
        )
        for n in range(count)
    ]


def model_with(
    count: int, owner: dict[int, int] | None = None, kind: str = CUSTOMER
) -> MarkingModel:
    model = MarkingModel(kind, HERE)
    model.append(rows(count, owner))
    return model


def check_state(model: MarkingModel, row: int) -> object:
    return model.data(model.index(row, SYNC), Qt.ItemDataRole.CheckStateRole)


def test_qt_model_contract(qtmodeltester: ModelTester) -> None:
    model = model_with(50, {1: HERE, 2: OTHER})
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.DescendingOrder)
    model.set_filter("wholesale")
    model.set_ticked(range(5), True)
    qtmodeltester.check(model)


def test_item_columns(qtmodeltester: ModelTester) -> None:
    model = model_with(5, kind=ITEM)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:4] == ["#", "Sync", "Item Code", "Item Name"]
    assert "Item Type" in headers and "Last Sync" in headers
    qtmodeltester.check(model)


def test_marks_of_this_template_come_ticked_and_clicks_tick() -> None:
    model = model_with(10, {1: HERE, 2: OTHER})
    assert check_state(model, 1) == Qt.CheckState.Checked
    assert check_state(model, 2) == Qt.CheckState.Unchecked
    assert model.ticked_count == 1 and model.changed_count == 0
    assert model.setData(
        model.index(3, SYNC), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.ticked_count == 2 and model.changed_count == 1
    assert model.data(model.index(3, 2), Qt.ItemDataRole.ToolTipRole) == CHANGED_TIP
    assert model.data(model.index(3, 2), Qt.ItemDataRole.BackgroundRole) is not None
    model.set_ticked([1], False)
    assert model.changes() == (["C00003"], ["C00001"])


def test_ticking_another_templates_row_asks_the_guard() -> None:
    model = model_with(10, {2: OTHER, 4: OTHER})
    asked: list[list[str]] = []

    def refuse(rows: list[MarkRow]) -> set[str]:
        asked.append([r.code for r in rows])
        return set()

    model.tick_guard = refuse
    assert model.set_all(True) == 8
    assert asked == [["C00002", "C00004"]]
    model.tick_guard = lambda rows: {r.code for r in rows}
    assert model.set_ticked([2, 4], True) == 2
    assert model.moves == {"C00002", "C00004"}


def test_sort_keeps_selection_on_the_same_records() -> None:
    model = model_with(30)
    kept = QPersistentModelIndex(model.index(5, 2))
    model.sort(3, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 2)) == "C00029"
    assert model.data(model.index(kept.row(), 2)) == "C00005"
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 2)) == "C00029"
    assert model.data(model.index(0, 0)) == "1"
    model.set_ticked([0], True)
    model.sort(SYNC, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 2)) == "C00029"


def test_filter_and_select_all_touch_only_shown_rows() -> None:
    model = model_with(20)
    model.set_filter("WHOLESALE")
    assert model.rowCount() == 10
    model.set_all(True)
    model.set_filter("")
    assert model.rowCount() == 20 and model.ticked_count == 10
    appended = MarkingModel(CUSTOMER, HERE)
    appended.set_filter("retail")
    appended.append(rows(6))
    assert appended.rowCount() == 3 and appended.total() == 6


def test_apply_store_makes_the_store_the_truth() -> None:
    model = model_with(6, {1: OTHER})
    model.set_ticked([0, 3], True)
    model.apply_store(StoreView(owners={"C00000": HERE, "C00001": HERE}, names={HERE: "Main"}))
    assert model.changed_count == 0 and model.ticked_count == 2
    assert check_state(model, 1) == Qt.CheckState.Checked
    assert model.data(model.index(1, 5)) == "Main"
