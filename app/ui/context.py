"""What the main window hands every form: the store, the status bar, injected services.

Imports nothing heavy at module level: the main window shows before the store opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.scheduling import SyncScheduler
    from app.scheduling.scheduler import EventCallback
    from app.store import Database
    from app.sync.engine import Engine
    from app.ui.code_check import CodeCheck
    from app.ui.connection_check import ConnectionChecker
    from app.ui.lists import ListSource
    from app.ui.status import StatusMessenger
    from app.ui.sync_center import SyncCenter


@dataclass
class Services:
    """The injection points filled by the application (or by tests).

    ``sap_checker`` / ``tagrain_checker`` test a template's connection; when
    absent, the Test connection buttons stay disabled and say why. ``lists``
    feeds Choose From List and the Tagrain side of the mappings (absent: the
    lists are read live from the template's SAP company and Tagrain account).
    ``engine_factory`` makes the sync engine behind Sync Now, Retry and the
    monitor (absent: Sync Now stays disabled); ``scheduler_factory`` makes the
    embedded scheduler the client starts (absent: the forms show what the
    store says about the service's scheduling). ``code_check`` asks SAP whether
    the codes General Settings and Mappings are about to save exist (absent:
    they are stored unchecked; each run's pre-flight still checks them).
    """

    sap_checker: ConnectionChecker | None = None
    tagrain_checker: ConnectionChecker | None = None
    lists: ListSource | None = None
    engine_factory: Callable[[Database], Engine] | None = None
    scheduler_factory: Callable[[Database, EventCallback], SyncScheduler] | None = None
    code_check: CodeCheck | None = None


class StoreEvents(QObject):
    """Changes one form makes that other open forms must follow."""

    templates_changed = Signal()
    changed_elsewhere = Signal(str, str)
    """Another desktop or process changed a scope ("marks", "schedules", "templates"); by whom."""
    form_requested = Signal(str, int)
    form_key_requested = Signal(str)
    """A form asks the main window to open another form (its key), e.g. Getting Started's steps."""
    """A form asks the main window to open another form (its key) on a template (its id)."""


@dataclass
class FormContext:
    """Everything a form may use; forms get nothing else from the main window."""

    database: Database
    messenger: StatusMessenger
    services: Services
    events: StoreEvents
    sync: SyncCenter | None = None

    @property
    def lists(self) -> ListSource:
        """The injected list source, else the live lists of the template's own systems."""
        from app.ui.live_lists import live_lists

        lists = self.services.lists
        return lists if lists is not None else live_lists(self.database)
