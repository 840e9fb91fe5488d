"""Checking the SAP codes a form is about to save: the contract and the live check.

General Settings and Mappings ask a ``CodeCheck`` on a worker thread before
they store anything (``app.ui.forms.save_check``); the live check runs the
sync core's pre-flight (``app.sync.preflight``) on the values about to be
saved, so Update refuses what the next run would refuse. Without a check
(``Services.code_check`` None, as in GUI tests without SAP) the forms store
at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from app.store import Database
from app.ui.data import mappings as mapping_store
from app.ui.data import settings as settings_store

if TYPE_CHECKING:
    from app.sync.preflight import Problem


class CodeCheck(Protocol):
    """Which codes of a form's unsaved values SAP does not know (raises when SAP cannot tell)."""

    def general(
        self, template_id: int, settings: settings_store.GeneralSettings
    ) -> Sequence[Problem]:
        """The problems of General Settings about to be saved."""
        ...

    def mappings(self, template_id: int, mappings: mapping_store.MappingSet) -> Sequence[Problem]:
        """The problems of Mappings about to be saved."""
        ...


class LiveCodeCheck:
    """Asks the template's own SAP company, through the sync core's pre-flight."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def general(
        self, template_id: int, settings: settings_store.GeneralSettings
    ) -> Sequence[Problem]:
        """The problems of General Settings about to be saved."""
        return settings_store.check_general(self.database, template_id, settings)

    def mappings(self, template_id: int, mappings: mapping_store.MappingSet) -> Sequence[Problem]:
        """The problems of Mappings about to be saved."""
        return mapping_store.check_mappings(self.database, template_id, mappings)
