"""The client's main window: menus, toolbar, Main Menu dock, MDI forms and the status bar.

The window is built in two steps so it shows before anything heavy is
imported: the shell (menus, Main Menu, toolbar, status bar) needs only Qt;
``attach(database, services)`` then gives it the store, the sync center and
the change watcher. A form asked for in between opens once the store is there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMargins, QRect, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QCloseEvent,
    QColor,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMdiArea,
    QMdiSubWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from app import paths
from app.ui.client_settings import client_settings
from app.ui.context import FormContext, Services, StoreEvents
from app.ui.help_window import HelpWindow, page_for
from app.ui.menu_tree import MainMenuTree
from app.ui.registry import INTEGRATION_HUB, MODULES, FormRegistry, default_registry
from app.ui.resources import icon
from app.ui.status import LOG_SHORTCUT, StatusLine, StatusMessenger
from app.ui.sync_actions import SyncActions
from app.ui.widgets.message_log import MessagesLog
from app.ui.workspace_fit import WorkspaceFitter, fit_window

if TYPE_CHECKING:
    from app.store import Database
    from app.ui.change_watcher import ChangeWatcher
    from app.ui.data.preview import PreviewReport
    from app.ui.forms.preview import PreviewForm
    from app.ui.widgets.form_base import BaseForm

TITLE = "Integration Hub for Tagrain"
NOT_OURS = "{} is not part of the Integration Hub."
FRAME_MARGINS = QMargins(8, 30, 8, 8)
SHELL_BACKGROUND = "#dde7f0"


CLOSE_WINDOW_KEY = QKeySequence("Ctrl+W")
PREVIEW_KEY = "sync_preview"
"""``app.ui.forms.preview.FORM_KEY``, named here so the shell does not import the form."""
OPENING = "Opening the store…"


def _is_form(widget: object) -> bool:
    """Whether a widget is one of our forms (their module is imported once one exists)."""
    from app.ui.widgets.form_base import BaseForm

    return isinstance(widget, BaseForm)


def leave_close_key_to_file_menu(frame: QMdiSubWindow) -> None:
    """Drop Ctrl+W from the sub-window's own Close (its system menu keeps Ctrl+F4).

    Qt gives every sub-window's system-menu Close the platform's Close keys, Ctrl+W
    among them; with File → Close Window on Ctrl+W too, Qt finds the key ambiguous
    and runs neither.
    """
    menu = frame.systemMenu()
    for action in menu.actions() if menu is not None else []:
        keys = action.shortcuts()
        if CLOSE_WINDOW_KEY in keys:
            action.setShortcuts([key for key in keys if key != CLOSE_WINDOW_KEY])


class MainWindow(QMainWindow):
    """The shell every Integration Hub form opens in."""

    sync_now_requested = Signal()

    def __init__(
        self,
        database: Database | None = None,
        services: Services | None = None,
        registry: FormRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(TITLE)
        self.setWindowIcon(icon("refresh"))
        self.registry = registry or default_registry()
        self.messenger = StatusMessenger(self)
        self.events = StoreEvents()
        self.context: FormContext
        self.ready = False
        self.waiting_forms: list[str] = []
        self.mdi = QMdiArea()
        self.mdi.setObjectName("mdiArea")
        self.mdi.setBackground(QBrush(QColor(SHELL_BACKGROUND)))
        self.mdi.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.mdi.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setCentralWidget(self.mdi)
        self.workspace_fitter = WorkspaceFitter(self.mdi)
        self.tree = MainMenuTree(self.registry)
        self.tree.form_requested.connect(self.open_form)
        self.events.form_requested.connect(self.open_form_on_template)
        self.events.form_key_requested.connect(self.open_form)
        self.help_window: HelpWindow | None = None
        self.first_start = False
        self.tree.folder_selected.connect(self._folder_selected)
        self.dock = QDockWidget("Main Menu")
        self.dock.setObjectName("mainMenuDock")
        self.dock.setWidget(self.tree)
        self.dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.status_line = StatusLine(self.messenger)
        self.statusBar().addWidget(self.status_line, 1)
        self.status_line.clicked.connect(self.show_messages_log)
        self.messages_log: MessagesLog | None = None
        self.statusBar().setSizeGripEnabled(True)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.change_watcher: ChangeWatcher | None = None
        self.resize(1200, 760)
        if database is not None:
            self.attach(database, services)

    def attach(self, database: Database, services: Services | None = None) -> None:
        """Give the shown shell the store and services; open the forms asked for meanwhile."""
        from app.ui.change_watcher import ChangeWatcher

        self.context = FormContext(database, self.messenger, services or Services(), self.events)
        self._install_sync(database)
        self.change_watcher = ChangeWatcher(database, self)
        self.change_watcher.changed.connect(self.events.changed_elsewhere)
        self.change_watcher.start()
        self.ready = True
        waiting, self.waiting_forms = self.waiting_forms, []
        for key in waiting:
            self.open_form(key)

    # ---- actions, menus, toolbar -------------------------------------------------------

    def _action(self, text: str, slot: object, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.sync_actions = SyncActions(self)
        self.sync_now_action = self.sync_actions.sync_now
        self.preview_action = self.sync_actions.preview
        self.set_sync_now_available(False)
        self.export_action = self._action("Export to Excel", self.export_active_grid)
        self.export_action.setIcon(icon("sheet-export"))
        self.export_action.setObjectName("exportToExcel")
        self.export_action.setToolTip("Export the active form's grid to Excel (into Documents)")
        self.mdi.subWindowActivated.connect(lambda _w: self.sync_actions.refresh())
        self.close_window_action = self._action(
            "Close Window", self._close_active, CLOSE_WINDOW_KEY.toString()
        )
        self.exit_action = self._action("Exit", self.close, "Ctrl+Q")
        self.tile_action = self._action("Tile", self.mdi.tileSubWindows)
        self.tile_action.setIcon(icon("layout-grid"))
        self.cascade_action = self._action("Cascade", self.mdi.cascadeSubWindows)
        self.cascade_action.setIcon(icon("stack-2"))
        self.close_all_action = self._action("Close All", self.mdi.closeAllSubWindows)
        self.next_action = self._action("Next Window", self.mdi.activateNextSubWindow, "Ctrl+Tab")
        self.previous_action = self._action(
            "Previous Window", self.mdi.activatePreviousSubWindow, "Ctrl+Shift+Tab"
        )
        for action in (self.next_action, self.previous_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.refresh_action = self._action("Refresh", self._refresh_active, "Ctrl+Shift+R")
        self.main_menu_action = self.dock.toggleViewAction()
        self.main_menu_action.setText("Main Menu")
        self.main_menu_action.setIcon(icon("layout-sidebar"))
        self.main_menu_action.setShortcut(QKeySequence("Ctrl+0"))
        self.messages_log_action = self._action(
            "Messages Log", self.show_messages_log, LOG_SHORTCUT
        )
        self.messages_log_action.setIcon(icon("list-search"))
        self.messages_log_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.form_help_action = self._action("Help for This Form", self.show_form_help, "F1")
        self.form_help_action.setIcon(icon("help"))
        self.form_help_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.user_guide_action = self._action("User Guide", lambda: self.show_help(None))
        self.getting_started_action = self._action(
            "Getting Started", lambda: self.open_form("getting_started")
        )
        self.getting_started_action.setIcon(icon("flag"))
        self.about_action = self._action("About Integration Hub", self._about)
        self.about_action.setIcon(icon("help"))

    def set_sync_now_available(self, available: bool) -> None:
        """Enable the sync actions once something listens to ``sync_now_requested``."""
        self.sync_actions.set_available(available)

    def _install_sync(self, database: Database) -> None:
        """Sync Now, Retry and the embedded scheduler, when the sync core is injected."""
        if self.context.services.engine_factory is None:
            return
        from app.ui.sync_center import SyncCenter
        from app.ui.sync_progress import SyncProgressPanel

        self.context.sync = SyncCenter(database, self.context.services, self.messenger, self)
        self.sync_progress = SyncProgressPanel(self.context.sync)
        self.statusBar().addPermanentWidget(self.sync_progress)
        self.sync_now_requested.connect(self._sync_now)
        self.context.sync.preview_ready.connect(self.show_preview)
        self.set_sync_now_available(True)

    def _sync_now(self) -> None:
        """Run the object chosen in the Sync Monitor (or the settings)."""
        self.sync_actions.run_chosen(preview=False)

    def show_preview(self, report: PreviewReport) -> PreviewForm:
        """Show a finished preview in the Synchronization Preview window (one, reused)."""
        from app.ui.forms.preview import PreviewForm

        frame = self.form_window(PREVIEW_KEY)
        form = frame.widget() if frame is not None else None
        if not isinstance(form, PreviewForm):
            form = PreviewForm(self.context)
            frame = self.mdi.addSubWindow(form)
            frame.setObjectName(f"window_{PREVIEW_KEY}")
            frame.setProperty("form_key", PREVIEW_KEY)
            frame.setWindowIcon(icon("list-search"))
            frame.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            leave_close_key_to_file_menu(frame)
            size = form.sizeHint().grownBy(FRAME_MARGINS)
            frame.resize(size.boundedTo(self.mdi.viewport().size()))
        assert frame is not None
        form.show_report(report)
        frame.setWindowTitle(form.windowTitle())
        frame.show()
        fit_window(frame, self.mdi)
        self.mdi.setActiveSubWindow(frame)
        return form

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.close_window_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.exit_action)

        edit_menu = bar.addMenu("&Edit")
        for text, name, key in (
            ("Undo", "undo", QKeySequence.StandardKey.Undo),
            ("Cut", "cut", QKeySequence.StandardKey.Cut),
            ("Copy", "copy", QKeySequence.StandardKey.Copy),
            ("Paste", "paste", QKeySequence.StandardKey.Paste),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _checked=False, n=name: self._edit_focused(n))
            edit_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.main_menu_action)
        view_menu.addAction(self.messages_log_action)
        self.toolbar_menu_anchor = view_menu

        data_menu = bar.addMenu("&Data")
        data_menu.addAction(self.refresh_action)
        sync = self.sync_actions
        for action in (sync.sync_now, sync.sync_all, sync.initial_load):
            data_menu.addAction(action)
        data_menu.addSeparator()
        for action in (sync.preview, sync.preview_all, sync.preview_initial):
            data_menu.addAction(action)

        goto_menu = bar.addMenu("&Goto")
        goto_menu.addAction(self._action("Main Menu", self._focus_tree))

        modules_menu = bar.addMenu("&Modules")
        self._build_modules_menu(modules_menu)

        tools_menu = bar.addMenu("&Tools")
        tools_menu.addAction(self._action("Show Data Folder", self._show_data_folder))

        self.window_menu = bar.addMenu("&Window")
        self.window_menu.aboutToShow.connect(self._fill_window_menu)
        self._fill_window_menu()

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.form_help_action)
        help_menu.addAction(self.user_guide_action)
        help_menu.addAction(self.getting_started_action)
        help_menu.addAction(self.messages_log_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_modules_menu(self, menu: QMenu) -> None:
        submenus: dict[tuple[str, ...], QMenu] = {}

        def submenu(path: tuple[str, ...]) -> QMenu:
            if path not in submenus:
                parent = submenu(path[:-1]) if len(path) > 1 else menu
                submenus[path] = parent.addMenu(path[-1])
            return submenus[path]

        for module in MODULES:
            submenu((module,))
        submenu(INTEGRATION_HUB)
        for spec in self.registry:
            action = submenu(spec.folder).addAction(icon(spec.icon), spec.title)
            action.triggered.connect(lambda _checked=False, key=spec.key: self.open_form(key))
        for path, sub in submenus.items():
            if sub.isEmpty():
                note = sub.addAction(NOT_OURS.format(path[-1]))
                note.setEnabled(False)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.addAction(self.main_menu_action)
        toolbar.addSeparator()
        for spec in self.registry:
            if spec.toolbar:
                action = toolbar.addAction(icon(spec.icon), spec.title)
                action.setToolTip(f"{spec.title} (Integration Hub)")
                action.triggered.connect(lambda _checked=False, key=spec.key: self.open_form(key))
        toolbar.addSeparator()
        self._add_sync_buttons(toolbar)
        toolbar.addSeparator()
        toolbar.addAction(self.export_action)
        toolbar.addSeparator()
        toolbar.addAction(self.tile_action)
        toolbar.addAction(self.cascade_action)
        toolbar.addSeparator()
        toolbar.addAction(self.about_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        self.toolbar_menu_anchor.addAction(toolbar.toggleViewAction())

    def _add_sync_buttons(self, toolbar: QToolBar) -> None:
        """Sync Now (naming its object), Synchronize All, Initial Load with text; Preview's menu."""
        sync = self.sync_actions
        for action in (sync.sync_now, sync.sync_all, sync.initial_load):
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(sync.preview)
        button = toolbar.widgetForAction(sync.preview)
        if isinstance(button, QToolButton):
            button.setMenu(sync.preview_menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)

    def _fill_window_menu(self) -> None:
        menu = self.window_menu
        menu.clear()
        for action in (self.tile_action, self.cascade_action, self.close_all_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.next_action)
        menu.addAction(self.previous_action)
        windows = self.mdi.subWindowList()
        if windows:
            menu.addSeparator()
        group = QActionGroup(menu)
        active = self.mdi.activeSubWindow()
        for number, window in enumerate(windows, start=1):
            action = menu.addAction(f"&{number} {window.windowTitle()}")
            action.setCheckable(True)
            action.setChecked(window is active)
            group.addAction(action)
            action.triggered.connect(
                lambda _checked=False, w=window: self.mdi.setActiveSubWindow(w)
            )
        for action in (self.tile_action, self.cascade_action, self.close_all_action):
            action.setEnabled(bool(windows))

    # ---- forms -------------------------------------------------------------------------

    def open_form(self, key: str) -> BaseForm | None:
        """Open a registered form (or bring the open one to the front)."""
        existing = self.form_window(key)
        if existing is not None:
            self.mdi.setActiveSubWindow(existing)
            widget = existing.widget()
            focused = QApplication.focusWidget()
            if widget is not None and (focused is None or not widget.isAncestorOf(focused)):
                (widget.focusWidget() or widget).setFocus()
            return widget if _is_form(widget) else None  # type: ignore[return-value]
        spec = self.registry.get(key)
        if spec is None:
            self.messenger.error(f"There is no form {key!r} in this version.")
            return None
        if not self.ready:
            if key not in self.waiting_forms:
                self.waiting_forms.append(key)
            self.messenger.info(f"{OPENING} {spec.title} opens when it is ready.")
            return None
        form = spec.factory(self.context)
        changed = getattr(form, "sync_target_changed", None)
        if changed is not None:
            changed.connect(self.sync_actions.refresh)
        frame = self.mdi.addSubWindow(form)
        frame.setObjectName(f"window_{key}")
        frame.setProperty("form_key", key)
        frame.setWindowIcon(icon(spec.icon))
        frame.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        leave_close_key_to_file_menu(frame)
        size = form.sizeHint().expandedTo(form.minimumSizeHint()).grownBy(FRAME_MARGINS)
        room = self.mdi.viewport().size() if self.mdi.isVisible() else size
        frame.resize(size.boundedTo(room).expandedTo(frame.minimumSizeHint()))
        frame.show()
        fit_window(frame, self.mdi)
        self.mdi.setActiveSubWindow(frame)
        return form

    def open_form_on_template(self, key: str, template_id: int) -> BaseForm | None:
        """Open a form (or bring it to the front) showing a template, as a form asked."""
        form = self.open_form(key)
        choose = getattr(form, "choose_template", None)
        if choose is not None:
            choose(template_id)
        return form

    def form_window(self, key: str) -> QMdiSubWindow | None:
        """The open sub-window of a form."""
        for window in self.mdi.subWindowList():
            if window.property("form_key") == key:
                return window
        return None

    def open_forms(self) -> list[str]:
        """Keys of the open forms, in the order they were opened."""
        order = QMdiArea.WindowOrder.CreationOrder
        return [str(w.property("form_key")) for w in self.mdi.subWindowList(order)]

    def active_form(self) -> BaseForm | None:
        """The form in the active sub-window."""
        window = self.mdi.activeSubWindow()
        widget = window.widget() if window is not None else None
        return widget if _is_form(widget) else None  # type: ignore[return-value]

    def export_active_grid(self) -> None:
        """Export to Excel the grid of the active form (the focused one when it has several)."""
        from app.ui.widgets.grid_menu import grid_menu_of

        menu = grid_menu_of(self.active_form())
        if menu is None:
            self.messenger.info("Export to Excel exports a grid: open a form with a list first.")
            return
        menu.export()

    def _close_active(self) -> None:
        window = self.mdi.activeSubWindow()
        if window is not None:
            window.close()

    def _refresh_active(self) -> None:
        form = self.active_form()
        if form is not None and form.confirm_discard():
            form.reload()
            self.messenger.info("Form refreshed from the database.")

    def _folder_selected(self, path: str) -> None:
        if path in MODULES and path != INTEGRATION_HUB[0]:
            self.messenger.info(NOT_OURS.format(path))

    def _focus_tree(self) -> None:
        self.dock.show()
        self.tree.setFocus()

    def _edit_focused(self, name: str) -> None:
        widget = QApplication.focusWidget()
        method = getattr(widget, name, None)
        if callable(method):
            method()

    def show_messages_log(self) -> MessagesLog:
        """Open the Messages Log (one window, brought to the front when open)."""
        if self.messages_log is None:
            self.messages_log = MessagesLog(self.messenger, self)
        self.messages_log.show()
        self.messages_log.raise_()
        self.messages_log.activateWindow()
        return self.messages_log

    def show_help(self, form_key: str | None) -> HelpWindow:
        """Open the user guide at a form's page (the contents for None)."""
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_page(page_for(form_key))
        self.help_window.show()
        self.help_window.raise_()
        self.help_window.activateWindow()
        return self.help_window

    def show_form_help(self) -> HelpWindow:
        """F1: the help page of the active form."""
        window = self.mdi.activeSubWindow()
        key = window.property("form_key") if window is not None else None
        return self.show_help(str(key) if key else None)

    def show_first_start(self) -> BaseForm | None:
        """On the first start (no layout saved yet) open Getting Started."""
        if not self.first_start:
            return None
        self.messenger.info(
            "Welcome: Getting Started shows the setup steps (Help → Getting Started)."
        )
        return self.open_form("getting_started")

    def _show_data_folder(self) -> None:
        self.messenger.info(f"Data folder: {paths.data_dir()}")

    def _about(self) -> None:
        from app import __version__ as _version

        QMessageBox.about(
            self,
            "About Integration Hub",
            f"Integration Hub for Tagrain {_version}\n\n"
            "Keeps SAP Business One and the Tagrain point of sale in step.\n"
            "Icons: Tabler Icons (MIT licence).",
        )

    # ---- layout persistence ------------------------------------------------------------

    def save_layout(self) -> None:
        """Remember geometry, dock and toolbar state and the open forms."""
        settings = client_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        keys = self.open_forms()
        settings.setValue("forms/open", keys)
        for key in keys:
            window = self.form_window(key)
            if window is not None:
                settings.setValue(f"forms/{key}/geometry", window.geometry())
                form = window.widget()
                if _is_form(form):
                    settings.setValue(f"forms/{key}/view", form.view_state())  # type: ignore[attr-defined]
        active = self.mdi.activeSubWindow()
        settings.setValue("forms/active", active.property("form_key") if active else "")
        settings.sync()

    def restore_layout(self) -> None:
        """Bring back what ``save_layout`` remembered (nothing on a first start)."""
        self.restore_frame()
        self.restore_forms()

    def restore_frame(self) -> None:
        """The window's geometry, docks and toolbar as ``save_layout`` left them."""
        settings = client_settings()
        geometry = settings.value("window/geometry")
        self.first_start = geometry is None
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def restore_forms(self) -> None:
        """Open the forms that were open, where they were (once the store is attached)."""
        settings = client_settings()
        keys = settings.value("forms/open") or []
        if isinstance(keys, str):
            keys = [keys]
        for key in keys:
            if self.registry.get(str(key)) is None:
                continue
            form = self.open_form(str(key))
            if form is not None:
                form.restore_view_state(str(settings.value(f"forms/{key}/view") or ""))
            window = self.form_window(str(key))
            rect = settings.value(f"forms/{key}/geometry")
            if window is not None and isinstance(rect, QRect) and rect.isValid():
                window.setGeometry(rect)
                fit_window(window, self.mdi)
        active = self.form_window(str(settings.value("forms/active") or ""))
        if active is not None:
            self.mdi.setActiveSubWindow(active)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        forms: list[BaseForm] = [
            w.widget()  # type: ignore[misc]
            for w in self.mdi.subWindowList()
            if _is_form(w.widget())
        ]
        if any(not form.confirm_discard() for form in forms):
            event.ignore()
            return
        for form in forms:
            form.set_dirty(False)
        if self.change_watcher is not None:
            self.change_watcher.stop()
        if self.ready and self.context.sync is not None:
            self.context.sync.shutdown()
        event.accept()
