"""Render Set Customers / Set Items for Synchronization offscreen into docs/screenshots/.

Usage: uv run python bench/marking_screenshots.py [--out docs/screenshots]

Runs the SAP and Tagrain sandboxes on loopback and a throw-away store: the
Sandbox template with some customers and items already marked (a few of them
synced), and a second template that owns some customers, so the matrices
show ticks, unsaved changes, another template's marks and last syncs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.sandbox.launcher import SandboxOptions, SandboxScale, start_sandboxes
from app.sandbox.template import ensure_sandbox_template
from app.store import Database, Link, SyncMark, Template, open_database
from app.sync import marking
from app.sync.marking import CUSTOMER, ITEM
from app.ui.context import Services
from app.ui.forms.marking_criteria import MarkingCriteriaForm
from app.ui.forms.marking_matrix import MarkingMatrixForm
from app.ui.main import create_application
from app.ui.main_window import MainWindow

SIZE = (1280, 800)
SCALE = SandboxScale(customers=400, items=300, tagrain_customers=5, sales=1, refunds=1, expenses=1)


def wait(ms: int = 150) -> None:
    """Let the event loop run (paint, deliver worker signals)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def seed(database: Database, template_id: int) -> None:
    """Marks for both templates and a few links, so every column has something to show."""
    with database.session() as session:
        session.query(SyncMark).delete()
        other = Template(name="Airport Store")
        session.add(other)
        session.flush()
        other_id = other.id
        now = datetime.now(UTC)
        for n in (2, 3, 5, 9):
            session.add(
                Link(
                    template_id=template_id,
                    object="customers",
                    tagrain_id=f"tg-c{n}",
                    sap_key=f"C{n:06d}",
                    synced_at=now - timedelta(hours=n),
                )
            )
            session.add(
                Link(
                    template_id=template_id,
                    object="products",
                    tagrain_id=f"tg-p{n}",
                    sap_key=f"A{n:05d}",
                    synced_at=now - timedelta(minutes=7 * n),
                )
            )
    marking.save_marks(database, CUSTOMER, template_id, [f"C{n:06d}" for n in (2, 3, 5, 9, 12)], [])
    marking.save_marks(database, CUSTOMER, other_id, ["C000007", "C000008"], [])
    marking.save_marks(database, ITEM, template_id, [f"A{n:05d}" for n in (2, 3, 5, 9, 10, 11)], [])


def matrix_of(form: MarkingCriteriaForm) -> MarkingMatrixForm:
    """Press OK and wait until the matrix has read its rows."""
    form.mode_button.click()
    matrix = form.matrix
    assert matrix is not None
    loop = QEventLoop()
    matrix.loaded.connect(loop.quit)
    if matrix.reading:
        loop.exec()
    wait()
    return matrix


def select_rows(matrix: MarkingMatrixForm, first: int, last: int) -> None:
    """Select a range of rows as Shift+click would."""
    model = matrix.model
    selection = matrix.grid.selectionModel()
    top, bottom = model.index(first, 0), model.index(last, model.columnCount() - 1)
    selection.select(
        QItemSelection(top, bottom),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def shoot(window: MainWindow, path: Path) -> None:
    """Save the main window as a PNG."""
    wait()
    window.grab().save(str(path))
    print(f"wrote {path}")


def main() -> None:
    """Render the criteria window and both matrices."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    running = start_sandboxes(SandboxOptions(scale=SCALE))
    app = create_application([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["INTEGRATION_HUB_HOME"] = folder
        database = open_database(f"sqlite:///{Path(folder) / 'store.sqlite3'}")
        template_id = ensure_sandbox_template(database, running.sap_url, running.tagrain_url)
        seed(database, template_id)
        window = MainWindow(database, Services())
        window.resize(*SIZE)
        window.show()
        wait()

        customers = window.open_form("set_customers")
        assert isinstance(customers, MarkingCriteriaForm)
        customers.choose_template(template_id)
        customers.code_from.setText("C000001")
        customers.code_to.setText("C000300")
        shoot(window, args.out / "set-customers-criteria.png")

        matrix = matrix_of(customers)
        matrix.model.tick_guard = lambda rows: {row.code for row in rows}
        matrix.model.set_ticked([0, 3], True)
        select_rows(matrix, 14, 19)
        matrix.toggle_selected()
        matrix.grid.setFocus(Qt.FocusReason.OtherFocusReason)
        shoot(window, args.out / "set-customers-matrix.png")
        matrix.set_dirty(False)
        for sub in window.mdi.subWindowList():
            sub.close()

        items = window.open_form("set_items")
        assert isinstance(items, MarkingCriteriaForm)
        items.choose_template(template_id)
        items.code_from.setText("A00001")
        items.code_to.setText("A00200")
        shoot(window, args.out / "set-items-criteria.png")
        item_matrix = matrix_of(items)
        item_matrix.model.set_ticked([0, 6, 7], True)
        item_matrix.filter_box.setText("")
        shoot(window, args.out / "set-items-matrix.png")
        item_matrix.set_dirty(False)
        for sub in window.mdi.subWindowList():
            sub.close()
        window.close()
        database.dispose()
    running.stop()


if __name__ == "__main__":
    main()
