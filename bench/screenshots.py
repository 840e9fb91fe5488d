"""Render every window of the desktop client offscreen into docs/screenshots/.

Usage: uv run python bench/screenshots.py [--out docs/screenshots]

Runs on a throw-away store and an in-memory keyring: a "Sandbox" template
with the demo company's settings and part of its mappings (so the red
"unmapped" rows show), and a second template. The master data forms read a
live SAP sandbox on loopback. Nothing touches the user's data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import delete

from app import secrets
from app.sandbox import demo
from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import (
    Database,
    Link,
    RecordLog,
    Run,
    StoreMapping,
    SyncMark,
    Template,
    TenderMapping,
    open_database,
)
from app.sync.marking import CUSTOMER, ITEM, save_marks
from app.ui.connection_check import ConnectionReport
from app.ui.context import Services
from app.ui.data.templates import add_template
from app.ui.forms.master_data_form import MasterDataForm
from app.ui.main import create_application
from app.ui.main_window import MainWindow
from app.ui.widgets.form_base import BaseForm
from app.ui.widgets.template_form import TemplateForm
from bench.sync_screenshots import sync_shots
from tests.support.sandbox_lists import SandboxCompanyLists

SIZE = (1280, 800)
MASTER_DATA_SCALE = SandboxScale(
    customers=40, items=40, tagrain_customers=5, sales=1, refunds=1, expenses=1
)
TILED_SIZE = (1680, 1000)
SANDBOX_ID = 1


class _ScratchKeyring(KeyringBackend):
    """Secrets for the screenshots only, gone when the script ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.values.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def _seed(db: Database) -> None:
    sandbox = add_template(db, "Sandbox")
    assert sandbox == SANDBOX_ID
    add_template(db, "Airport Store")
    with db.session() as session:
        t = session.get(Template, sandbox)
        assert t is not None
        t.is_sandbox = True
        t.sap_url = "https://127.0.0.1:50000/b1s"
        t.sap_company_db = demo.COMPANY_DB
        t.sap_user = demo.SAP_USER
        t.sap_verify_tls = False
        t.tagrain_url = "http://127.0.0.1:8766/api/v1"
        t.default_price_list = 1
        t.default_cash_customer = demo.WALK_IN_CUSTOMER
        t.exempt_tax_code = demo.TAX_CODE
        t.cash_account = demo.ACCOUNTS[0].code
        t.default_currency = demo.CURRENCY
        t.new_customer_group = 101
        t.new_customer_code_prefix = "TG-"
        t.store_mappings = [
            StoreMapping(
                store_id=s.code,
                store_code=s.code,
                warehouse_code=s.warehouse,
                cash_account=s.cash_account,
            )
            for s in demo.STORES[:3]
        ]
        t.tender_mappings = [
            TenderMapping(tender_type="cash", payment_means="cash"),
            TenderMapping(tender_type="card", payment_means="credit_card", credit_card_code=1),
        ]
    secrets.set_secret("Sandbox", secrets.SecretKind.SAP_PASSWORD, demo.SAP_PASSWORD)
    secrets.set_secret("Sandbox", secrets.SecretKind.TAGRAIN_API_KEY, demo.TAGRAIN_API_KEY)


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def _save(widget: QWidget, out: Path, name: str, app: QApplication) -> None:
    _settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def _close_all(window: MainWindow) -> None:
    """Close every form, dropping unsaved edits without the question a user would get."""
    for frame in window.mdi.subWindowList():
        form = frame.widget()
        if isinstance(form, BaseForm):
            form.set_dirty(False)
    window.mdi.closeAllSubWindows()


def _wait_for_lists(form: BaseForm) -> None:
    """Let a form that reads lists on a worker thread finish reading."""
    app = QApplication.instance()
    while getattr(form, "reading", False) and app is not None:
        app.processEvents()


def _only(window: MainWindow, key: str) -> BaseForm:
    _close_all(window)
    window.messenger.clear()
    form = window.open_form(key)
    assert form is not None
    if isinstance(form, TemplateForm):
        form.choose_template(SANDBOX_ID)
    _wait_for_lists(form)
    frame = window.form_window(key)
    assert frame is not None
    frame.move(QPoint(8, 8))
    return form


def _shots(window: MainWindow, app: QApplication, out: Path) -> None:
    def shot(name: str, prepare: Callable[[], object]) -> None:
        prepare()
        _save(window, out, name, app)

    shot("templates", lambda: _only(window, "templates"))
    shot("connections", lambda: _only(window, "connections"))

    def refused() -> None:
        form = _only(window, "connections")
        form.sap_url.setText("ftp://sapb1.example.com")  # type: ignore[attr-defined]
        form.set_dirty(True)
        form.press_mode_button()

    shot("connections-refused", refused)

    def tested() -> None:
        form = _only(window, "connections")
        form.test_sap.click()  # type: ignore[attr-defined]
        while form.tests_running():  # type: ignore[attr-defined]
            app.processEvents()

    shot("connections-test-ok", tested)
    shot("general-settings", lambda: _only(window, "general_settings"))

    def cfl() -> None:
        form = _only(window, "general_settings")
        field = form.cash_account  # type: ignore[attr-defined]
        field.setText("")
        field.open_list()
        while field.dialog is not None and field.dialog.reading:
            app.processEvents()
        _settle(app)
        field.dialog.move(window.mapToGlobal(QPoint(420, 180)))
        _save(field.dialog, out, "choose-from-list", app)
        field.dialog.reject()

    cfl()
    for tab, name in enumerate(("mappings-stores", "mappings-tenders", "mappings-expenses")):
        form = _only(window, "mappings")
        form.tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]
        _save(window, out, name, app)

    def tiled() -> None:
        _close_all(window)
        for key in ("templates", "connections", "general_settings", "mappings"):
            form = window.open_form(key)
            if isinstance(form, TemplateForm):
                form.choose_template(SANDBOX_ID)
                _wait_for_lists(form)
        window.mdi.tileSubWindows()
        window.messenger.success("Operation completed successfully")

    window.resize(*TILED_SIZE)
    shot("main-window-tiled", tiled)
    window.resize(*SIZE)
    _close_all(window)


