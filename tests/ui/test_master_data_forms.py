"""Business Partner and Item Master Data against the live SAP and Tagrain sandboxes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from app.sandbox import demo
from app.sandbox.launcher import RunningSandboxes, SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Link, RecordLog, Run, SyncMark
from app.sync import marking
from app.sync.marking import CUSTOMER, ITEM
from app.sync.master_data import MasterDataReader
from app.ui.data.templates import add_template
from app.ui.forms.master_data_form import MasterDataForm
from app.ui.forms.master_data_hub import NEVER, NOT_MARKED
from app.ui.forms.master_data_item import ItemMasterDataForm
from app.ui.main_window import MainWindow
from app.ui.registry import INTEGRATION_HUB
from app.ui.widgets.form_base import DISCARD_QUESTION
from tests.ui.conftest import Modals
from tests.ui.helpers import close_form, open_from_tree, press, type_into

SCALE = SandboxScale(customers=30, items=30, tagrain_customers=5, sales=1, refunds=1, expenses=1)
READ_TIMEOUT = 15_000
BP, ITEMS = "bp_master_data", "item_master_data"


@pytest.fixture
def sandboxes() -> Iterator[RunningSandboxes]:
    """Fresh loopback SAP and Tagrain sandboxes."""
    running = start_sandboxes(SandboxOptions(scale=SCALE))
    yield running
    running.stop()


@pytest.fixture
def sandbox_id(database: Database, sandboxes: RunningSandboxes) -> int:
    """The Sandbox template on these sandboxes, with no marks."""
    template = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
    with database.session() as session:
        session.execute(delete(SyncMark))
    return template


def wait_read(qtbot: QtBot, form: MasterDataForm) -> None:
    qtbot.waitUntil(lambda: not form.reading, timeout=READ_TIMEOUT)


def open_form(qtbot: QtBot, window: MainWindow, key: str) -> MasterDataForm:
    """Open a master data form from the Main Menu and wait for its first record."""
    form = open_from_tree(qtbot, window, key)
    assert isinstance(form, MasterDataForm)
    qtbot.waitUntil(lambda: form.record is not None and not form.reading, timeout=READ_TIMEOUT)
    return form


def code(form: MasterDataForm) -> str:
    assert form.record is not None
    return form.record.code


def step(qtbot: QtBot, form: MasterDataForm, name: str) -> str:
    press(qtbot, form.step_buttons[name])
    wait_read(qtbot, form)
    return code(form)


def find(qtbot: QtBot, form: MasterDataForm, text: str, field: str = "code") -> None:
    """Type into the header's code (or name) field and press Enter."""
    edit = form.code_edit if field == "code" else form.name_edit
    type_into(qtbot, edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    wait_read(qtbot, form)


def click_sync(qtbot: QtBot, form: MasterDataForm) -> None:
    form.tabs.setCurrentWidget(form.hub)
    box = form.hub.sync_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def update(qtbot: QtBot, form: MasterDataForm) -> bool:
    """Press Update and wait for the save on the worker thread; whether it wrote."""
    assert form.mode_button.text() == "Update"
    with qtbot.waitSignal(form.saved, timeout=READ_TIMEOUT) as outcome:
        press(qtbot, form.mode_button)
    return bool(outcome.args[0])


def marks(database: Database, kind: str) -> dict[str, int]:
    with database.session() as session:
        return dict(
            session.execute(
                select(SyncMark.sap_key, SyncMark.template_id).where(SyncMark.kind == kind)
            ).all()
        )


def status(window: MainWindow) -> tuple[str, str]:
    assert window.messenger.last is not None
    kind, text = window.messenger.last
    return kind.value, text


def test_both_forms_hang_under_integration_hub(window: MainWindow) -> None:
    for key, title in ((BP, "Business Partner Master Data"), (ITEMS, "Item Master Data")):
        spec = window.registry.get(key)
        assert spec is not None and spec.title == title and spec.folder == INTEGRATION_HUB
        assert window.tree.index_of_form(key).parent() == window.tree.index_of_folder(
            INTEGRATION_HUB
        )


def test_business_partner_browse_and_find(
    qtbot: QtBot, window: MainWindow, sandbox_id: int
) -> None:
    form = open_form(qtbot, window, BP)
    assert form.template_id == sandbox_id
    assert code(form) == demo.WALK_IN_CUSTOMER
    assert form.mode_button.text() == "OK"
    assert step(qtbot, form, "next") == "C000001"
    assert step(qtbot, form, "next") == "C000002"
    assert step(qtbot, form, "previous") == "C000001"
    special = demo.SPECIAL_CODE_CUSTOMER
    assert step(qtbot, form, "last") == special.code
    assert form.name_edit.text() == special.name
    assert step(qtbot, form, "next") == special.code
    assert status(window) == ("error", "This is the last business partner.")
    assert step(qtbot, form, "previous") == "C000030"
    assert step(qtbot, form, "first") == demo.WALK_IN_CUSTOMER

    qtbot.keyClick(form.code_edit, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    wait_read(qtbot, form)
    form.code_edit.setFocus()
    qtbot.keyClick(form.code_edit, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    wait_read(qtbot, form)
    assert code(form) == special.code
    qtbot.keyClick(form.code_edit, Qt.Key.Key_PageUp)
    wait_read(qtbot, form)
    assert code(form) == "C000030"

    find(qtbot, form, "C000007")
    assert code(form) == "C000007"
    record = form.record
    assert record is not None and form.name_edit.text() == record.name
    assert form.group.text() and form.currency.text() == "USD"  # type: ignore[attr-defined]

    find(qtbot, form, "C999999")
    assert status(window) == ("error", 'No business partner matches "C999999".')
    assert code(form) == "C000007" and form.code_edit.text() == "C000007"

    name = demo_name(form, "C000012")
    find(qtbot, form, name, field="name")
    assert code(form) == "C000012"

    type_into(qtbot, form.code_edit, "C000021")
    qtbot.keyClick(form.code_edit, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    wait_read(qtbot, form)
    assert code(form) == "C000021"


def demo_name(form: MasterDataForm, wanted: str) -> str:
    """The name SAP holds for a code, read the way the form reads it."""
    assert form.reader is not None
    record = form.reader.read(wanted)
    assert record is not None and record.name
    return record.name


def test_business_partner_sync_update_and_reopen(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int
) -> None:
    form = open_form(qtbot, window, BP)
    find(qtbot, form, "C000005")
    form.tabs.setCurrentWidget(form.hub)
    assert form.hub.template.text() == NOT_MARKED
    assert form.hub.last_sync.text() == NEVER
    assert not form.hub.sync_box.isChecked()

    click_sync(qtbot, form)
    assert form.hub.sync_box.isChecked()
    assert form.mode_button.text() == "Update"
    click_sync(qtbot, form)
    assert form.mode_button.text() == "OK"
    click_sync(qtbot, form)
    assert update(qtbot, form)
    assert marks(database, CUSTOMER) == {"C000005": sandbox_id}
    assert form.mode_button.text() == "OK"
    assert form.hub.template.text() == "Sandbox"
    assert status(window) == ("success", "Business partner C000005 marked for template Sandbox")

    close_form(qtbot, window, BP)
    again = open_form(qtbot, window, BP)
    find(qtbot, again, "C000005")
    assert again.hub.sync_box.isChecked()
    assert again.hub.template.text() == "Sandbox"

    click_sync(qtbot, again)
    assert update(qtbot, again)
    assert marks(database, CUSTOMER) == {}
    assert again.hub.template.text() == NOT_MARKED


def test_moving_a_mark_from_another_template_asks(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    other = add_template(database, "Warehouse Outlet")
    marking.save_marks(database, CUSTOMER, other, ["C000003"], [])
    form = open_form(qtbot, window, BP)
    find(qtbot, form, "C000003")
    assert form.hub.template.text() == "Warehouse Outlet"
    assert not form.hub.sync_box.isChecked()

    modals.answer = modals.answer.No
    click_sync(qtbot, form)
    assert len(modals.questions) == 1 and "Warehouse Outlet" in modals.questions[0]
    assert not form.hub.sync_box.isChecked()
    assert form.mode_button.text() == "OK"
    assert marks(database, CUSTOMER) == {"C000003": other}

    modals.answer = modals.answer.Yes
    click_sync(qtbot, form)
    assert len(modals.questions) == 2
    assert update(qtbot, form)
    assert marks(database, CUSTOMER) == {"C000003": sandbox_id}
    assert form.hub.template.text() == "Sandbox"


def test_a_mark_taken_meanwhile_is_asked_about_at_update(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    form = open_form(qtbot, window, BP)
    find(qtbot, form, "C000004")
    click_sync(qtbot, form)
    other = add_template(database, "Warehouse Outlet")
    marking.save_marks(database, CUSTOMER, other, ["C000004"], [])
    modals.answer = modals.answer.No
    assert not update(qtbot, form)
    assert modals.questions and "Warehouse Outlet" in modals.questions[-1]
    assert marks(database, CUSTOMER) == {"C000004": other}
    assert status(window)[0] == "error"


def test_last_sync_and_outcome_come_from_the_store(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int
) -> None:
    synced = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with database.session() as session:
        session.add(
            Link(
                template_id=sandbox_id,
                object="customers",
                tagrain_id="tg-cust-9",
                sap_key="C000009",
                synced_at=synced,
            )
        )
        run = Run(template_id=sandbox_id, object="customers_up", trigger="manual")
        session.add(run)
        session.flush()
        for at, action, state, message in (
            (datetime(2026, 11, 20, 9, 30, tzinfo=UTC), "updated", "ok", None),
            (datetime(2026, 11, 21, 8, 0, tzinfo=UTC), "failed", "failed", "E-mail invalid"),
        ):
            session.add(
                RecordLog(
                    run_id=run.id,
                    object="customers_up",
                    source_id="C000009",
                    target_key="tg-cust-9",
                    action=action,
                    status=state,
                    message=message,
                    at=at,
                )
            )
    form = open_form(qtbot, window, BP)
    find(qtbot, form, "C000009")
    hub = form.hub
    assert hub.cross_reference.text() == "tg-cust-9"
    assert hub.last_sync.text() == synced.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert hub.last_outcome.text().endswith("Failed: E-mail invalid")
    assert hub.last_outcome.property("failed") is True


def test_reading_runs_on_a_worker_and_says_so(
    qtbot: QtBot, window: MainWindow, sandbox_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_browse = MasterDataReader.browse

    def slow_browse(self: MasterDataReader, step: str, code: str | None = None) -> object:
        release.wait(10)
        return real_browse(self, step, code)

    monkeypatch.setattr(MasterDataReader, "browse", slow_browse)
    form = open_from_tree(qtbot, window, ITEMS)
    assert isinstance(form, MasterDataForm)
    qtbot.waitUntil(lambda: form.reading)
    assert form.reading_label.isVisible()
    assert form.reading_label.text() == "Reading item from SAP Business One…"
    assert not form.step_buttons["next"].isEnabled()
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.wait(200)
    timer.stop()
    assert len(ticks) >= 5, "the GUI thread kept running its event loop"
    assert form.reading
    release.set()
    wait_read(qtbot, form)
    assert not form.reading_label.isVisible()
    assert code(form) == "A00001"


def test_item_browse_find_price_stock_and_sync(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int
) -> None:
    form = open_form(qtbot, window, ITEMS)
    assert isinstance(form, ItemMasterDataForm)
    assert code(form) == "A00001"
    assert step(qtbot, form, "next") == "A00002"
    special = sorted(demo.SPECIAL_CODE_ITEMS, key=lambda item: item.code)
    assert step(qtbot, form, "last") == special[-1].code
    assert form.name_edit.text() == special[-1].name
    assert step(qtbot, form, "previous") == special[-2].code
    assert form.name_edit.text() == special[-2].name
    kit = next(item for item in special if item.code == "Kit(2),%41")
    find(qtbot, form, kit.code)
    assert code(form) == kit.code and form.barcode.text() == kit.barcode
    assert step(qtbot, form, "first") == "A00001"
    find(qtbot, form, "A00017")
    assert code(form) == "A00017"
    assert form.price_label.text() == "Unit Price (Retail Price List)"
    assert form.price.text() and form.price.text()[0].isdigit()
    assert form.group.text() and form.barcode.text()
    grid = form.stock_model
    assert grid.rowCount() >= 1
    warehouses = [grid.index(row, 0).data() for row in range(grid.rowCount())]
    assert warehouses == sorted(warehouses)
    assert grid.index(0, 1).data()

    find(qtbot, form, "NOPE-1")
    assert status(window) == ("error", 'No item matches "NOPE-1".')
    assert code(form) == "A00017"

    click_sync(qtbot, form)
    assert update(qtbot, form)
    assert marks(database, ITEM) == {"A00017": sandbox_id}
    close_form(qtbot, window, ITEMS)
    again = open_form(qtbot, window, ITEMS)
    find(qtbot, again, "A00017")
    assert again.hub.sync_box.isChecked() and again.hub.template.text() == "Sandbox"


def test_unsaved_sync_tick_asks_before_browsing_or_switching_template(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int, modals: Modals
) -> None:
    other = add_template(database, "Warehouse Outlet")
    window.context.events.templates_changed.emit()
    form = open_form(qtbot, window, BP)
    assert form.template_id == sandbox_id
    click_sync(qtbot, form)
    assert form.mode_button.text() == "Update"

    modals.answer = modals.answer.No
    press(qtbot, form.step_buttons["next"])
    assert modals.questions == [DISCARD_QUESTION]
    assert not form.reading and code(form) == demo.WALK_IN_CUSTOMER
    form.choose_template(other)
    assert len(modals.questions) == 2
    assert form.template_id == sandbox_id and form.is_dirty()

    modals.answer = modals.answer.Yes
    assert step(qtbot, form, "next") == "C000001"
    assert not form.is_dirty() and marks(database, CUSTOMER) == {}


def test_data_refresh_shows_what_the_store_holds(
    qtbot: QtBot, window: MainWindow, database: Database, sandbox_id: int
) -> None:
    form = open_form(qtbot, window, ITEMS)
    find(qtbot, form, "A00003")
    assert not form.hub.sync_box.isChecked()
    marking.save_marks(database, ITEM, sandbox_id, ["A00003"], [])
    window.refresh_action.trigger()
    wait_read(qtbot, form)
    assert code(form) == "A00003"
    assert form.hub.sync_box.isChecked() and form.hub.template.text() == "Sandbox"
