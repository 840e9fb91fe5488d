"""Synchronization Settings: every object's schedule per template, last and next run.

The grid lists every object of the chosen template with its schedule
(enabled, Daily or Weekly, time window, interval), its last run and outcome
and its next run by the rule. "Schedule…" (or a double-click) edits one
object in a dialog; Update writes all schedules in one transaction and tells
the embedded scheduler to reload. The line at the top says who owns
scheduling (this desktop, another desktop or the service: machine, process,
since when, last heartbeat, live or stale), read on a worker every few
seconds. Schedules saved on another desktop appear at once unless there are
unsaved edits here (those are kept, and Update asks before writing over them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.scheduling import SchedulerStatus, local_zone, read_status
from app.scheduling import drafts as store
from app.sync.jobs import OBJECTS
from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data import runs as run_store
from app.ui.data.activity import Activity, read_activity
from app.ui.data.runs import DashboardRow
from app.ui.forms.sync_common import TemplateCombo, button, fit_columns, grid
from app.ui.forms.sync_schedule_dialog import ScheduleDialog
from app.ui.models.run_models import when
from app.ui.models.schedule_model import ScheduleModel
from app.ui.widgets.form_base import CHANGED_ELSEWHERE, BaseForm
from app.ui.widgets.grid_menu import install_grid_menu

OWNER_REFRESH_MS = 3_000
Schedules = tuple[int | None, list[store.ScheduleDraft], list[DashboardRow]]
"""A read of one template's schedules: its id, the drafts, each object's last run."""
STANDBY = " This desktop stands by and takes over if it stops."


def owner_line(activity: Activity, role: str) -> str:
    """Who runs the schedules, in one or two sentences."""
    line = activity.owner_sentence()
    if role == "standby" and activity.owner is not None and not activity.owner.stale:
        line += STANDBY
    return line


class SyncSettingsForm(BaseForm):
    """Administration → Integration Hub → Synchronization Settings."""

    owner_read = Signal()
    schedules_read = Signal()
    change_scopes = ("templates", "schedules")

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Synchronization Settings", parent)
        self.setObjectName("syncSettingsForm")
        self.center = context.sync
        self.objects = self.center.objects if self.center else OBJECTS
        self.tz = local_zone()
        self.dialog: ScheduleDialog | None = None
        self.owner_loading = False
        self.schedules_loading = False
        self._read_again = False
        self._loaded: dict[str, store.ScheduleDraft] = {}

        top = QHBoxLayout()
        self.template = TemplateCombo(context.database)
        self.template.currentIndexChanged.connect(self._template_chosen)
        top.addWidget(QLabel("Tagrain Template"))
        top.addWidget(self.template)
        top.addStretch(1)
        self.body.addLayout(top)
        self.owner = QLabel("Reading who runs the schedules…")
        self.owner.setObjectName("schedulerOwner")
        self.owner.setWordWrap(True)
        self.body.addWidget(self.owner)

        self.model = ScheduleModel(self.tz, self)
        self.grid = grid("schedulesGrid", self.model)
        install_grid_menu(self.grid, self.messenger, "synchronization-schedules", "schedule")
        self.grid.doubleClicked.connect(lambda _index: self.edit_schedule())
        self.body.addWidget(self.grid, 1)
        note = QLabel(
            "Schedules are kept in the database: they survive upgrades and redeployments. "
            "Times are in this computer's time zone."
        )
        note.setObjectName("listOrigin")
        note.setWordWrap(True)
        self.body.addWidget(note)

        self.schedule_button = button("Schedule…", "editSchedule")
        self.schedule_button.clicked.connect(self.edit_schedule)
        self.sync_button = button("Sync Now", "settingsSyncNow")
        self.sync_button.clicked.connect(self.sync_now)
        self.sync_button.setEnabled(self.center is not None)
        self.preview_button = button("Preview", "settingsPreview")
        self.preview_button.setToolTip("What Sync Now would write, writing nothing")
        self.preview_button.clicked.connect(self.preview)
        self.preview_button.setEnabled(self.center is not None)
        self.buttons.insertWidget(2, self.schedule_button)
        self.buttons.insertWidget(3, self.sync_button)
        self.buttons.insertWidget(4, self.preview_button)

        self._template_id = self.template.current_id()
        if self.center is not None:
            self.center.runs_changed.connect(self.refresh_status)
        context.events.templates_changed.connect(self.template.refresh)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh_owner)
        self.timer.start(OWNER_REFRESH_MS)
        self.reload()

    def sizeHint(self) -> QSize:
        """Room for every column of the schedule grid."""
        return QSize(940, 420)

    def _status(self) -> SchedulerStatus:
        if self.center is not None:
            return self.center.status()
        return read_status(self.context.database, self.objects, tz=self.tz)

    def _template_chosen(self) -> None:
        if self.template.current_id() == self._template_id:
            return
        if not self.confirm_discard():
            self.template.blockSignals(True)
            self.template.choose(self._template_id or -1)
            self.template.blockSignals(False)
            return
        self._template_id = self.template.current_id()
        self.reload()

    def _reader(self) -> Callable[[], Schedules]:
        """The chosen template's schedules and last runs, read here or on a worker."""
        template_id, center, tz = self.template.current_id(), self.center, self.tz
        database, objects = self.context.database, self.objects

        def read() -> Schedules:
            if template_id is None:
                return template_id, [], []
            drafts = store.load_drafts(database, objects, template_id)
            status = (
                center.status() if center is not None else read_status(database, objects, tz=tz)
            )
            return template_id, drafts, run_store.dashboard(database, objects, template_id, status)

        return read

    def reload(self) -> None:
        """Read the template's schedules and last runs again (edits are dropped)."""
        _template_id, drafts, last = self._reader()()
        self._show(drafts, last)

    def refresh_in_background(self) -> None:
        """Read the schedules again on a worker (after a change made on another desktop)."""
        if self.schedules_loading:
            self._read_again = True
            return
        self.schedules_loading = True
        call = BackgroundCall(self._reader())
        call.finished.connect(self._schedules_read)
        call.failed.connect(self._schedules_failed)
        call.start()

    def _schedules_read(self, result: Schedules) -> None:
        self.schedules_loading = False
        template_id, drafts, last = result
        if self._read_again or template_id != self.template.current_id():
            self._read_again = False
            self.refresh_in_background()
            return
        if self.is_dirty() or self.busy():
            if self.is_dirty():
                self.changed_by = self.changed_by or ""
            self.messenger.warning(CHANGED_ELSEWHERE.format(who="another desktop"))
            return
        self._show(drafts, last)
        self.schedules_read.emit()

    def _schedules_failed(self, message: str) -> None:
        self.schedules_loading = False
        self._read_again = False
        self.messenger.error(f"The schedules could not be read: {message}")

    def _show(self, drafts: list[store.ScheduleDraft], last: list[DashboardRow]) -> None:
        self.begin_loading()
        keep = self.grid.currentIndex().row()
        self._loaded = {draft.object: draft for draft in drafts}
        self.model.set_drafts(drafts, last)
        fit_columns(self.grid)
        if self.model.rowCount():
            self.grid.selectRow(max(keep, 0))
        self.end_loading()
        self.refresh_owner()

    def follow_change(self, scope: str) -> None:
        """Templates or schedules changed on another desktop (this form has no unsaved edits)."""
        if scope == "templates":
            self.template.refresh()
            self._template_id = self.template.current_id()
        self.refresh_in_background()

    def refresh_status(self) -> None:
        """Last runs changed (a run ended): re-read unless there are unsaved edits."""
        if not self.is_dirty():
            self.reload()

    def refresh_owner(self) -> None:
        """Re-read who owns scheduling, on a worker (``owner_read`` when shown)."""
        if self.owner_loading:
            return
        self.owner_loading = True
        scheduler = self.center.scheduler if self.center is not None else None
        me = scheduler.holder if scheduler is not None else ""
        database, objects = self.context.database, self.objects
        call = BackgroundCall(lambda: read_activity(database, objects, None, me))
        call.finished.connect(self._owner_done)
        call.failed.connect(self._owner_failed)
        call.start()

    def _owner_done(self, activity: Activity) -> None:
        self.owner_loading = False
        scheduler = self.center.scheduler if self.center is not None else None
        role = str(scheduler.role) if scheduler is not None else "stopped"
        self.owner.setText(owner_line(activity, role))
        self.owner_read.emit()

    def _owner_failed(self, message: str) -> None:
        self.owner_loading = False
        self.owner.setText(f"Who runs the schedules could not be read: {message}")
        self.owner_read.emit()

    def selected(self) -> store.ScheduleDraft | None:
        """The draft of the chosen row."""
        index = self.grid.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_object(self, name: str) -> None:
        """Choose an object's row."""
        index = self.model.index_of(name)
        if index.isValid():
            self.grid.selectRow(index.row())

    def sync_target(self) -> tuple[int, str] | None:
        """What the toolbar's Sync Now runs: the chosen template and object."""
        draft, template_id = self.selected(), self.template.current_id()
        return None if draft is None or template_id is None else (template_id, draft.object)

    def sync_template(self) -> tuple[int, str] | None:
        """The template Synchronize All and Initial Load run: id and name."""
        template_id = self.template.current_id()
        return None if template_id is None else (template_id, self.template.currentText())

    def edit_schedule(self) -> None:
        """Open the chosen object's schedule dialog."""
        draft, row = self.selected(), self.grid.currentIndex().row()
        if draft is None:
            return
        self.dialog = ScheduleDialog(draft, self.tz, self)
        self.dialog.accepted.connect(lambda: self._edited(row))
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()

    def busy(self) -> bool:
        """A schedule dialog is open: schedules changed elsewhere wait until it closes."""
        return self.dialog is not None

    def _dialog_closed(self, _result: int) -> None:
        self.dialog = None
        self.follow_pending()

    def _edited(self, row: int) -> None:
        if self.dialog is None:
            return
        draft = self.dialog.draft()
        self.dialog = None
        if draft != self.model.row_at(row):
            self.model.replace_draft(row, draft)
            fit_columns(self.grid)
            self.set_dirty(True)

    def save(self) -> None:
        """Write the schedules edited here in one transaction; the scheduler reloads.

        Only rows that differ from what this form read are written, so saving
        here never puts back the old timing of an object that another desktop
        changed in the meantime.
        """
        template_id = self.template.current_id()
        if template_id is None:
            return
        edited = [draft for draft in self.model.rows() if self._loaded.get(draft.object) != draft]
        changed = store.save_drafts(self.context.database, template_id, edited)
        if self.center is not None:
            self.center.reload_schedules()
        self.set_dirty(False)
        self.reload()
        self.messenger.success(
            f"{changed} schedule{'s' if changed != 1 else ''} saved at {when(datetime.now(UTC))}."
        )

    def sync_now(self) -> None:
        """Run the chosen object at once."""
        target = self.sync_target()
        if self.center is not None and target is not None:
            self.center.sync_now(*target)

    def preview(self) -> None:
        """Preview the chosen object: what Sync Now would write, writing nothing."""
        target = self.sync_target()
        if self.center is not None and target is not None:
            self.center.preview(*target)
