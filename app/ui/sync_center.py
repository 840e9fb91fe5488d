"""The client's sync services: Sync Now, Preview, Retry and the embedded scheduler, for every form.

``SyncCenter`` is made by the main window when the application injects an
engine factory (``Services.engine_factory``). Forms reach it through
``FormContext.sync``; they never call the engine themselves. It reports
outcomes to the status bar and emits ``runs_changed`` whenever a run may
have been written (a Sync Now ended, a scheduled run started or ended), so
the monitor and the settings form refresh.

``sync_all`` runs every object of a template in dependency order (what
`integration-hub sync all` does) and ``initial_load`` the initial load (what
`integration-hub init` does); both can be previewed like Sync Now.

``preview`` runs an object as Sync Now would, through the same runner
(progress, cancel, refusal), with clients that write nothing; once it has
ended, the preview's log rows are read on a worker and ``preview_ready``
carries them (a ``PreviewReport``) to the main window, which shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.scheduling.rows import run_objects
from app.store import Database
from app.sync.engine import RETRY_TRIGGER, Engine, SyncObjectSpec
from app.sync.jobs import INIT_ORDER
from app.sync.leases import LeaseHeld
from app.sync.records import CancelToken, Progress, ProgressCallback
from app.sync.runner import RunResult
from app.ui.background import BackgroundCall
from app.ui.data.activity import refusal
from app.ui.data.preview import PreviewReport, read_preview
from app.ui.status import StatusMessenger
from app.ui.words import INITIAL_LOAD, SYNC_ALL
from app.ui.workers.sync_run import SyncRunner, SyncTask

if TYPE_CHECKING:
    from app.scheduling import SchedulerStatus, SyncScheduler
    from app.scheduling.scheduler import SchedulerEvent
    from app.ui.context import Services


PREVIEW_KEYS = {SYNC_ALL: "synchronize-all", INITIAL_LOAD: "initial-load"}
"""A preview of several objects is named by one of these instead of an object."""
INIT_TRIGGER = "init"
"""The trigger of the initial load's runs (as `integration-hub init` records them)."""


def summarize(results: Sequence[RunResult]) -> tuple[str, str]:
    """The worst status of the runs and one line with their summed counts."""
    order = ("failed", "cancelled", "partial", "succeeded")
    statuses = {result.status for result in results}
    worst = next((s for s in order if s in statuses), "succeeded")
    created = sum(r.created for r in results)
    updated = sum(r.updated for r in results)
    skipped = sum(r.skipped for r in results)
    failed = sum(r.failed for r in results)
    waiting = sum(r.waiting for r in results)
    line = f"{created} created, {updated} updated, {skipped} skipped, {failed} failed"
    if waiting:
        line += f", {waiting} waiting for another object (retried on the next run)"
    message = next((r.message for r in results if r.message), None)
    return worst, f"{line} ({message})" if message else line


