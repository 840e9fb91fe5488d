"""Connections: a template's SAP Service Layer and Tagrain endpoints, secrets and tests.

Passwords and API keys go to the keyring through app.secrets and never come
back into a visible field: the field stays empty and says whether a value is
stored; leaving it empty keeps the stored value.

Test Connection tests what the form shows, saved or not: a typed password or
API key is used for the test and not stored until Update. The test runs on a
worker and leaves the keyboard focus where it was.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QObject, QSize, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import credentials
from app.secrets import NO_KEYRING, SecretsUnavailable, keyring_advice
from app.ui.background import BackgroundCall
from app.ui.connection_check import ConnectionChecker, ConnectionDraft, ConnectionReport
from app.ui.context import FormContext
from app.ui.data import settings as store
from app.ui.data.errors import InputError
from app.ui.data.validation import check_url
from app.ui.resources import icon
from app.ui.status import MessageKind, StatusMessenger
from app.ui.widgets.layout import add_row, form_group
from app.ui.widgets.template_form import TemplateForm

NO_CHECKER_TIP = "Connection tests arrive with the sync core; none is installed in this build."
TESTING = "Testing…"
STORED = "•••••••• stored in the keyring; type to replace"
NOT_STORED = "not stored yet"
HANDED_OVER = "handed over by the sandbox this client started; the keyring is not read"
CANNOT_KEEP = "cannot be kept: this machine has no keyring (see above)"


class ConnectionsForm(TemplateForm):
    """Administration → Integration Hub → Connections."""

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Integration Hub - Connections", parent)
        self.setObjectName("connectionsForm")
        self._waiters: set[_TestWaiter] = set()
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()
        column.addWidget(self.keyring_note)

        sap, sap_form = form_group("SAP Business One Service Layer")
        self.sap_url = self._line("sap_url", "https://sapb1.example.com:50000/b1s")
        self.sap_version = QComboBox()
        self.sap_version.addItems(store.SAP_VERSIONS)
        self.watch("sap_version", self.sap_version)
        self.sap_company_db = self._line("sap_company_db", "SBODEMOUS")
        self.sap_user = self._line("sap_user", "manager")
        self.sap_password = self._line("sap_password", NOT_STORED)
        self.sap_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sap_verify_tls = QCheckBox("Verify the server's TLS certificate")
        self.watch("sap_verify_tls", self.sap_verify_tls)
        self.sap_ca_file = self._line("sap_ca_file", "system certificates")
        browse = QToolButton()
        browse.setObjectName("cflButton")
        browse.setIcon(icon("folder-open"))
        browse.setToolTip("Choose a CA certificate file (PEM)")
        browse.clicked.connect(self.browse_ca_file)
        ca_row = QHBoxLayout()
        ca_row.setSpacing(2)
        ca_row.addWidget(self.sap_ca_file, 1)
        ca_row.addWidget(browse)
        self.test_sap = QPushButton("Test Connection")
        self.test_sap.setObjectName("testSap")
        add_row(sap_form, "Service Layer URL *", self.sap_url)
        add_row(sap_form, "API Version", self.sap_version)
        add_row(sap_form, "Company Database *", self.sap_company_db)
        add_row(sap_form, "User Name *", self.sap_user)
        add_row(sap_form, "Password", self.sap_password)
        add_row(sap_form, "", self.sap_verify_tls)
        add_row(sap_form, "CA Certificate File", ca_row)
        add_row(sap_form, "", _left(self.test_sap))
        column.addWidget(sap)

        tagrain, tagrain_form = form_group("Tagrain")
        self.tagrain_url = self._line("tagrain_url", "https://api.tagrain.example/v1")
        self.tagrain_api_key = self._line("tagrain_api_key", NOT_STORED)
        self.tagrain_api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_tagrain = QPushButton("Test Connection")
        self.test_tagrain.setObjectName("testTagrain")
        add_row(tagrain_form, "Base URL *", self.tagrain_url)
        add_row(tagrain_form, "API Key", self.tagrain_api_key)
        add_row(tagrain_form, "", _left(self.test_tagrain))
        column.addWidget(tagrain)
        column.addStretch(1)

        self._wire_test(self.test_sap, context.services.sap_checker, "SAP Business One")
        self._wire_test(self.test_tagrain, context.services.tagrain_checker, "Tagrain")
        self.sap_verify_tls.toggled.connect(self.sap_ca_file.setEnabled)
        self.refresh_templates()

    def sizeHint(self) -> QSize:
        """Room for URLs and the keyring note without eliding them."""
        return QSize(640, super().sizeHint().height())

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        self.watch(name, edit)
        return edit

    def _wire_test(self, button: QPushButton, checker: ConnectionChecker | None, side: str) -> None:
        button.setProperty("checker_available", checker is not None)
        button.setProperty("side", side)
        if checker is None:
            button.setEnabled(False)
            button.setToolTip(NO_CHECKER_TIP)
            return
        button.setToolTip(
            f"Log in to {side} with the settings as they are in this form, saved or not "
            "(a typed password or API key is used, not stored)"
        )
        button.clicked.connect(lambda: self.start_test(button, checker, side))

    def load(self, template_id: int | None) -> None:
        """Show the template's stored connection (secrets only as "stored" or not)."""
        self.sap_password.clear()
        self.tagrain_api_key.clear()
        if template_id is None:
            for edit in (self.sap_url, self.sap_company_db, self.sap_user, self.sap_ca_file):
                edit.clear()
            self.tagrain_url.clear()
            return
        c = store.load_connection(self.context.database, template_id)
        self.sap_url.setText(c.sap_url)
        self.sap_version.setCurrentText(c.sap_version)
        self.sap_company_db.setText(c.sap_company_db)
        self.sap_user.setText(c.sap_user)
        self.sap_verify_tls.setChecked(c.sap_verify_tls)
        self.sap_ca_file.setText(c.sap_ca_file)
        self.sap_ca_file.setEnabled(c.sap_verify_tls)
        self.tagrain_url.setText(c.tagrain_url)
        self._show_secret_state(template_id)

    def _show_secret_state(self, template_id: int) -> None:
        """Say for this template where its secrets come from (never leaving another's words)."""
        name = store.template_name(self.context.database, template_id)
        self.keyring_note.hide()
        if credentials.handed_over(name):
            self._secret_placeholders(HANDED_OVER, HANDED_OVER)
            return
        try:
            state = store.secret_state(name)
        except SecretsUnavailable:
            self._secret_placeholders(CANNOT_KEEP, CANNOT_KEEP)
            self.keyring_note.setText(f"{NO_KEYRING} {keyring_advice()}")
            self.keyring_note.show()
            return
        self._secret_placeholders(
            STORED if state.sap_password else NOT_STORED,
            STORED if state.tagrain_api_key else NOT_STORED,
        )

    def _secret_placeholders(self, sap: str, tagrain: str) -> None:
        self.sap_password.setPlaceholderText(sap)
        self.sap_password.setToolTip(sap)
        self.tagrain_api_key.setPlaceholderText(tagrain)
        self.tagrain_api_key.setToolTip(tagrain)

    def save(self) -> None:
        """Validate, then store the fields and any newly typed secret in one transaction."""
        template_id = self.template_id
        if template_id is None:
            return
        settings = store.connection_settings(
            sap_url=self.sap_url.text(),
            sap_version=self.sap_version.currentText(),
            sap_company_db=self.sap_company_db.text(),
            sap_user=self.sap_user.text(),
            sap_verify_tls=self.sap_verify_tls.isChecked(),
            sap_ca_file=self.sap_ca_file.text(),
            tagrain_url=self.tagrain_url.text(),
        )
        if self.tagrain_api_key.text() and not settings.tagrain_url:
            raise InputError("Enter the Tagrain base URL the API key is for.", "tagrain_url")
        try:
            store.save_connection(
                self.context.database,
                template_id,
                settings,
                sap_password=self.sap_password.text(),
                tagrain_api_key=self.tagrain_api_key.text(),
            )
        except SecretsUnavailable:
            typed = "sap_password" if self.sap_password.text() else "tagrain_api_key"
            raise InputError(
                f"{NO_KEYRING} Nothing was saved: empty the password and API key fields to "
                f"save the other fields. {keyring_advice()}",
                typed,
            ) from None
        self.begin_loading()
        self.sap_password.clear()
        self.tagrain_api_key.clear()
        self.end_loading()
        self._show_secret_state(template_id)

    def connection_draft(self, side: str) -> ConnectionDraft:
        """The connection as the form shows it, typed secrets included.

        The URL of the side about to be tested must be a URL (InputError refuses it).
        """
        sap_url, tagrain_url = self.sap_url.text().strip(), self.tagrain_url.text().strip()
        if self.test_sap.property("side") == side:
            sap_url = check_url(sap_url, "sap_url", "Service Layer URL")
        else:
            tagrain_url = check_url(tagrain_url, "tagrain_url", "Tagrain base URL")
        return ConnectionDraft(
            sap_url=sap_url,
            sap_version=self.sap_version.currentText(),
            sap_company_db=self.sap_company_db.text().strip(),
            sap_user=self.sap_user.text().strip(),
            sap_verify_tls=self.sap_verify_tls.isChecked(),
            sap_ca_file=self.sap_ca_file.text().strip(),
            tagrain_url=tagrain_url,
            sap_password=self.sap_password.text(),
            tagrain_api_key=self.tagrain_api_key.text(),
        )

    def browse_ca_file(self) -> None:
        """Pick the CA certificate file with the system's file dialog."""
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "CA Certificate File",
            self.sap_ca_file.text(),
            "Certificates (*.pem *.crt *.cer);;All files (*)",
        )
        if path:
            self.sap_ca_file.setText(path)

    def start_test(self, button: QPushButton, checker: ConnectionChecker, side: str) -> None:
        """Run the injected checker on a worker thread; the result lands in the status bar."""
        template_id = self.template_id
        if template_id is None or any(w.button is button for w in self._waiters):
            return
        try:
            draft = self.connection_draft(side)
        except InputError as exc:
            self.refuse(exc)
            return
        # The button stays enabled (a disabled focused button would push the focus on to
        # the next field); it says it is testing and a second press waits for the first.
        waiter = _TestWaiter(self, button, side)
        self._waiters.add(waiter)
        button.setText(TESTING)
        self.messenger.info(f"Testing the connection to {side}…")
        call = BackgroundCall(lambda: checker(template_id, draft))
        call.finished.connect(waiter.done)
        call.failed.connect(waiter.crashed)
        call.start()

    def test_finished(self, waiter: _TestWaiter, report: ConnectionReport) -> None:
        """Show a test's outcome and allow the next test."""
        self._waiters.discard(waiter)
        waiter.button.setText(waiter.label)
        if report.ok and report.needs_setup:
            self.messenger.warning(f"{waiter.side}: {report.message}")
            self.offer_company_setup(report)
        elif report.ok:
            self.messenger.success(f"{waiter.side}: {report.message}")
        else:
            self.messenger.error(f"{waiter.side}: {report.message}")

    def offer_company_setup(self, report: ConnectionReport) -> None:
        """The company lacks the add-on's user fields: offer to open Company Setup on it."""
        template_id = self.template_id
        if template_id is None:
            return
        answer = QMessageBox.question(
            self,
            "Company Setup",
            f"{report.message}\n\nOpen Company Setup?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.context.events.form_requested.emit("company_setup", template_id)

    def tests_running(self) -> int:
        """How many connection tests have not reported yet."""
        return len(self._waiters)


class _TestWaiter(QObject):
    """Receives one test's report on the GUI thread (a queued delivery from the worker).

    It has no parent and stays until the report arrives, so closing the form
    (or the window) while a test runs is safe: the report then goes to the
    status bar only, or nowhere.
    """

    pending: ClassVar[set[_TestWaiter]] = set()

    def __init__(self, form: ConnectionsForm, button: QPushButton, side: str) -> None:
        super().__init__()
        self.form: ConnectionsForm | None = form
        self.messenger: StatusMessenger | None = form.messenger
        self.button = button
        self.label = button.text()
        self.side = side
        form.destroyed.connect(self._form_gone)
        form.messenger.destroyed.connect(self._messenger_gone)
        _TestWaiter.pending.add(self)

    def _form_gone(self) -> None:
        self.form = None

    def _messenger_gone(self) -> None:
        self.messenger = None

    @Slot(str)
    def crashed(self, message: str) -> None:
        self.done(ConnectionReport(False, f"Connection test failed: {message}"))

    @Slot(object)
    def done(self, report: ConnectionReport) -> None:
        _TestWaiter.pending.discard(self)
        if self.form is not None:
            self.form.test_finished(self, report)
        elif self.messenger is not None:
            kind = MessageKind.SUCCESS if report.ok else MessageKind.ERROR
            self.messenger.post(kind, f"{self.side}: {report.message}")
        self.deleteLater()


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row
