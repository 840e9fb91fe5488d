"""Sync Monitor: per object the last and next run, backlog and failures; runs; every record.

The dashboard lists the template's objects; choosing one shows its run
history; choosing a run shows every record's outcome with SAP's message word
for word (read on a worker, so a 10,000-record run never stalls the client).
Sync Now runs the chosen object (its button names it: "Sync Now: Sales"),
Synchronize All every object of the template, Initial Load the initial load
(after a question); Retry Failed applies the chosen failed records again
(or all failed records of the chosen run), Export writes the records (or,
with no run chosen, the runs) to Excel or CSV, as the grid shows them.

While this client runs a sync, the chosen object's runs and the running
run's records are read again on a worker as progress comes in (at most every
half second): the running run's counts and its records as they are committed.

Every few seconds a worker reads who runs each object now (machine, process,
since when: the run leases) and who fires the schedules (the service or a
desktop client, its last heartbeat, live or stale); a run that starts or
ends anywhere, on any desktop or the service, and a schedule or template
saved on another desktop, read the dashboard again on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.scheduling import local_zone, read_status
from app.scheduling.rows import run_objects
from app.sync.jobs import OBJECTS
from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data import runs as store
from app.ui.data.activity import Activity, read_activity
from app.ui.forms.sync_common import TemplateCombo, button, fit_columns, grid, room_for
from app.ui.models.run_models import DashboardModel, RecordsModel, RunsModel
from app.ui.sync_actions import confirm_initial_load
from app.ui.sync_center import INITIAL_LOAD, SYNC_ALL
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.grid_menu import install_grid_menu

STATUS_FILTERS = (("All", ""), ("Failed", "failed"), ("OK", "ok"), ("Waiting", "waiting"))
PREVIEW_NO_RETRY = (
    "A preview wrote nothing, so there is nothing to retry: press Sync Now to apply it."
)
NO_SYNC = (
    "Sync Now, Preview and Retry need the sync core (start the client with `integration-hub gui`)."
)
ACTIVITY_MS = 3_000
LIVE_MS = 500
"""How often, at most, the monitor reads a running run while progress comes in."""
LIVE_STYLE = "color: #346187;"
STALE_STYLE = "color: #e78c07;"


@dataclass(frozen=True)
class LiveRead:
    """The chosen object's runs and the new records of the run to show, read during a run."""

    template_id: int
    object: str
    generation: int
    runs: list[store.RunRow]
    run_id: int | None
    after_id: int
    records: list[store.RecordRow] | None


@dataclass(frozen=True)
class RecordsRead:
    """A run's records read on a worker; ``kept``: how many of them the grid shows already."""

    generation: int
    rows: list[store.RecordRow]
    kept: int


@dataclass(frozen=True)
class DashboardRead:
    """The dashboard, and the runs of the object it will show chosen, read on a worker."""

    template_id: int | None
    rows: list[store.DashboardRow]
    object: str | None
    runs: list[store.RunRow]


