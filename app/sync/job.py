"""What every object's sync job provides to the runner.

A job knows one object in one direction: how to read what changed since a
watermark, how to fetch one record again for a retry, and how to apply one
record to the other side idempotently (look up the link, else the SAP user
field or Tagrain key, before creating anything).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from app.sync.records import Outcome, SourceRecord

if TYPE_CHECKING:
    from app.sync.binder import Binder
    from app.sync.context import SyncContext


class SyncJob(ABC):
    """One object, one direction."""

    object_name: str
    direction: str  # "to_sap" or "to_tagrain"
    parallel: bool = False

    @abstractmethod
    def read(self, since: datetime | None) -> Iterator[SourceRecord]:
        """Records changed at or after ``since`` (everything when None), oldest first."""

    @abstractmethod
    def fetch(self, source_id: str) -> SourceRecord | None:
        """One record again, for a retry (None when it no longer exists)."""

    @abstractmethod
    def apply(self, record: SourceRecord) -> Outcome:
        """Apply one record to the target; idempotent; raises SyncError subclasses.

        In a preview the context's clients answer writes without sending them,
        so a job has no dry-run branch of its own.
        """

    @property
    def binder(self) -> Binder | None:
        """The binder of the job's context: the runner writes its links through it.

        None for a job without a context; the runner then makes its own.
        """
        return None

    @property
    def preview(self) -> bool:
        """Whether the job's context only previews (its clients write nothing)."""
        return False

    def preflight(self) -> None:
        """Check what the run will use before it reads or writes (RunError when wrong).

        Jobs without a context have nothing to check.
        """
        return None

    def count(self, since: datetime | None) -> int | None:
        """How many records ``read`` will yield, when cheap to know (for progress)."""
        return None

    def close(self) -> None:
        """Release connections the job opened (jobs that open none keep this default)."""
        return None


class ContextJob(SyncJob):
    """A job over a ``SyncContext``: the binder and the preview flag are the context's."""

    ctx: SyncContext

    @property
    def binder(self) -> Binder | None:
        return self.ctx.binder

    @property
    def preview(self) -> bool:
        return self.ctx.preview

    def preflight(self) -> None:
        """Every SAP code of the template this object uses must exist (``app.sync.preflight``)."""
        from app.sync.preflight import require

        require(self.ctx, self.object_name)
