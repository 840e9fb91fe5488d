"""SyncScheduler: the embedded APScheduler 3 scheduler that runs schedules through the Engine.

Schedules stay rows in the store; each process builds its own in-memory
APScheduler jobs (one per active schedule, id ``schedule-<id>``) with a
``ScheduleTrigger``. Only the process that owns the scheduler-owner
heartbeat has jobs; the others stand by, keep their schedule list fresh for
the monitor, and take over when the owner's heartbeat goes stale.

Runs stay single by two locks: ownership (confirmed against the store
before every fire) and the object's run lease; a fire that finds the lease
held is recorded as a skipped run. Missed runs are coalesced into one
catch-up run if they are at most ``misfire_grace`` late: a job's first run
is computed from the object's last run (or the schedule's last edit), so a
slot missed while no process was scheduling still fires once on start.
The owner also prunes old record detail once a day (``app.sync.pruning``).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError

from app.scheduling.calendar import local_zone, next_run
from app.scheduling.owner import CLIENT, DEFAULT_OWNER_TTL, SERVICE, OwnerClaim
from app.scheduling.rows import (
    ScheduleEntry,
    fingerprint,
    last_runs,
    load_entries,
    record_skip,
)
from app.scheduling.status import SchedulerStatus, read_status
from app.scheduling.trigger import ScheduleTrigger
from app.store import Database, Run
from app.sync.engine import Engine, SyncObjectSpec
from app.sync.leases import LeaseHeld, current_holder
from app.sync.records import CancelToken
from app.sync.runner import RunResult

if TYPE_CHECKING:
    from app.sync.pruning import BackgroundPruner

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 15.0
DEFAULT_MISFIRE_GRACE = timedelta(minutes=15)


class Role(enum.StrEnum):
    """What this process's scheduler does right now."""

    OWNER = "owner"
    STANDBY = "standby"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SchedulerConfig:
    """How a SyncScheduler behaves; the defaults suit the desktop client.

    ``poll_seconds``: how often edits by other processes are looked for and
    the heartbeat renewed (at least three beats per ``owner_ttl``).
    ``fires``: False for a desktop whose settings leave the schedules to the
    service; it never claims ownership, never fires, and only reads the
    schedules and the owner for the monitor.
    """

    kind: str = CLIENT
    owner_ttl: timedelta = DEFAULT_OWNER_TTL
    poll_seconds: float = DEFAULT_POLL_SECONDS
    misfire_grace: timedelta = DEFAULT_MISFIRE_GRACE
    holder: str | None = None
    tz: tzinfo | None = None
    fires: bool = True


@dataclass(frozen=True)
class SchedulerEvent:
    """Something the GUI or the service console may want to show.

    ``kind``: role, reloaded, started, finished, skipped or failed.
    """

    kind: str
    message: str
    schedule_id: int | None = None


EventCallback = Callable[[SchedulerEvent], None]


def job_id(schedule_id: int) -> str:
    """The APScheduler job id of a schedule."""
    return f"schedule-{schedule_id}"