class SyncMonitorForm(BaseForm):
    """Administration → Integration Hub → Sync Monitor."""

    activity_read = Signal()
    dashboard_read = Signal()
    live_read = Signal()
    sync_target_changed = Signal()
    change_scopes = ("templates", "schedules")

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Sync Monitor", parent)
        self.setObjectName("syncMonitorForm")
        self.center = context.sync
        self.objects = self.center.objects if self.center else OBJECTS
        self._records_generation = 0
        self._showing_dashboard = False
        self._runs_fitted_for: tuple[int | None, str | None] | None = None
        self.records_loading = False
        self.live_loading = False
        self._live_again = False
        self._applying_live = False
        self.live_timer = QTimer(self)
        self.live_timer.setSingleShot(True)
        self.live_timer.setInterval(LIVE_MS)
        self.live_timer.timeout.connect(self.refresh_live)

        top = QHBoxLayout()
        self.template = TemplateCombo(context.database)
        self.template.currentIndexChanged.connect(lambda _i: self.reload())
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        for text, value in STATUS_FILTERS:
            self.status_filter.addItem(text, value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._load_runs())
        self.refresh_button = button("Refresh", "refreshMonitor")
        self.refresh_button.clicked.connect(self.reload)
        top.addWidget(QLabel("Tagrain Template"))
        top.addWidget(self.template)
        top.addSpacing(12)
        top.addWidget(QLabel("Status"))
        top.addWidget(self.status_filter)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        self.body.addLayout(top)
        self.scheduling = QLabel("Reading who runs the schedules…")
        self.scheduling.setObjectName("schedulingOwner")
        self.scheduling.setWordWrap(True)
        self.body.addWidget(self.scheduling)
        self.activity: Activity | None = None
        self.activity_loading = False
        self.dashboard_loading = False
        self._dashboard_again = False

        self.dashboard_model = DashboardModel(self)
        self.dashboard = grid("dashboardGrid", self.dashboard_model)
        self.runs_model = RunsModel(self)
        self.runs = grid("runsGrid", self.runs_model)
        self.records_model = RecordsModel(self)
        self.records = grid("recordsGrid", self.records_model, multi=True)
        install_grid_menu(self.dashboard, self.messenger, "sync-monitor", "object")
        self.runs_menu = install_grid_menu(self.runs, self.messenger, "sync-runs", "run")
        self.records_menu = install_grid_menu(
            self.records, self.messenger, "sync-records", "record"
        )
        self.message = QLineEdit()
        self.message.setObjectName("recordMessage")
        self.message.setReadOnly(True)
        self.message.setPlaceholderText("Choose a record to read its message in full")
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("monitorSplit")
        split.setChildrenCollapsible(False)
        for title, view in (
            ("Objects", self.dashboard),
            ("Runs", self.runs),
            ("Records", self.records),
        ):
            pane = QWidget()
            layout = _pane(pane, title)
            layout.addWidget(view)
            if view is self.records:
                layout.addWidget(self.message)
            split.addWidget(pane)
        split.setSizes([230, 170, 230])
        self.body.addWidget(split, 1)

        self.sync_button = button("Sync Now", "monitorSyncNow")
        self.sync_all_button = button(SYNC_ALL, "monitorSyncAll")
        self.initial_load_button = button(f"{INITIAL_LOAD}…", "monitorInitialLoad")
        self.preview_button = button("Preview", "monitorPreview")
        self.preview_button.setToolTip("What Sync Now would write, writing nothing")
        self.retry_button = button("Retry Failed", "retryFailed")
        self.export_button = button("Export…", "exportCsv")
        for n, widget in enumerate(
            (
                self.sync_button,
                self.sync_all_button,
                self.initial_load_button,
                self.preview_button,
                self.retry_button,
                self.export_button,
            )
        ):
            self.buttons.insertWidget(2 + n, widget)
        self.sync_button.clicked.connect(self.sync_now)
        self.sync_all_button.clicked.connect(self.sync_all)
        self.initial_load_button.clicked.connect(self.initial_load)
        self.preview_button.clicked.connect(self.preview)
        self.retry_button.clicked.connect(self.retry_failed)
        self.export_button.clicked.connect(self.export)
        if self.center is None:
            for widget in (
                self.sync_button,
                self.sync_all_button,
                self.initial_load_button,
                self.preview_button,
                self.retry_button,
            ):
                widget.setEnabled(False)
                widget.setToolTip(NO_SYNC)
        else:
            self.center.runs_changed.connect(self._runs_changed)
            self.center.runner.progress.connect(self._progress)
        self.dashboard.selectionModel().currentRowChanged.connect(self._object_chosen)
        self.dashboard.selectionModel().currentRowChanged.connect(lambda *_a: self._name_target())
        self.template.currentIndexChanged.connect(lambda _i: self._name_target())
        self.runs.selectionModel().currentRowChanged.connect(lambda *_a: self._run_chosen())
        self.records.selectionModel().selectionChanged.connect(lambda *_a: self._record_chosen())
        context.events.templates_changed.connect(self._templates_changed)
        self.activity_timer = QTimer(self)
        self.activity_timer.setInterval(ACTIVITY_MS)
        self.activity_timer.timeout.connect(self.refresh_activity)
        self.activity_timer.start()
        self.reload()

    def sizeHint(self) -> QSize:
        """Wide enough for the run counts and a readable SAP message."""
        return QSize(980, 660)

    # ---- reading -------------------------------------------------------------------------

    def _templates_changed(self) -> None:
        self.template.refresh()
        self.reload()

    def follow_change(self, scope: str) -> None:
        """Templates or schedules changed on another desktop: read the dashboard on a worker."""
        if scope == "templates":
            self.template.refresh()
        self.refresh_in_background()

    def refresh_activity(self) -> None:
        """Read the leases and the scheduling owner on a worker (one read at a time)."""
        if self.activity_loading:
            return
        self.activity_loading = True
        database, objects, template_id = (
            self.context.database,
            self.objects,
            self.template.current_id(),
        )
        call = BackgroundCall(lambda: read_activity(database, objects, template_id))
        call.finished.connect(self._activity_done)
        call.failed.connect(self._activity_failed)
        call.start()

    def _activity_done(self, activity: Activity) -> None:
        self.activity_loading = False
        if activity.template_id != self.template.current_id():
            self.refresh_activity()
            return
        before, self.activity = self.activity, activity
        if self.dashboard_model.set_leases(activity.leases):
            for column in self.dashboard_model.lease_columns:
                self.dashboard.resizeColumnToContents(column)
        self.scheduling.setText(f"Scheduling: {activity.owner_sentence()}")
        stale = activity.owner is None or activity.owner.stale
        self.scheduling.setStyleSheet(STALE_STYLE if stale else LIVE_STYLE)
        if before is not None and before.running_key() != activity.running_key():
            self.refresh_in_background()
        self.activity_read.emit()

    def _activity_failed(self, message: str) -> None:
        self.activity_loading = False
        self.scheduling.setText(f"Who runs what could not be read: {message}")
        self.activity_read.emit()

    def _dashboard_reader(self) -> Callable[[], DashboardRead]:
        """The dashboard read of the chosen template, to run here or on a worker.

        The runs of the object that will stay chosen are read with it, so showing
        the result reads nothing on the GUI thread.
        """
        template_id, center = self.template.current_id(), self.center
        database, objects = self.context.database, self.objects
        wanted, run_status = self.selected_object(), self._run_status()

        def read() -> DashboardRead:
            status = (
                center.status()
                if center is not None
                else read_status(database, objects, tz=local_zone())
            )
            if template_id is None:
                return DashboardRead(template_id, [], None, [])
            rows = store.dashboard(database, objects, template_id, status)
            names = [r.object for r in rows]
            chosen = wanted if wanted in names else (names[0] if names else None)
            runs = (
                store.list_runs(database, template_id, run_objects(objects[chosen]), run_status)
                if chosen is not None
                else []
            )
            return DashboardRead(template_id, rows, chosen, runs)

        return read

    def _run_status(self) -> str:
        """The run filter the status filter implies ("failed", "waiting" or every run)."""
        chosen = self.status_filter.currentData()
        return str(chosen) if chosen in ("failed", "waiting") else ""

    def reload(self) -> None:
        """Read the dashboard again, keeping the chosen object and run."""
        self._show_dashboard(self._dashboard_reader()())

    def _runs_changed(self) -> None:
        """A run of this client started or ended: read the dashboard, runs and records on workers.

        ``records_loading`` stays set until the chosen run's records are shown.
        """
        self.records_loading = True
        self.refresh_in_background()

    def refresh_in_background(self) -> None:
        """Read the dashboard again on a worker (after a change made elsewhere)."""
        if self.dashboard_loading:
            self._dashboard_again = True
            return
        self.dashboard_loading = True
        call = BackgroundCall(self._dashboard_reader())
        call.finished.connect(self._dashboard_read)
        call.failed.connect(self._dashboard_failed)
        call.start()

    def _dashboard_read(self, result: DashboardRead) -> None:
        self.dashboard_loading = False
        if self._dashboard_again or result.template_id != self.template.current_id():
            self._dashboard_again = False
            self.refresh_in_background()
            return
        self._show_dashboard(result)
        self.dashboard_read.emit()

    def _dashboard_failed(self, message: str) -> None:
        self.dashboard_loading = False
        self.records_loading = False
        self._dashboard_again = False
        self.messenger.error(f"The Sync Monitor could not be read: {message}")

    def _show_dashboard(self, read: DashboardRead) -> None:
        """Show a dashboard read; columns are fitted when first filled, then keep their widths."""
        keep, rows = self.selected_object(), read.rows
        first_fill = self.dashboard_model.rowCount() == 0
        self.dashboard_model.set_rows(rows)
        if first_fill:
            fit_columns(self.dashboard)
        room_for(self.dashboard, self.dashboard_model.room)
        names = [r.object for r in rows]
        self._showing_dashboard = True
        try:
            if rows:
                self.dashboard.selectRow(names.index(keep) if keep in names else 0)
        finally:
            self._showing_dashboard = False
        shown = self.selected_object()
        self._load_runs(read.runs if shown is not None and shown == read.object else None)
        self.refresh_activity()

    def selected_object(self) -> str | None:
        """The object of the chosen dashboard row."""
        index = self.dashboard.currentIndex()
        return self.dashboard_model.row_at(index.row()).object if index.isValid() else None

    def select_object(self, name: str) -> None:
        """Choose an object's row (as a click would)."""
        for row, data in enumerate(self.dashboard_model.rows()):
            if data.object == name:
                self.dashboard.selectRow(row)

    def sync_target(self) -> tuple[int, str] | None:
        """What the toolbar's Sync Now runs: the chosen template and object."""
        template_id, name = self.template.current_id(), self.selected_object()
        return None if template_id is None or name is None else (template_id, name)

    def sync_template(self) -> tuple[int, str] | None:
        """The template Synchronize All and Initial Load run: id and name."""
        template_id = self.template.current_id()
        return None if template_id is None else (template_id, self.template.currentText())

    def _name_target(self) -> None:
        """Name the chosen object and template on Sync Now; tell the toolbar."""
        target, template = self.sync_target(), self.sync_template()
        if target is not None and template is not None and self.center is not None:
            label = self.center.label(target[1])
            self.sync_button.setText(f"Sync Now: {label}")
            self.sync_button.setToolTip(f"Synchronize {label} of template {template[1]} now")
            self.preview_button.setToolTip(f"What Sync Now of {label} would write, writing nothing")
        else:
            self.sync_button.setText("Sync Now")
        if template is not None and self.center is not None:
            self.sync_all_button.setToolTip(
                f"Synchronize every object of template {template[1]} now, in dependency order"
            )
            self.initial_load_button.setToolTip(f"The initial load of template {template[1]}")
        self.sync_target_changed.emit()

    def selected_run(self) -> store.RunRow | None:
        """The run of the chosen history row."""
        index = self.runs.currentIndex()
        return self.runs_model.row_at(index.row()) if index.isValid() else None

    def _run_chosen(self) -> None:
        if not self._applying_live:
            self._load_records()

    def _follows_newest(self) -> bool:
        """Whether the newest run is chosen (then a run that starts is chosen in its place)."""
        index = self.runs.currentIndex()
        return not index.isValid() or index.row() == 0

    def _progress(self, *_state: object) -> None:
        """Progress of this client's run: read the running run again, at most every 0.5 s."""
        if not self.live_timer.isActive():
            self.live_timer.start()

    def refresh_live(self) -> None:
        """Read the chosen object's runs and the shown run's new records on a worker."""
        if self.live_loading:
            self._live_again = True
            return
        template_id, name = self.template.current_id(), self.selected_object()
        if template_id is None or name is None:
            return
        shown, follow = self.selected_run(), self._follows_newest()
        shown_id = shown.id if shown is not None else None
        last_id = self.records_model.last_id
        database, names = self.context.database, run_objects(self.objects[name])
        record_status = str(self.status_filter.currentData())
        run_status = record_status if record_status in ("failed", "waiting") else ""
        generation = self._records_generation
        self.live_loading = True

        def read() -> LiveRead:
            runs = store.list_runs(database, template_id, names, run_status)
            target = next((r for r in runs if r.id == shown_id), None)
            if follow and runs:
                target = runs[0]
            records = None
            after = last_id if target is not None and target.id == shown_id else 0
            if target is not None and (target.status == "running" or target.id != shown_id):
                records = store.list_records(
                    database, template_id, target.id, record_status, after_id=after
                )
            run_id = target.id if target is not None else None
            return LiveRead(template_id, name, generation, runs, run_id, after, records)

        call = BackgroundCall(read)
        call.finished.connect(self._live_done)
        call.failed.connect(self._live_failed)
        call.start()

    def _live_done(self, result: LiveRead) -> None:
        self.live_loading = False
        current = (self.template.current_id(), self.selected_object(), self._records_generation)
        if current == (result.template_id, result.object, result.generation):
            self._show_live(result)
        if self._live_again:
            self._live_again = False
            self.refresh_live()
        self.live_read.emit()

    def _live_failed(self, message: str) -> None:
        self.live_loading = False
        self._live_again = False
        self.messenger.error(f"The Sync Monitor could not be read: {message}")

    def _show_live(self, result: LiveRead) -> None:
        """Show the runs read during a run; append the shown run's new records."""
        self._applying_live = True
        try:
            self.runs_model.set_rows(result.runs)
            ids = [r.id for r in result.runs]
            if result.run_id in ids:
                self.runs.selectRow(ids.index(result.run_id))
        finally:
            self._applying_live = False
        if result.records is None:
            return
        if result.after_id:
            self.records_model.append_rows(result.records)
        else:
            self.records_model.set_rows(result.records)
            fit_columns(self.records)

    def _object_chosen(self, *_indexes: object) -> None:
        """The user chose another object: read its runs (a dashboard being shown brings them)."""
        if not self._showing_dashboard:
            self._load_runs()

    def _load_runs(self, read: list[store.RunRow] | None = None) -> None:
        """Show the chosen object's runs (``read``: already read on a worker, else read here).

        Columns are fitted when another object or template is shown, not on every
        refresh: a run in progress does not make them jump, and widths the user set stay.
        """
        template_id, name = self.template.current_id(), self.selected_object()
        keep = self.selected_run()
        follow = self._follows_newest()
        rows: list[store.RunRow] = []
        if read is not None:
            rows = read
        elif template_id is not None and name is not None:
            rows = store.list_runs(
                self.context.database,
                template_id,
                run_objects(self.objects[name]),
                self._run_status(),
            )
        self.runs_model.set_rows(rows)
        if self._runs_fitted_for != (template_id, name) and rows:
            fit_columns(self.runs)
            self._runs_fitted_for = (template_id, name)
        room_for(self.runs, self.runs_model.room)
        ids = [r.id for r in rows]
        if rows:
            self.runs.selectRow(ids.index(keep.id) if keep and keep.id in ids and not follow else 0)
        self._load_records()

    def _load_records(self) -> None:
        run, template_id = self.selected_run(), self.template.current_id()
        self._records_generation += 1
        generation = self._records_generation
        if run is None or template_id is None:
            self.records_model.set_rows([])
            self.message.clear()
            self.records_loading = False
            return
        database, status = self.context.database, str(self.status_filter.currentData())
        self.records_loading = True
        shown = self.records_model.rows()

        def read() -> RecordsRead:
            rows = store.list_records(database, template_id, run.id, status)
            # The run shown live: its records are on screen already, only the rest are new.
            # Compared here on the worker: 10,000 rows took the GUI thread tens of ms.
            prefix = bool(shown) and rows[: len(shown)] == shown
            return RecordsRead(generation, rows, len(shown) if prefix else 0)

        call = BackgroundCall(read)
        call.finished.connect(self._records_read)
        call.failed.connect(self.messenger.error)
        call.start()

    def _records_read(self, result: RecordsRead) -> None:
        """Show a run's records unless another run was chosen since.

        A slot of the form, not a lambda: Qt drops it when the form closes first.
        """
        if result.generation != self._records_generation:
            return
        rows, kept = result.rows, result.kept
        if kept and self.records_model.rowCount() >= kept:
            self.records_model.append_rows(rows[kept:])
        else:
            self.records_model.set_rows(rows)
            fit_columns(self.records)
        self.message.clear()
        self.records_loading = False

    def _record_chosen(self) -> None:
        chosen = self.chosen_records()
        self.message.setText((chosen[0].message or "") if chosen else "")
        self.message.setCursorPosition(0)

    def chosen_records(self) -> list[store.RecordRow]:
        """The records of the selected rows, in grid order."""
        rows = {index.row() for index in self.records.selectionModel().selectedRows()}
        return [self.records_model.row_at(row) for row in sorted(rows)]

    # ---- actions -------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Run the chosen object at once."""
        target = self.sync_target()
        if self.center is not None and target is not None:
            self.center.sync_now(*target)

    def sync_all(self) -> None:
        """Synchronize every object of the chosen template, in dependency order."""
        template = self.sync_template()
        if self.center is not None and template is not None:
            self.center.sync_all(template[0])

    def initial_load(self) -> None:
        """The initial load of the chosen template, once the user confirms."""
        template = self.sync_template()
        if self.center is None or template is None:
            return
        if confirm_initial_load(self, template[1]):
            self.center.initial_load(template[0])

    def preview(self) -> None:
        """Preview the chosen object: what Sync Now would write, writing nothing."""
        target = self.sync_target()
        if self.center is not None and target is not None:
            self.center.preview(*target)

    def retry_failed(self) -> None:
        """Retry the chosen failed records, else every waiting record of the chosen run."""
        template_id, run = self.template.current_id(), self.selected_run()
        if self.center is None or template_id is None:
            return
        if run is not None and run.dry_run:
            self.messenger.info(PREVIEW_NO_RETRY)
            return
        chosen = [r for r in self.chosen_records() if r.status == "failed"]
        if not chosen and run is not None:
            chosen = [r for r in self.records_model.rows() if r.status == "failed" and r.waiting]
        if not chosen:
            self.messenger.info("Nothing to retry: choose failed records or a run with failures.")
            return
        by_job: dict[str, list[str]] = {}
        for record in chosen:
            by_job.setdefault(record.object, []).append(record.source_id)
        job, ids = next(iter(by_job.items()))
        self.center.retry(template_id, job, ids)

    def export(self) -> None:
        """Write the records shown (or the runs, when no run is chosen) to Excel or CSV."""
        (self.records_menu if self.records_model.rowCount() else self.runs_menu).export()


def _pane(widget: QWidget, title: str) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    layout.addWidget(label)
    return layout
