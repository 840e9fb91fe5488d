"""Several desktops on one store: open forms follow edits made elsewhere, and show who runs what.

"Another desktop" is a second connection to the same database (its own
engine, so its writes are not this client's own), writing through the core
functions from another thread, or from a child process.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, update

from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.scheduling import drafts as schedules
from app.scheduling.owner import OwnerClaim
from app.scheduling.rows import record_skip
from app.store import Database, SchedulerOwner, SyncMark, open_database
from app.sync import leases, marking
from app.sync.jobs import OBJECTS
from app.sync.marking import CUSTOMER, ITEM, Criteria, MarkRow
from app.sync.master_data import set_mark
from app.ui.context import Services
from app.ui.data.settings import load_general, save_general
from app.ui.data.templates import add_template
from app.ui.forms.general_settings import GeneralSettingsForm
from app.ui.forms.marking_matrix import MarkingMatrixForm
from app.ui.forms.master_data_form import MasterDataForm
from app.ui.forms.monitor import SyncMonitorForm
from app.ui.forms.sync_settings import SyncSettingsForm
from app.ui.forms.templates import TemplatesForm
from app.ui.main_window import MainWindow
from app.ui.models.run_models import when
from app.ui.status import MessageKind
from tests.ui.conftest import Modals
from tests.ui.helpers import open_from_tree, press

DEADLINE = 15_000
RUNNING_ON, PROCESS, SINCE = 8, 9, 10


@pytest.fixture
def other_desk(database: Database) -> Iterator[Database]:
    """The same store opened a second time, as another desktop's client opens it."""
    other = open_database(str(database.url.render_as_string(hide_password=False)), upgrade=False)
    yield other
    other.dispose()


