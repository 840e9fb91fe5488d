"""Database and Scheduling: which store this desktop uses and who fires the schedules.

The top group shows the store in use now (its URL with any password hidden,
its schema revision, who runs the schedules on it), read on a worker. The
lower group edits this desktop's settings file (``app.local_settings``): the
Database URL (empty: the local SQLite file) and "Schedules run on: this
desktop / the service". Both take effect at the client's next start. A new
URL is tested first on a worker (connect, read the schema revision) and saved
only when the test passes; Test Connection runs the same test on its own.
"Keep Record Detail" is a setting of the store in use, shared by every
desktop and the service (``app.store.retention``): read and saved on a worker,
in effect at once.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from app.local_settings import (
    LocalSettings,
    LocalSettingsError,
    load_local_settings,
    local_settings_path,
    save_local_settings,
)
from app.store import retention
from app.store.database import DATABASE_URL_ENV, default_url
from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data.activity import Activity, read_activity
from app.ui.data.database_check import DatabaseCheck, check_database, current_schema, shown_url
from app.ui.data.errors import InputError
from app.ui.forms.master_data_hub import read_only
from app.ui.forms.sync_common import button
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.layout import add_row, form_group

NEXT_START = "The client uses these settings from its next start."
FORM_STYLE = """
QLineEdit[display="true"] { background: #f2f2f2; border: 1px solid #dddddd; color: #333333; }
QLabel#checkResult[ok="true"] { color: #2b7c2b; }
QLabel#checkResult[ok="false"] { color: #bb0000; }
"""


class DatabaseSettingsForm(BaseForm):
    """Administration → Integration Hub → Database and Scheduling."""

    checked = Signal(bool)
    state_read = Signal()
    retention_saved = Signal(bool)

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Database and Scheduling", parent)
        self.setObjectName("databaseSettingsForm")
        self.setStyleSheet(FORM_STYLE)
        self.testing = False
        self._save_after_test = False

        group, form = form_group("Store in Use")
        self.store_url = read_only("storeUrl")
        self.store_url.setText(shown_url(context.database.url))
        self.store_url.setCursorPosition(0)
        self.schema = read_only("schemaRevision")
        self.schema.setText("Reading…")
        self.owner = read_only("schedulingOwner")
        self.owner.setText("Reading who runs the schedules…")
        add_row(form, "Database", self.store_url)
        add_row(form, "Schema Revision", self.schema)
        add_row(form, "Scheduling", self.owner)
        self.retention_days = QLineEdit()
        self.retention_days.setObjectName("retentionDays")
        self.retention_days.setValidator(QIntValidator(0, retention.MAX_RETENTION_DAYS, self))
        self.retention_days.setMaximumWidth(70)
        self.watch("retention_days", self.retention_days)
        self.saved_retention: int | None = None
        kept = QHBoxLayout()
        kept.setSpacing(8)
        kept.addWidget(self.retention_days)
        kept.addWidget(
            QLabel("days of run records, for every desktop and the service (0: keep all)"), 1
        )
        add_row(form, "Keep Record Detail", kept)
        self.body.addWidget(group)

        group, form = form_group("This Desktop")
        self.database_url = QLineEdit()
        self.database_url.setObjectName("databaseUrl")
        self.database_url.setPlaceholderText(f"Empty: the local file {shown_url(default_url())}")
        self.watch("database_url", self.database_url)
        self.test_button = button("Test Connection", "testDatabase")
        self.test_button.clicked.connect(self.test_connection)
        row = QHBoxLayout()
        row.addWidget(self.database_url, 1)
        row.addWidget(self.test_button)
        add_row(form, "Database URL", row)
        self.run_desktop = QRadioButton("This desktop")
        self.run_desktop.setObjectName("runOnDesktop")
        self.run_service = QRadioButton("The service")
        self.run_service.setObjectName("runOnService")
        choice = QButtonGroup(self)
        choice.addButton(self.run_desktop)
        choice.addButton(self.run_service)
        self.fields["schedules_run_by"] = self.run_service
        self.run_service.toggled.connect(lambda _checked: self.set_dirty(True))
        runs = QHBoxLayout()
        runs.addWidget(self.run_desktop)
        runs.addWidget(self.run_service)
        runs.addStretch(1)
        add_row(form, "Schedules Run On", runs)
        self.body.addWidget(group)
        self.check_result = QLabel()
        self.check_result.setObjectName("checkResult")
        self.check_result.setWordWrap(True)
        self.body.addWidget(self.check_result)

        note = QLabel(
            f"{NEXT_START} Leave the URL empty for this desktop's own SQLite file; on a site "
            "with several desktops, every client and the service name one database server, "
            "e.g. postgresql+psycopg://hub@dbserver/integration_hub (the password stays out "
            f"of the URL: use ~/.pgpass or Windows authentication). Settings file: "
            f"{local_settings_path()}"
        )
        note.setObjectName("listOrigin")
        note.setWordWrap(True)
        self.body.addWidget(note)
        if os.environ.get(DATABASE_URL_ENV):
            override = QLabel(
                f"{DATABASE_URL_ENV} is set on this desktop: it wins over the URL saved here "
                "(and so does --database)."
            )
            override.setObjectName("formHint")
            override.setWordWrap(True)
            self.body.addWidget(override)
        self.body.addStretch(1)
        self.saved_settings = LocalSettings()
        self.reload()

    def sizeHint(self) -> QSize:
        """Room for a long database URL."""
        return QSize(720, 440)

    # ---- reading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the settings file, and the store's schema and scheduling owner on a worker."""
        self.begin_loading()
        try:
            self.saved_settings = load_local_settings()
        except LocalSettingsError as exc:
            self.saved_settings = LocalSettings()
            self.messenger.error(str(exc))
        self.database_url.setText(self.saved_settings.database_url or "")
        self.run_service.setChecked(self.saved_settings.service_runs_schedules)
        self.run_desktop.setChecked(not self.saved_settings.service_runs_schedules)
        self.check_result.clear()
        self.end_loading()
        database = self.context.database

        def read() -> tuple[str, Activity, int]:
            return (
                current_schema(database),
                read_activity(database, {}, None),
                retention.retention_days(database),
            )

        call = BackgroundCall(read)
        call.finished.connect(self._state_done)
        call.failed.connect(self._state_failed)
        call.start()

    def _state_done(self, state: tuple[str, Activity, int]) -> None:
        schema, activity, days = state
        self.saved_retention = days
        if not self.is_dirty():
            self.begin_loading()
            self.retention_days.setText(str(days))
            self.end_loading()
        self.schema.setText(schema)
        self.owner.setText(activity.owner_sentence())
        self.owner.setCursorPosition(0)
        self.owner.setToolTip(activity.owner_sentence())
        self.state_read.emit()

    def _state_failed(self, message: str) -> None:
        self.schema.setText(f"Cannot be read: {message}")
        self.state_read.emit()

    # ---- editing ---------------------------------------------------------------------

    def edited_settings(self) -> LocalSettings:
        """The settings as the fields say; InputError names a refused URL."""
        try:
            return LocalSettings(
                database_url=self.database_url.text(),
                schedules_run_by="service" if self.run_service.isChecked() else "desktop",
            )
        except LocalSettingsError as exc:
            text = str(exc)
            raise InputError(f"{text[:1].upper()}{text[1:]}.", "database_url") from None

    def edited_retention(self) -> int | None:
        """The days of record detail typed (None: left as it is); InputError when out of range."""
        text = self.retention_days.text().strip()
        if not text:
            return None
        try:
            return retention.check_days(int(text))
        except (ValueError, retention.RetentionError):
            raise InputError(
                f"Keep record detail 0 to {retention.MAX_RETENTION_DAYS} days.", "retention_days"
            ) from None

    def test_connection(self) -> None:
        """Connect to the URL typed (empty: the local file) on a worker and say what is there."""
        if self.testing:
            return
        try:
            settings = self.edited_settings()
        except InputError as exc:
            self.refuse(exc)
            return
        self.testing = True
        self.test_button.setEnabled(False)
        self.mode_button.setEnabled(False)
        self._show_result(None, "Connecting…")
        call = BackgroundCall(lambda: check_database(settings.database_url))
        call.finished.connect(self._tested)
        call.failed.connect(self._test_failed)
        call.start()

    def _test_failed(self, message: str) -> None:
        self._tested(None, message)

    def _tested(self, check: DatabaseCheck | None, failure: str = "") -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        self.mode_button.setEnabled(True)
        save, self._save_after_test = self._save_after_test, False
        if check is None:
            self._show_result(False, f"The test failed: {failure}")
            self.messenger.error(f"Not saved: the test failed: {failure}" if save else failure)
            self.checked.emit(False)
            return
        self._show_result(check.ok, check.message)
        if not check.ok:
            self.messenger.error(f"Not saved: {check.message}" if save else check.message)
        elif save:
            self._write()
        else:
            self.messenger.success(check.message)
        self.checked.emit(check.ok)

    def _show_result(self, ok: bool | None, text: str) -> None:
        self.check_result.setText(text)
        self.check_result.setProperty("ok", "" if ok is None else ("true" if ok else "false"))
        self.check_result.style().unpolish(self.check_result)
        self.check_result.style().polish(self.check_result)

    # ---- saving ----------------------------------------------------------------------

    def press_mode_button(self) -> None:
        """Update: test a changed database URL first, then save; OK closes."""
        if not self.is_dirty():
            self.close_form()
            return
        try:
            settings = self.edited_settings()
            self.edited_retention()
        except InputError as exc:
            self.refuse(exc)
            return
        if settings.database_url != self.saved_settings.database_url:
            self._save_after_test = True
            self.test_connection()
            return
        self._write()

    def save(self) -> None:
        """Write the settings file (the URL is tested first by ``press_mode_button``)."""
        self._write()

    def _write(self) -> None:
        try:
            settings = self.edited_settings()
            days = self.edited_retention()
            save_local_settings(settings)
        except InputError as exc:
            self.refuse(exc)
            return
        except LocalSettingsError as exc:
            self.messenger.error(f"Not saved: {exc}.")
            return
        self.saved_settings = settings
        self.set_dirty(False)
        runs = "the service" if settings.service_runs_schedules else "this desktop"
        where = shown_url(settings.database_url) if settings.database_url else "the local file"
        saved = f"Saved: database {where}, schedules run on {runs}. {NEXT_START}"
        if days is None or days == self.saved_retention:
            self.messenger.success(saved)
            return
        database = self.context.database
        call = BackgroundCall(lambda: retention.set_retention_days(database, days))
        call.finished.connect(lambda _none: self._retention_done(days, saved))
        call.failed.connect(self._retention_failed)
        call.start()

    def _retention_done(self, days: int, saved: str) -> None:
        self.saved_retention = days
        kept = "all record detail" if days == 0 else f"{days} days of record detail"
        self.messenger.success(f"{saved} The store keeps {kept}.")
        self.retention_saved.emit(True)

    def _retention_failed(self, message: str) -> None:
        self.set_dirty(True)
        self.messenger.error(f"The days of record detail were not saved: {message}")
        self.retention_saved.emit(False)
