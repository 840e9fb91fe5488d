"""The main window's sync actions: Sync Now (naming its object), Synchronize All, Initial Load.

Sync Now says what it runs: "Sync Now: Sales", tooltip "Synchronize Sales of
template Sandbox now", following the object and template chosen in the Sync
Monitor (or the Synchronization Settings) as they change. Synchronize All
runs every object of that template in dependency order (`integration-hub
sync all`); Initial Load runs the initial load (`integration-hub init`) after
the user confirms. Each can be previewed (Preview's menu) and runs with the
same progress and Cancel as Sync Now. With no form to take a template from,
the Sync Monitor opens and the status bar says what to choose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from app.ui.resources import icon
from app.ui.words import INITIAL_LOAD, SYNC_ALL

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

UNAVAILABLE = "Synchronization becomes available when the sync core is installed."
CHOOSE_OBJECT = "Choose the object to synchronize in the Sync Monitor, then press Sync Now."
CHOOSE_PREVIEW = "Choose the object to preview in the Sync Monitor, then press Preview."
CHOOSE_TEMPLATE = "Choose the template in the Sync Monitor, then press {} again."
INITIAL_LOAD_QUESTION = (
    "Run the initial load of template {}?\n\n"
    "Customer and product groups and manufacturers go to Tagrain, the items marked for "
    "the template go to Tagrain, and customers are synchronized both ways. Records that "
    "already exist on both sides are linked, not created twice."
)


class SyncTargetForm(Protocol):
    """A form that says which template and object the sync actions run."""

    def sync_target(self) -> tuple[int, str] | None: ...

    def sync_template(self) -> tuple[int, str] | None: ...


def confirm_initial_load(parent: QWidget, template_name: str) -> bool:
    """Ask before the initial load (Yes runs it)."""
    answer = QMessageBox.question(
        parent,
        INITIAL_LOAD,
        INITIAL_LOAD_QUESTION.format(template_name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class SyncActions(QObject):
    """The actions of the toolbar, the Data menu and their labels."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.sync_now = self._make("refresh", "Sync Now", "syncNow")
        self.sync_all = self._make("refresh-dot", SYNC_ALL, "syncAll")
        self.initial_load = self._make("database-import", f"{INITIAL_LOAD}…", "initialLoad")
        self.preview = self._make("list-search", "Preview", "syncPreview")
        self.preview_all = self._make("list-search", f"Preview {SYNC_ALL}", "previewAll")
        self.preview_initial = self._make(
            "list-search", f"Preview {INITIAL_LOAD}", "previewInitialLoad"
        )
        self.preview_menu = QMenu(window)
        self.preview_menu.setObjectName("previewMenu")
        for action in (self.preview, self.preview_all, self.preview_initial):
            self.preview_menu.addAction(action)
        self.sync_now.triggered.connect(window.sync_now_requested.emit)
        self.sync_all.triggered.connect(lambda: self.run_all(preview=False))
        self.initial_load.triggered.connect(lambda: self.run_initial_load(preview=False))
        self.preview.triggered.connect(lambda: self.run_chosen(preview=True))
        self.preview_all.triggered.connect(lambda: self.run_all(preview=True))
        self.preview_initial.triggered.connect(lambda: self.run_initial_load(preview=True))
        self.available = False
        self.refresh()

    def _make(self, icon_name: str, text: str, name: str) -> QAction:
        action = QAction(icon(icon_name), text, self.window)
        action.setObjectName(name)
        return action

    def all(self) -> tuple[QAction, ...]:
        """Every sync action, in menu order."""
        return (
            self.sync_now,
            self.sync_all,
            self.initial_load,
            self.preview,
            self.preview_all,
            self.preview_initial,
        )

    def set_available(self, available: bool) -> None:
        """Enable the actions once the sync core is there."""
        self.available = available
        for action in self.all():
            action.setEnabled(available)
        self.refresh()

    # ---- what the actions run ------------------------------------------------------------

    def target_form(self) -> SyncTargetForm | None:
        """The active form if it chooses what to sync, else the open Sync Monitor."""
        active = self.window.active_form()
        if active is not None and hasattr(active, "sync_target"):
            return active  # type: ignore[return-value]
        frame = self.window.form_window("sync_monitor")
        form = frame.widget() if frame is not None else None
        return form if form is not None and hasattr(form, "sync_target") else None  # type: ignore[return-value]

    def refresh(self) -> None:
        """Name the chosen object and template on the actions (as the monitor's choice changes)."""
        if not self.available:
            for action in self.all():
                action.setToolTip(UNAVAILABLE)
            return
        form = self.target_form()
        target = form.sync_target() if form is not None else None
        template = form.sync_template() if form is not None else None
        center = self.window.context.sync
        if target is not None and template is not None and center is not None:
            label = center.label(target[1])
            self.sync_now.setText(f"Sync Now: {label}")
            self.sync_now.setToolTip(f"Synchronize {label} of template {template[1]} now")
            self.preview.setText(f"Preview Sync Now: {label}")
            self.preview.setToolTip(
                f"What Sync Now of {label} (template {template[1]}) would write, writing nothing"
            )
        else:
            self.sync_now.setText("Sync Now")
            self.sync_now.setToolTip(CHOOSE_OBJECT)
            self.preview.setText("Preview")
            self.preview.setToolTip(CHOOSE_PREVIEW)
        name = template[1] if template is not None else None
        of = f" of template {name}" if name else ""
        self.sync_all.setToolTip(f"Synchronize every object{of} now, in dependency order")
        self.initial_load.setToolTip(
            f"The initial load{of}: groups, manufacturers, marked items, customers both ways"
        )
        self.preview_all.setToolTip(f"What {SYNC_ALL}{of} would write, writing nothing")
        self.preview_initial.setToolTip(f"What the initial load{of} would write, writing nothing")

    def run_chosen(self, *, preview: bool) -> None:
        """Sync Now (or preview) the object chosen in the Sync Monitor or the settings."""
        center = self.window.context.sync
        form = self.target_form()
        target = form.sync_target() if form is not None else None
        if center is None:
            return
        if target is None:
            self.window.open_form("sync_monitor")
            self.window.messenger.info(CHOOSE_PREVIEW if preview else CHOOSE_OBJECT)
            return
        if preview:
            center.preview(*target)
        else:
            center.sync_now(*target)

    def _template(self, what: str) -> tuple[int, str] | None:
        form = self.target_form()
        template = form.sync_template() if form is not None else None
        if template is None:
            self.window.open_form("sync_monitor")
            self.window.messenger.info(CHOOSE_TEMPLATE.format(what))
        return template

    def run_all(self, *, preview: bool) -> None:
        """Synchronize every object of the chosen template (or preview it)."""
        center, template = self.window.context.sync, self._template(SYNC_ALL)
        if center is not None and template is not None:
            center.sync_all(template[0], preview=preview)

    def run_initial_load(self, *, preview: bool) -> None:
        """The initial load of the chosen template, once confirmed (a preview asks nothing)."""
        center, template = self.window.context.sync, self._template(INITIAL_LOAD)
        if center is None or template is None:
            return
        if preview or confirm_initial_load(self.window, template[1]):
            center.initial_load(template[0], preview=preview)