class SyncCenter(QObject):
    """Sync Now, Preview, Retry failed and the embedded scheduler behind one object."""

    runs_changed = Signal()
    scheduler_event = Signal(str, str)
    preview_ready = Signal(object)

    def __init__(
        self,
        database: Database,
        services: Services,
        messenger: StatusMessenger,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        assert services.engine_factory is not None
        self.database = database
        self.engine: Engine = services.engine_factory(database)
        self.messenger = messenger
        self.runner = SyncRunner(database, self)
        self.runner.started.connect(self._started)
        self.runner.progress.connect(self._first_progress)
        self._announced = False
        self.runner.finished.connect(self._finished)
        self.runner.refused.connect(self._refused)
        self.runner.failed.connect(self._failed)
        self._preview: tuple[int, str] | None = None
        self.preview_loading = False
        self.scheduler_event.connect(self._on_scheduler_event, Qt.ConnectionType.QueuedConnection)
        self.scheduler: SyncScheduler | None = None
        if services.scheduler_factory is not None:
            self.scheduler = services.scheduler_factory(database, self._forward_event)
            self.scheduler.start()

    @property
    def objects(self) -> dict[str, SyncObjectSpec]:
        """The objects a user can sync, in dependency order."""
        return self.engine.objects

    def label(self, object_name: str) -> str:
        """The user's word for an object (or a job name as it is)."""
        spec = self.objects.get(object_name)
        return spec.label if spec is not None else object_name

    def sync_now(self, template_id: int, object_name: str) -> bool:
        """Run an object at once on a worker (customers: a full download)."""
        spec = self.objects[object_name]
        engine = self.engine

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[RunResult]:
            return engine.run(
                object_name, template_id, trigger="manual", progress=progress, cancel=cancel
            )

        task = SyncTask(f"Sync Now: {spec.label}", template_id, run_objects(spec), work)
        return self.runner.start(task)

    def sync_all(self, template_id: int, *, preview: bool = False) -> bool:
        """Every object of the template in dependency order, as `integration-hub sync all`."""
        return self._run_objects(template_id, SYNC_ALL, list(self.objects), "manual", None, preview)

    def initial_load(self, template_id: int, *, preview: bool = False) -> bool:
        """The initial load, as `integration-hub init`: groups, marked items, customers."""
        names = [name for name in INIT_ORDER if name in self.objects]
        return self._run_objects(template_id, INITIAL_LOAD, names, INIT_TRIGGER, True, preview)

    def _run_objects(
        self,
        template_id: int,
        title: str,
        names: list[str],
        trigger: str,
        full: bool | None,
        preview: bool,
    ) -> bool:
        """Run objects one after the other on a worker; an object held elsewhere is skipped."""
        engine, specs = self.engine, [self.objects[name] for name in names]

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[RunResult | str]:
            results: list[RunResult | str] = []
            for step, spec in enumerate(specs, start=1):
                if cancel.cancelled:
                    break
                where = f"{step} of {len(specs)}: {spec.label}"

                def report(state: Progress, where: str = where) -> None:
                    progress(replace(state, message=where))

                try:
                    results.extend(
                        engine.run(
                            spec.name,
                            template_id,
                            trigger=trigger,
                            full=full,
                            dry_run=preview,
                            progress=report,
                            cancel=cancel,
                        )
                    )
                except LeaseHeld as held:
                    results.append(refusal(held, spec.label))
            return results

        leases = tuple(name for spec in specs for name in run_objects(spec))
        label = f"Preview: {title}" if preview else title
        task = SyncTask(label, template_id, leases, work, steps=True)
        started = self.runner.start(task)
        if started and preview:
            self._preview = (template_id, title)
        return started

    def apply_preview(self, template_id: int, key: str) -> bool:
        """Run for real what a preview showed: an object, Synchronize All or the initial load."""
        if key == PREVIEW_KEYS[SYNC_ALL]:
            return self.sync_all(template_id)
        if key == PREVIEW_KEYS[INITIAL_LOAD]:
            return self.initial_load(template_id)
        return self.sync_now(template_id, key)

    def preview(self, template_id: int, object_name: str) -> bool:
        """Run an object as Sync Now would, writing nothing; ``preview_ready`` brings the rows."""
        spec = self.objects[object_name]
        engine = self.engine

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[RunResult]:
            return engine.run(
                object_name,
                template_id,
                trigger="manual",
                dry_run=True,
                progress=progress,
                cancel=cancel,
            )

        task = SyncTask(f"Preview: {spec.label}", template_id, run_objects(spec), work)
        started = self.runner.start(task)
        if started:
            self._preview = (template_id, object_name)
        return started

    def retry(self, template_id: int, job_name: str, source_ids: Sequence[str]) -> bool:
        """Apply chosen failed records again on a worker."""
        ids = list(source_ids)
        engine = self.engine

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[RunResult]:
            return [engine.retry(job_name, template_id, ids, progress=progress, cancel=cancel)]

        label = f"Retry: {len(ids)} {self.label(job_name)} record{'s' if len(ids) != 1 else ''}"
        return self.runner.start(SyncTask(label, template_id, (job_name,), work))

    def retry_all(self, template_id: int, object_name: str) -> bool:
        """Apply every record of an object waiting for a retry."""
        spec = self.objects[object_name]
        engine = self.engine

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[RunResult]:
            return engine.run(
                object_name,
                template_id,
                trigger=RETRY_TRIGGER,
                progress=progress,
                cancel=cancel,
                retries_only=True,
            )

        task = SyncTask(f"Retry failed: {spec.label}", template_id, run_objects(spec), work)
        return self.runner.start(task)

    def cancel(self) -> None:
        """Stop the running Sync Now or Retry after the records in flight."""
        if self.runner.running is not None:
            self.runner.cancel()
            self.messenger.info("Cancelling after the records in progress…")

    def status(self) -> SchedulerStatus:
        """Who owns scheduling and every schedule's next and last run."""
        if self.scheduler is not None:
            return self.scheduler.status()
        from app.scheduling import local_zone, read_status

        return read_status(self.database, self.objects, tz=local_zone())

    def reload_schedules(self) -> None:
        """Tell the embedded scheduler that schedules were saved."""
        if self.scheduler is not None:
            self.scheduler.reload()
        self.runs_changed.emit()

    def shutdown(self) -> None:
        """Cancel the running task, wait for it and stop the scheduler (the client closes)."""
        self.runner.wait()
        if self.scheduler is not None:
            self.scheduler.stop(wait=True)
            self.scheduler = None

    def _forward_event(self, event: SchedulerEvent) -> None:
        self.scheduler_event.emit(event.kind, event.message)

    @Slot(str, str)
    def _on_scheduler_event(self, kind: str, message: str) -> None:
        if kind in ("started", "finished", "skipped", "failed"):
            self.runs_changed.emit()
        if kind == "failed":
            self.messenger.error(message)
        elif kind == "skipped":
            self.messenger.warning(message)

    @Slot(str)
    def _started(self, _label: str) -> None:
        self._announced = False

    @Slot(int, int, int, str)
    def _first_progress(self, *_state: object) -> None:
        """The run row and its lease exist once progress starts: show it as running."""
        if not self._announced:
            self._announced = True
            self.runs_changed.emit()

    @Slot(object)
    def _finished(self, result: object) -> None:
        results = (
            [r for r in result if isinstance(r, RunResult)] if isinstance(result, list) else []
        )
        held = [r for r in result if isinstance(r, str)] if isinstance(result, list) else []
        preview, self._preview = self._preview, None
        if preview is not None:
            self._read_preview(*preview, results)
            self.runs_changed.emit()
            return
        worst, line = summarize(results)
        if held:
            worst = "failed" if worst == "succeeded" else worst
            line += "; not started: " + "; ".join(held)
        text = f"{worst.capitalize()}: {line}"
        if worst == "succeeded" and not any(r.waiting for r in results):
            self.messenger.success(text)
        elif worst in ("succeeded", "partial", "cancelled"):
            self.messenger.warning(text)
        else:
            self.messenger.error(text)
        self.runs_changed.emit()

    def _read_preview(self, template_id: int, object_name: str, results: list[RunResult]) -> None:
        """Read the preview's log rows on a worker; ``preview_ready`` delivers them."""
        worst, _line = summarize(results)
        note = next((r.message for r in results if r.message), None) or ""
        database, label = self.database, self.label(object_name)
        object_name = PREVIEW_KEYS.get(object_name, object_name)
        run_ids = [r.run_id for r in results]
        self.preview_loading = True
        call = BackgroundCall(
            lambda: read_preview(database, label, object_name, template_id, run_ids, worst, note)
        )
        call.finished.connect(self._preview_read)
        call.failed.connect(self._preview_failed)
        call.start()

    def _preview_read(self, report: PreviewReport) -> None:
        self.preview_loading = False
        text = f"Preview of {report.label}: {report.summary()}"
        if report.note:
            text += f" ({report.note})"
        kind = report.kind()
        if kind == "success":
            self.messenger.success(text)
        elif kind == "error":
            self.messenger.error(text)
        else:
            self.messenger.warning(text)
        self.preview_ready.emit(report)

    def _preview_failed(self, message: str) -> None:
        self.preview_loading = False
        self.messenger.error(f"The preview could not be read: {message}")

    @Slot(str)
    def _refused(self, message: str) -> None:
        if self.runner.running is None:
            self._preview = None
        self.messenger.error(f"Not started: {message}")
        self.runs_changed.emit()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._preview = None
        self.messenger.error(f"The run could not start: {message}")
        self.runs_changed.emit()
