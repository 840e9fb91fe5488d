"""What the CLI, the GUI and the scheduler call: run an object (or all) for a template.

A user-facing object can stand for several jobs (customers go both ways,
products too); the engine runs them in dependency order with one shared
context, so master data goes before the documents that need it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from app.store import Database, Template
from app.sync.context import SyncContext
from app.sync.job import SyncJob
from app.sync.records import CancelToken, ProgressCallback
from app.sync.runner import Runner, RunResult

log = logging.getLogger(__name__)

JobFactory = Callable[[SyncContext], SyncJob]
SYNC_NOW_TRIGGERS = ("manual", "cli")
"""Triggers a user started by hand: Sync Now in the client, `integration-hub sync`."""
RETRY_TRIGGER = "retry"
"""The trigger of a run that applies failed records again ("Retry failed")."""


@dataclass(frozen=True)
class SyncObjectSpec:
    """One object a user can sync: its jobs in order.

    ``full_on_sync_now``: a manual run reads everything, whatever its timestamp
    (the product page's promise for customers); scheduled runs stay incremental.
    """

    name: str
    label: str
    jobs: tuple[JobFactory, ...]
    full_on_sync_now: bool = False


@dataclass
class Engine:
    """Runs objects of a template through the runner, with one context per call."""

    database: Database
    objects: dict[str, SyncObjectSpec] = field(default_factory=dict)
    workers: int | None = None

    def template_id(self, name: str | None) -> int:
        """The template by name; with no name, the only one (else a clear error)."""
        with self.database.session() as session:
            templates = session.scalars(select(Template).order_by(Template.name)).all()
            if name is not None:
                for template in templates:
                    if template.name == name:
                        return template.id
                known = ", ".join(t.name for t in templates) or "none"
                raise LookupError(f"no template named {name!r} (templates: {known})")
            if len(templates) == 1:
                return templates[0].id
            if not templates:
                raise LookupError(
                    "no template is configured: run 'integration-hub sandbox' for the demo "
                    "or add one in Administration → Integration Hub → Templates"
                )
            names = ", ".join(t.name for t in templates)
            raise LookupError(f"several templates exist ({names}); choose one with --template")

    def run(
        self,
        object_name: str,
        template_id: int,
        *,
        trigger: str = "manual",
        full: bool | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        retries_only: bool = False,
    ) -> list[RunResult]:
        """Run every job of one object; LeaseHeld propagates when it already runs."""
        spec = self.objects.get(object_name)
        if spec is None:
            known = ", ".join(self.objects)
            raise LookupError(f"unknown object {object_name!r} (objects: {known}, all)")
        ctx = SyncContext(self.database, template_id, preview=dry_run)
        runner = Runner(self.database, workers=self.workers or ctx.rules.sap_sessions)
        results = []
        try:
            for factory in spec.jobs:
                job = factory(ctx)
                results.append(
                    runner.run(
                        job,
                        template_id,
                        trigger=trigger,
                        full=(spec.full_on_sync_now and trigger in SYNC_NOW_TRIGGERS)
                        if full is None
                        else full,
                        dry_run=dry_run,
                        progress=progress,
                        cancel=cancel,
                        retries_only=retries_only,
                    )
                )
                if cancel is not None and cancel.cancelled:
                    break
        finally:
            ctx.close()
        return results

    def retry(
        self,
        job_name: str,
        template_id: int,
        source_ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> RunResult:
        """Apply chosen records of one job again (the monitor's Retry of a selection).

        The same run as any other (lease, log, links), with the chosen ids as its
        only records; the watermark is not touched.
        """
        factory = self.job_factory(job_name)
        ctx = SyncContext(self.database, template_id)
        try:
            runner = Runner(self.database, workers=self.workers or ctx.rules.sap_sessions)
            return runner.run(
                factory(ctx),
                template_id,
                trigger=RETRY_TRIGGER,
                progress=progress,
                cancel=cancel,
                only_ids=list(source_ids),
            )
        finally:
            ctx.close()

    def job_factory(self, job_name: str) -> JobFactory:
        """The job whose runs are recorded under ``job_name`` ("sales", "customers_up", ...)."""
        for spec in self.objects.values():
            for factory in spec.jobs:
                if getattr(factory, "object_name", None) == job_name:
                    return factory
        raise LookupError(f"no sync job records its runs as {job_name!r}")
