"""The Integration Hub tab of the Business Partner and Item Master Data forms.

Template Name (the template the record is marked for, or none), Cross
Reference Code (the Tagrain id), the Sync checkbox — the only field a user
edits — and when the record was last synced and how that went.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.sync.master_data import HubState
from app.ui.widgets.layout import add_row, form_group

NOT_MARKED = "- Not marked for synchronization -"
NEVER = "Never"


def read_only(name: str) -> QLineEdit:
    """A grey field the form fills and the user only reads (and copies from)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setReadOnly(True)
    edit.setProperty("display", True)
    return edit


def local_time(value: datetime | None) -> str:
    """A stored UTC time as the desktop's local time, or "Never"."""
    if value is None:
        return NEVER
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class HubTab(QWidget):
    """Shows a record's ``HubState``; ``sync_box`` is the editable Sync checkbox."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        group, form = form_group("Tagrain")
        self.template = read_only("hubTemplate")
        self.cross_reference = read_only("hubCrossReference")
        self.sync_box = QCheckBox("Synchronize with Tagrain")
        self.sync_box.setObjectName("hubSync")
        self.last_sync = read_only("hubLastSync")
        self.last_outcome = read_only("hubLastOutcome")
        add_row(form, "Template Name", self.template)
        add_row(form, "Cross Reference Code", self.cross_reference)
        add_row(form, "Sync", self.sync_box)
        add_row(form, "Last Sync", self.last_sync)
        add_row(form, "Last Outcome", self.last_outcome)
        outer.addWidget(group)
        self.note = QLabel()
        self.note.setObjectName("listOrigin")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        outer.addStretch(1)

    def show_state(self, state: HubState, template_id: int, template_name: str) -> None:
        """Fill the tab; Sync is ticked when the record is marked for the form's template."""
        self.template.setText(state.owner or NOT_MARKED)
        self.cross_reference.setText(state.cross_reference)
        self.sync_box.setChecked(state.marked_for(template_id))
        self.last_sync.setText(local_time(state.last_sync))
        outcome = state.last_outcome
        self.last_outcome.setText(
            f"{local_time(outcome.at)}  {outcome.describe()}" if outcome is not None else ""
        )
        self.last_outcome.setToolTip(outcome.describe() if outcome is not None else "")
        self.last_outcome.setProperty("failed", outcome is not None and outcome.status == "failed")
        self.last_outcome.style().unpolish(self.last_outcome)
        self.last_outcome.style().polish(self.last_outcome)
        self.note.setText(
            f"Sync marks the record for template {template_name}: its SAP Business One "
            "company is the one shown. A record is synchronized by one template at a time."
        )

    def clear(self) -> None:
        """Empty the tab (no record shown)."""
        for edit in (self.template, self.cross_reference, self.last_sync, self.last_outcome):
            edit.clear()
        self.sync_box.setChecked(False)
