"""Fixtures of the GUI tests: offscreen Qt, the Belize style, no modal can hang, a main window."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.store import Database, open_database
from app.ui import gc_guard
from app.ui.context import Services
from app.ui.data.templates import add_template
from app.ui.main_window import MainWindow
from app.ui.style import apply_style
from tests.support.sandbox_lists import SandboxCompanyLists

QT_NOISE = (
    r"propagateSizeHints",
    r"This plugin does not support",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every GUI test fails on a Qt warning (qutebrowser's habit), except offscreen noise."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_NOISE))


@pytest.fixture(autouse=True, scope="session")
def _belize(qapp: QApplication) -> None:
    apply_style(qapp)
    gc_guard.install(qapp)


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """What a test leaves behind is collected here, never later in a worker thread.

    The client's collector freezes what survives (``app.ui.gc_guard``); a test's
    leftovers are unfrozen first so that they are collected here, all of them.
    """
    yield
    gc.unfreeze()
    gc.collect()


@dataclass
class Modals:
    """What the tests answer to modal dialogs, and what those dialogs said."""

    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    questions: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    open_file: str = ""


@pytest.fixture(autouse=True)
def modals(monkeypatch: pytest.MonkeyPatch) -> Modals:
    """QMessageBox and QFileDialog never block: answers come from this object."""
    state = Modals()

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        state.questions.append(text)
        return state.answer

    def shown(_parent: object, _title: str, text: str, *_args: object) -> object:
        state.shown.append(text)
        return QMessageBox.StandardButton.Ok

    def exec_(box: QMessageBox) -> int:
        state.shown.append(box.text())
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    for name in ("information", "warning", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(shown))
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *_a, **_k: (state.open_file, "")),
    )
    return state


@pytest.fixture(scope="session")
def _migrated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store upgraded by Alembic per session; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("ui-store") / "migrated.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def database(database_file: Path, _migrated_store: Path) -> Iterator[Database]:
    """A copy of the upgraded store (migrating once keeps the GUI suite quick)."""
    shutil.copyfile(_migrated_store, database_file)
    db = open_database(f"sqlite:///{database_file}", upgrade=False)
    yield db
    db.dispose()


@pytest.fixture
def services() -> Services:
    """No sync core: checkers absent, the sandbox company's canned lists."""
    return Services(lists=SandboxCompanyLists())


@pytest.fixture
def make_window(
    qtbot: QtBot, database: Database, services: Services
) -> Iterator[Callable[[], MainWindow]]:
    """Builds main windows on the test's store (each restores the saved layout)."""
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(database, services)
        qtbot.addWidget(window)
        window.restore_layout()
        window.show()
        qtbot.waitExposed(window)
        # The change watcher's baseline is read on a worker; a user's client has it long
        # before anyone edits elsewhere, and the tests that edit elsewhere need it too.
        qtbot.waitUntil(lambda: window.change_watcher.seen is not None, timeout=15_000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        for sub in window.mdi.subWindowList():
            form = sub.widget()
            if hasattr(form, "set_dirty"):
                form.set_dirty(False)


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    """A shown main window."""
    return make_window()


@pytest.fixture
def template_id(database: Database) -> int:
    """A template named "Main Store"."""
    return add_template(database, "Main Store")
