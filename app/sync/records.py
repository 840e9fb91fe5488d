"""The vocabulary jobs and the runner share: source records, outcomes, errors, progress.

A job reads ``SourceRecord``s from one system and turns each into an
``Outcome`` in the other; the runner records outcomes, links and retries.
A record that needs another object's record not yet in the target *waits*
(``WaitingError``): logged with the reason and retried, like a failure, but
not counted as one.
Errors come in three kinds, as in the Singer and OCA connectors: the record's
own fault (``RecordError``: logged, retried next run, the run goes on), a
passing failure of the other side (``TransientError``: same, but expected to
heal), and a failure that makes the rest of the run pointless (``RunError``:
wrong password, server gone; the run stops and nothing more is attempted).
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Action(enum.StrEnum):
    """What happened to one record."""

    CREATED = "created"
    UPDATED = "updated"
    LINKED = "linked"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    WAITING = "waiting"
    FAILED = "failed"


@dataclass(frozen=True)
class SourceRecord:
    """One record read from the source system, with the time it last changed there."""

    source_id: str
    updated_at: datetime | None
    payload: Any


@dataclass(frozen=True)
class LinkWrite:
    """The identity to remember for a record on both sides."""

    tagrain_id: str
    sap_key: str
    sap_secondary_key: str | None = None
    sap_doc_num: str | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of applying one record to the target system."""

    action: Action
    target_key: str | None = None
    message: str | None = None
    link: LinkWrite | None = None

    @property
    def failed(self) -> bool:
        """Whether the record failed (retried on the next run)."""
        return self.action is Action.FAILED

    @property
    def waiting(self) -> bool:
        """Whether the record waits for another object's record (retried on the next run)."""
        return self.action is Action.WAITING

    @property
    def retried(self) -> bool:
        """Whether the record stays in the retry queue."""
        return self.action in (Action.FAILED, Action.WAITING)


class SyncError(Exception):
    """Base of the errors a job raises for one record or for the run."""


class RecordError(SyncError):
    """The record cannot be applied as it is (bad data, missing master data, SAP 400)."""


class WaitingError(SyncError):
    """The record needs another object's record that is not in the target yet.

    A refund whose sale's invoice is not in SAP is the example: the record is
    logged as *waiting* with the reason and applied again on the next run,
    never posted in a weaker form (a credit memo without its invoice).
    """


class TransientError(SyncError):
    """The other side failed for a while (5xx, timeout) after the connector's own retries."""


class RunError(SyncError):
    """Nothing more can be done in this run (wrong credentials, server unreachable)."""


@dataclass
class Progress:
    """Done and total of a run, reported to a callback (the GUI turns it into a signal)."""

    done: int = 0
    total: int | None = None
    failed: int = 0
    message: str = ""


ProgressCallback = Callable[[Progress], None]


@dataclass
class CancelToken:
    """Set by the user; the runner stops between records and leaves nothing half-done."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Ask the run to stop after the records in flight."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel was asked for."""
        return self._event.is_set()