def _seed_master_data(db: Database, template_id: int) -> None:
    """A synced, marked customer and item, and a customer another template owns (no demo marks)."""
    other = add_template(db, "Airport Store")
    with db.session() as session:
        session.execute(delete(SyncMark))
    save_marks(db, CUSTOMER, template_id, ["C000007"], [])
    save_marks(db, ITEM, template_id, ["A00012"], [])
    save_marks(db, CUSTOMER, other, ["C000008"], [])
    at = datetime.now(UTC) - timedelta(hours=2)
    with db.session() as session:
        for obj, tagrain_id, key in (
            ("customers", "cus_7Hq2LmW4", "C000007"),
            ("products", "prd_A12xK9", "A00012"),
        ):
            session.add(
                Link(
                    template_id=template_id,
                    object=obj,
                    tagrain_id=tagrain_id,
                    sap_key=key,
                    synced_at=at,
                )
            )
            run = Run(template_id=template_id, object=f"{obj}_up", trigger="schedule")
            session.add(run)
            session.flush()
            session.add(
                RecordLog(
                    run_id=run.id,
                    object="customers_up" if obj == "customers" else "products_up",
                    source_id=key,
                    target_key=tagrain_id,
                    action="updated",
                    status="ok",
                    at=at,
                )
            )


def _master_data_shots(app: QApplication, out: Path, scratch: str) -> None:
    """Business Partner and Item Master Data, both tabs, read from a live SAP sandbox."""
    sandboxes = start_sandboxes(SandboxOptions(scale=MASTER_DATA_SCALE))
    db = open_database(f"sqlite:///{scratch}/master-data.sqlite3")
    try:
        template_id = ensure_sandbox_template(db, sandboxes.sap_url, sandboxes.tagrain_url)
        _seed_master_data(db, template_id)
        window = MainWindow(db)
        window.resize(*SIZE)
        window.show()
        for key, name, code in (
            ("bp_master_data", "bp-master-data", "C000007"),
            ("item_master_data", "item-master-data", "A00012"),
        ):
            form = _only(window, key)
            assert isinstance(form, MasterDataForm)
            window.tree.setCurrentIndex(window.tree.index_of_form(key))
            _settle(app)
            form.choose_template(template_id)
            _wait_for_lists(form)
            form.find_text(code)
            _wait_for_lists(form)
            window.messenger.clear()
            _save(window, out, f"{name}-general", app)
            form.tabs.setCurrentWidget(form.hub)
            _save(window, out, f"{name}-integration-hub", app)
        ticked = window.active_form()
        assert isinstance(ticked, MasterDataForm)
        ticked.browse("next")
        _wait_for_lists(ticked)
        ticked.hub.sync_box.setChecked(True)
        _save(window, out, "item-master-data-update", app)
        moving = _only(window, "bp_master_data")
        assert isinstance(moving, MasterDataForm)
        _settle(app)
        moving.choose_template(template_id)
        _wait_for_lists(moving)
        moving.find_text("C000008")
        _wait_for_lists(moving)
        moving.tabs.setCurrentWidget(moving.hub)
        moving.find_text("C999999")
        _wait_for_lists(moving)
        _save(window, out, "bp-master-data-not-found", app)
        _close_all(window)
        window.close()
        window.deleteLater()
    finally:
        db.dispose()
        sandboxes.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.TemporaryDirectory(prefix="ih-shots-")
    os.environ["INTEGRATION_HUB_HOME"] = scratch.name
    keyring.set_keyring(_ScratchKeyring())
    app = create_application([])

    empty_db = open_database(f"sqlite:///{scratch.name}/empty.sqlite3")
    empty = MainWindow(empty_db)
    empty.resize(*SIZE)
    empty.show()
    _only(empty, "connections")
    empty.messenger.info("Administration → Integration Hub → Templates creates the first template.")
    _save(empty, args.out, "main-window-no-template", app)
    empty.close()

    db = open_database(f"sqlite:///{scratch.name}/store.sqlite3")
    _seed(db)
    services = Services(
        sap_checker=lambda _t, _draft: ConnectionReport(True, "Logged in to SBODEMOUS as manager."),
        lists=SandboxCompanyLists(),
    )
    window = MainWindow(db, services)
    window.resize(*SIZE)
    window.show()
    window.tree.setCurrentIndex(window.tree.index_of_form("templates"))
    _shots(window, app, args.out)
    window.close()
    _master_data_shots(app, args.out, scratch.name)
    sync_shots(app, args.out, scratch.name)
    db.dispose()
    empty_db.dispose()
    app.processEvents()
    window.deleteLater()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