def elsewhere(work: Callable[[], object]) -> None:
    """Run a write on another thread (as another desktop would, concurrently) and wait for it."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised on the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if failures:
        raise failures[0]


def enable_sales(database: Database, template_id: int, interval: int = 30) -> None:
    """Another desktop enables the sales schedule through the core writer."""
    drafts = schedules.load_drafts(database, OBJECTS, template_id)
    drafts = [
        d.with_changes(enabled=True, interval_minutes=interval) if d.object == "sales" else d
        for d in drafts
    ]
    schedules.save_drafts(database, template_id, drafts)


def sales_row(form: SyncSettingsForm) -> schedules.ScheduleDraft:
    return next(d for d in form.model.rows() if d.object == "sales")


def test_the_monitor_shows_a_foreign_lease_holder_and_the_service_owner(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    lease = leases.acquire(database, template_id, "sales", holder="otherbox:4242#abc")
    service = OwnerClaim(database, "service", holder="srv01:812", ttl=timedelta(minutes=5))
    assert service.beat()
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    model = monitor.dashboard_model
    qtbot.waitUntil(lambda: model.lease_of("sales") is not None, timeout=DEADLINE)
    row = [r.object for r in model.rows()].index("sales")
    cell = lambda column: model.data(model.index(row, column))  # noqa: E731
    assert (cell(RUNNING_ON), cell(PROCESS), cell(SINCE)) == (
        "otherbox",
        "4242",
        when(lease.acquired_at),
    )
    text = monitor.scheduling.text()
    assert "The service on srv01 (process 812) runs the schedules since" in text
    assert "(live)" in text

    lease.release()
    with database.session() as session:
        past = datetime.now(UTC) - timedelta(seconds=5)
        session.execute(update(SchedulerOwner).values(expires_at=past))
    qtbot.waitUntil(lambda: "(stale)" in monitor.scheduling.text(), timeout=DEADLINE)
    assert "Nobody runs the schedules right now: the service on srv01" in monitor.scheduling.text()
    assert model.lease_of("sales") is None and cell(RUNNING_ON) == ""


def test_a_run_started_elsewhere_refreshes_the_dashboard(
    qtbot: QtBot, window: MainWindow, template_id: int, other_desk: Database
) -> None:
    monitor = open_from_tree(qtbot, window, "sync_monitor")
    assert isinstance(monitor, SyncMonitorForm)
    with qtbot.waitSignal(monitor.activity_read, timeout=DEADLINE):
        pass

    def start_run() -> None:
        record_skip(other_desk, template_id, "refunds", "an earlier run of refunds")
        leases.acquire(other_desk, template_id, "refunds", holder="pc-anna:77#r1")

    elsewhere(start_run)
    model = monitor.dashboard_model
    qtbot.waitUntil(lambda: model.lease_of("refunds") is not None, timeout=DEADLINE)
    held = model.lease_of("refunds")
    assert held is not None and held.holder.machine == "pc-anna" and held.holder.pid == 77
    outcome = lambda: next(r.outcome for r in model.rows() if r.object == "refunds")  # noqa: E731
    qtbot.waitUntil(lambda: outcome() == "skipped", timeout=DEADLINE)


def test_a_schedule_saved_on_another_desktop_appears_in_the_open_settings(
    qtbot: QtBot, window: MainWindow, template_id: int, other_desk: Database
) -> None:
    form = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(form, SyncSettingsForm)
    assert not sales_row(form).enabled
    elsewhere(lambda: enable_sales(other_desk, template_id))
    qtbot.waitUntil(lambda: sales_row(form).enabled, timeout=DEADLINE)
    assert sales_row(form).interval_minutes == 30
    assert form.mode_button.text() == "OK"


def test_an_unsaved_schedule_edit_is_kept_and_update_asks_before_writing_over(
    qtbot: QtBot,
    window: MainWindow,
    template_id: int,
    database: Database,
    other_desk: Database,
    modals: Modals,
) -> None:
    form = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(form, SyncSettingsForm)
    row = form.model.index_of("refunds").row()
    mine = form.model.row_at(row).with_changes(enabled=True, interval_minutes=15)
    form.model.replace_draft(row, mine)
    form.set_dirty(True)

    elsewhere(lambda: enable_sales(other_desk, template_id))
    qtbot.waitUntil(
        lambda: "your edits are kept" in (window.messenger.last or ("", ""))[1], timeout=DEADLINE
    )
    kind, text = window.messenger.last or ("", "")
    assert kind is MessageKind.WARNING and "Changed on another program on this desktop" in text
    assert form.model.row_at(row) == mine and form.is_dirty(), "the edit is kept"
    assert not sales_row(form).enabled, "nothing was reloaded over it"

    modals.answer = modals.answer.No
    press(qtbot, form.mode_button)
    assert "changed this data after you started editing" in modals.questions[-1]
    assert form.is_dirty()
    stored = schedules.load_drafts(database, OBJECTS, template_id)
    assert not next(d for d in stored if d.object == "refunds").enabled, "not saved"

    modals.answer = modals.answer.Yes
    press(qtbot, form.mode_button)
    assert not form.is_dirty()
    stored = schedules.load_drafts(database, OBJECTS, template_id)
    refunds = next(d for d in stored if d.object == "refunds")
    assert refunds.enabled and refunds.interval_minutes == 15
    sales = next(d for d in stored if d.object == "sales")
    assert sales.enabled and sales.interval_minutes == 30, "the other desktop's edit survives"


def test_a_change_arriving_while_a_schedule_dialog_is_open_waits_until_it_closes(
    qtbot: QtBot, window: MainWindow, template_id: int, other_desk: Database
) -> None:
    form = open_from_tree(qtbot, window, "sync_settings")
    assert isinstance(form, SyncSettingsForm)
    form.select_object("refunds")
    press(qtbot, form.schedule_button)
    dialog = form.dialog
    assert dialog is not None
    elsewhere(lambda: enable_sales(other_desk, template_id))
    qtbot.waitUntil(lambda: "schedules" in form.pending_changes, timeout=DEADLINE)
    assert not sales_row(form).enabled, "the grid under the open dialog is left alone"
    press(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: sales_row(form).enabled, timeout=DEADLINE)
    assert form.pending_changes == {}


def test_own_saves_do_not_come_back_as_changes_from_elsewhere(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    heard: list[str] = []
    watcher = window.change_watcher
    watcher.changed.connect(lambda scope, _by: heard.append(scope))
    qtbot.waitUntil(lambda: watcher.seen is not None, timeout=DEADLINE)
    enable_sales(database, template_id)
    add_template(database, "Second Store")
    polls = watcher.polls
    qtbot.waitUntil(lambda: watcher.polls >= polls + 2, timeout=DEADLINE)
    assert heard == []


def test_marks_saved_on_another_desktop_appear_in_an_open_matrix(
    qtbot: QtBot, window: MainWindow, template_id: int, other_desk: Database
) -> None:
    def rows(_cancelled: Callable[[], bool]) -> Iterator[list[MarkRow]]:
        yield [
            MarkRow(f"C{n:03d}", f"Customer {n}", "Retail", "", None, "", None) for n in range(5)
        ]

    form = MarkingMatrixForm(window.context, Criteria(CUSTOMER, template_id), "Main Store", rows)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: not form.reading, timeout=DEADLINE)
    assert form.model.ticked_count == 0
    elsewhere(lambda: marking.save_marks(other_desk, CUSTOMER, template_id, ["C001", "C003"], []))
    qtbot.waitUntil(lambda: form.model.ticked_count == 2, timeout=DEADLINE)
    assert {form.model.row_at(r).code for r in range(5) if form.model.is_ticked(r)} == {
        "C001",
        "C003",
    }
    assert not form.is_dirty()


def test_a_template_added_by_another_process_appears_in_the_open_templates_form(
    qtbot: QtBot, window: MainWindow, template_id: int, database: Database
) -> None:
    form = open_from_tree(qtbot, window, "templates")
    assert isinstance(form, TemplatesForm)
    url = database.url.render_as_string(hide_password=False)
    script = (
        "import sys; from app.store import open_database; "
        "from app.ui.data.templates import add_template; "
        "db = open_database(sys.argv[1], upgrade=False); add_template(db, 'Branch North')"
    )
    subprocess.run([sys.executable, "-c", script, url], check=True, env=dict(os.environ))
    names = lambda: [form.model.row_at(r).name for r in range(form.model.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: "Branch North" in names(), timeout=DEADLINE)


def test_general_settings_follow_another_desktop_unless_edited(
    qtbot: QtBot, window: MainWindow, template_id: int, other_desk: Database
) -> None:
    form = open_from_tree(qtbot, window, "general_settings")
    assert isinstance(form, GeneralSettingsForm)
    settings = load_general(other_desk, template_id)
    changed = dataclasses.replace(settings, default_currency="EUR")
    elsewhere(lambda: save_general(other_desk, template_id, changed))
    qtbot.waitUntil(lambda: form.default_currency.text() == "EUR", timeout=DEADLINE)
    assert not form.is_dirty()


@pytest.fixture
def shared_database(store_url: str) -> Iterator[Database]:
    """The store on SQLite, then on PostgreSQL when a server is given."""
    database = open_database(store_url)
    yield database
    database.dispose()


def test_schedules_follow_on_each_database(
    qtbot: QtBot, shared_database: Database, store_url: str
) -> None:
    template_id = add_template(shared_database, "Main Store")
    window = MainWindow(shared_database, Services())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    form = window.open_form("sync_settings")
    assert isinstance(form, SyncSettingsForm)
    # As its sibling tests do: the change is made once the watcher has its baseline
    # (read on a worker; a loaded machine read it only after the change had landed).
    qtbot.waitUntil(lambda: window.change_watcher.seen is not None, timeout=DEADLINE)
    other = open_database(store_url, upgrade=False)
    try:
        elsewhere(lambda: enable_sales(other, template_id, interval=45))
        qtbot.waitUntil(lambda: sales_row(form).enabled, timeout=DEADLINE)
        assert sales_row(form).interval_minutes == 45
    finally:
        other.dispose()
        window.close()


def test_a_mark_set_on_another_desktop_shows_in_the_open_item_master_data(
    qtbot: QtBot, window: MainWindow, database: Database, other_desk: Database
) -> None:
    scale = SandboxScale(customers=5, items=5, tagrain_customers=1, sales=1, refunds=1, expenses=1)
    sandboxes = start_sandboxes(SandboxOptions(scale=scale))
    try:
        sandbox_id = ensure_sandbox_template(database, sandboxes.sap_url, sandboxes.tagrain_url)
        with database.session() as session:
            session.execute(delete(SyncMark))
        form = open_from_tree(qtbot, window, "item_master_data")
        assert isinstance(form, MasterDataForm)
        form.choose_template(sandbox_id)
        qtbot.waitUntil(lambda: form.record is not None and not form.reading, timeout=DEADLINE)
        assert form.record is not None and not form.hub.sync_box.isChecked()
        code = form.record.code
        elsewhere(lambda: set_mark(other_desk, ITEM, sandbox_id, code, True))
        qtbot.waitUntil(form.hub.sync_box.isChecked, timeout=DEADLINE)
        assert form.hub.template.text() == "Sandbox" and not form.is_dirty()
    finally:
        sandboxes.stop()