class SyncScheduler:
    """Turns schedule rows into APScheduler jobs and runs them through the Engine.

    ``start()`` claims ownership or stands by; ``reload()`` after saving a
    schedule; ``status()`` for the monitor; ``stop()`` cancels runs in progress
    after their current record and gives ownership up. ``on_event`` is called
    from worker threads (the GUI forwards it through a queued signal).
    """

    def __init__(
        self,
        database: Database,
        objects: Mapping[str, SyncObjectSpec],
        config: SchedulerConfig | None = None,
        *,
        on_event: EventCallback | None = None,
    ) -> None:
        self.database = database
        self.objects = dict(objects)
        self.config = config or SchedulerConfig()
        self.tz = self.config.tz or local_zone()
        self.engine = Engine(database, self.objects)
        self._claim = OwnerClaim(
            database, self.config.kind, holder=self.config.holder, ttl=self.config.owner_ttl
        )
        self._on_event = on_event
        self._lock = threading.RLock()
        self._entries: dict[int, ScheduleEntry] = {}
        self._fingerprint: tuple[object, ...] | None = None
        self._role = Role.STOPPED
        self._cancel = CancelToken()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._aps: BackgroundScheduler | None = None
        self._pruner: BackgroundPruner | None = None

    @property
    def holder(self) -> str:
        """This process's name in the owner row and the run leases."""
        return self._claim.holder

    @property
    def role(self) -> Role:
        """Owner, standby or stopped."""
        return self._role

    def start(self) -> None:
        """Start APScheduler, claim ownership or stand by, and begin the heartbeat."""
        with self._lock:
            if self._aps is not None:
                raise RuntimeError("the scheduler is already running")
            self._stop.clear()
            self._cancel = CancelToken()
            grace = max(1, int(self.config.misfire_grace.total_seconds()))
            self._aps = BackgroundScheduler(
                timezone=UTC,
                executors={"default": ThreadPoolExecutor(max_workers=max(1, len(self.objects)))},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
            )
            self._aps.start()
            self._role = Role.STANDBY
        self._tick()
        self._thread = threading.Thread(target=self._loop, name="scheduler-heartbeat", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop firing; runs in progress finish their current record; give ownership up."""
        self._stop.set()
        self._cancel.cancel()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            aps, self._aps = self._aps, None
        if aps is None:
            return
        aps.shutdown(wait=wait)
        if self._pruner is not None:
            self._pruner.stop()
        try:
            self._claim.release()
        except SQLAlchemyError as exc:
            log.warning("could not give up scheduling ownership: %s", exc)
        self._set_role(Role.STOPPED)

    def reload(self) -> None:
        """Read the schedules again (call after saving one); changed ones get new triggers."""
        current = fingerprint(self.database)
        entries = load_entries(self.database, self.objects)
        with self._lock:
            previous = self._entries
            self._entries = {entry.schedule_id: entry for entry in entries}
            self._fingerprint = current
            if self._role is Role.OWNER:
                self._sync_jobs(previous)
        self._emit("reloaded", f"{len(entries)} schedules loaded")

    def fire_now(self, schedule_id: int) -> bool:
        """Make a schedule's job due at once (it still runs only here and only if we own)."""
        with self._lock:
            if self._aps is None or self._role is not Role.OWNER:
                return False
            job = self._aps.get_job(job_id(schedule_id))
            if job is None:
                return False
            job.modify(next_run_time=datetime.now(UTC))
            return True

    def next_runs(self) -> dict[int, datetime | None]:
        """The owner's job times per schedule id, in the local zone (empty while standing by)."""
        with self._lock:
            if self._aps is None or self._role is not Role.OWNER:
                return {}
            return {
                int(job.id.removeprefix("schedule-")): (
                    job.next_run_time.astimezone(self.tz) if job.next_run_time else None
                )
                for job in self._aps.get_jobs()
            }

    def status(self) -> SchedulerStatus:
        """Owner, role, and for every schedule its next and last run (see ``read_status``)."""
        runs = self.next_runs() if self._role is Role.OWNER else None
        return read_status(
            self.database,
            self.objects,
            tz=self.tz,
            role=str(self._role),
            holder=self.holder,
            next_runs=runs,
            scope=self._claim.scope,
        )

    def _loop(self) -> None:
        interval = min(self.config.poll_seconds, self.config.owner_ttl.total_seconds() / 3)
        while not self._stop.wait(max(interval, 0.05)):
            self._tick()

    def _tick(self) -> None:
        try:
            if fingerprint(self.database) != self._fingerprint:
                self.reload()
            owned = self.config.fires and self._claim.beat()
        except SQLAlchemyError as exc:
            log.warning("scheduler cannot reach the store: %s", exc)
            owned = self._claim.owned()
        if not self._stop.is_set():
            self._set_role(Role.OWNER if owned else Role.STANDBY)
            if owned:
                self._prune_if_due()

    def _prune_if_due(self) -> None:
        """The scheduling owner prunes old record detail once a day, in its own thread."""
        if self._pruner is None:
            from app.sync.pruning import BackgroundPruner

            self._pruner = BackgroundPruner(self.database, self.tz)
        self._pruner.poke()

    def _set_role(self, role: Role) -> None:
        with self._lock:
            if role is self._role:
                return
            self._role = role
            if role is Role.OWNER:
                self._sync_jobs(None)
            elif self._aps is not None:
                self._aps.remove_all_jobs()
        if role is Role.OWNER:
            message = f"{self.holder} owns scheduling ({self.config.kind})"
        elif role is Role.STANDBY and not self.config.fires:
            message = f"{self.holder} leaves the schedules to the service"
        elif role is Role.STANDBY:
            message = f"{self.holder} stands by: another process owns scheduling"
        else:
            message = f"{self.holder} stopped scheduling"
        log.info("%s", message)
        self._emit("role", message)

    def _sync_jobs(self, previous: dict[int, ScheduleEntry] | None) -> None:
        """Make the jobs match the entries; unchanged schedules keep their job (lock held)."""
        aps = self._aps
        if aps is None:
            return
        wanted = {job_id(e.schedule_id): e for e in self._entries.values() if e.active}
        existing = {job.id for job in aps.get_jobs()}
        for jid in existing:
            entry = wanted.get(jid)
            unchanged = (
                entry is not None
                and previous is not None
                and previous.get(entry.schedule_id) == entry
            )
            if not unchanged:
                aps.remove_job(jid)
        kept = {job.id for job in aps.get_jobs()}
        adding = [entry for jid, entry in wanted.items() if jid not in kept]
        if not adding:
            return
        runs = last_runs(self.database, adding)
        now = datetime.now(UTC)
        for entry in adding:
            first = self._first_run(entry, runs.get(entry.schedule_id), now)
            if first is None or entry.spec is None:
                continue
            aps.add_job(
                self._fire,
                trigger=ScheduleTrigger(entry.spec, self.tz),
                args=(entry.schedule_id,),
                id=job_id(entry.schedule_id),
                name=f"{entry.template_name}/{entry.object_name}",
                next_run_time=first,
                replace_existing=True,
            )

    def _first_run(self, entry: ScheduleEntry, last: Run | None, now: datetime) -> datetime | None:
        """The job's first fire: the slot after the last run, edit, or grace horizon."""
        if entry.spec is None:
            return None
        base = max(entry.updated_at, now - self.config.misfire_grace)
        if last is not None:
            base = max(base, last.started_at)
        found = next_run(entry.spec, base, self.tz)
        return None if found is None else found.astimezone(UTC)

    def _confirm_owner(self) -> bool:
        try:
            owned = self.config.fires and self._claim.beat()
        except SQLAlchemyError as exc:
            log.warning("cannot confirm scheduling ownership: %s", exc)
            owned = self._claim.owned()
        if not owned:
            self._set_role(Role.STANDBY)
        return owned

    def _fire(self, schedule_id: int) -> None:
        """The job body: confirm ownership, run the object, record a skip if it already runs."""
        if self._stop.is_set():
            return
        with self._lock:
            entry = self._entries.get(schedule_id)
        if entry is None or not entry.active or not self._confirm_owner():
            return
        trigger = "service" if self.config.kind == SERVICE else "schedule"
        name = f"{entry.template_name}/{entry.object_name}"
        self._emit("started", f"{name}: scheduled run started", schedule_id)
        try:
            self._check_not_running(entry)
            results = self.engine.run(
                entry.object_name, entry.template_id, trigger=trigger, cancel=self._cancel
            )
        except LeaseHeld as held:
            record_skip(
                self.database, entry.template_id, entry.object_name, str(held), trigger=trigger
            )
            log.info("%s: scheduled run skipped: %s", name, held)
            self._emit("skipped", f"{name}: skipped, {held}", schedule_id)
            return
        except Exception as exc:
            log.exception("%s: the scheduled run could not start", name)
            message = f"the scheduled run could not start: {exc}"
            record_skip(
                self.database,
                entry.template_id,
                entry.object_name,
                message,
                trigger=trigger,
                status="failed",
            )
            self._emit("failed", f"{name}: {message}", schedule_id)
            return
        self._emit("finished", f"{name}: {summarize(results)}", schedule_id)

    def _check_not_running(self, entry: ScheduleEntry) -> None:
        """LeaseHeld if any job of the object runs, even in this process.

        Run leases are held per process, so they do not stop this process's
        own "Sync Now" and a scheduled run of the same object; this check does.
        """
        for name in entry.run_objects:
            lease = current_holder(self.database, entry.template_id, name)
            if lease is not None:
                raise LeaseHeld(name, lease.holder, lease.acquired_at, lease.run_id)

    def _emit(self, kind: str, message: str, schedule_id: int | None = None) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(SchedulerEvent(kind, message, schedule_id))
        except Exception:
            log.exception("scheduler event listener failed")


def summarize(results: list[RunResult]) -> str:
    """One line for the runs of an object: the worst status and the summed counts."""
    order = ("failed", "cancelled", "partial", "succeeded")
    statuses = [result.status for result in results]
    worst = next((s for s in order if s in statuses), "succeeded")
    created = sum(r.created for r in results)
    updated = sum(r.updated for r in results)
    skipped = sum(r.skipped for r in results)
    failed = sum(r.failed for r in results)
    return f"{worst}, {created} created, {updated} updated, {skipped} skipped, {failed} failed"
