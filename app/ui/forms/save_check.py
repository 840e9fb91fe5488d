"""Update with an SAP code check first: the check on a worker, then store or refuse.

General Settings and Mappings hand their unsaved values to the injected
``CodeCheck`` before storing them, as SAP Business One checks a code before
it adds a document. The GUI thread never waits: the form's fields and
buttons are disabled while the worker asks SAP. A code SAP does not know
refuses the save with a red status bar message naming the form, field and
code, and the field gets the focus.

When SAP cannot be asked (server down, login refused), the values are stored
anyway with a warning that says so: the user may well be setting up a
template before the server is reachable, and nothing wrong can be posted
meanwhile, since every run checks the same codes first and stops with the
same words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from app.secrets import SecretsUnavailable
from app.ui.background import BackgroundCall
from app.ui.data.errors import InputError
from app.ui.widgets.form_base import SAVED_MESSAGE, BaseForm

if TYPE_CHECKING:
    from app.sync.preflight import Problem

CHECKING = "Checking the codes in SAP Business One…"
UNCHECKED = (
    "Saved without checking the codes: SAP Business One could not be asked ({reason}). "
    "Each sync run checks them before posting anything."
)


class SaveCheck(QObject):
    """One form's Update: ``start`` checks on a worker, then stores or refuses."""

    def __init__(
        self,
        form: BaseForm,
        disabled: Sequence[QWidget],
        refuse: Callable[[Problem, int], None],
    ) -> None:
        super().__init__(form)
        self.form = form
        self.disabled = list(disabled)
        self.refuse = refuse
        self.running = False
        self._store: Callable[[], None] | None = None

    def start(self, work: Callable[[], Sequence[Problem]], store: Callable[[], None]) -> None:
        """Run ``work`` (the check) on a worker; no problem: ``store`` on the GUI thread."""
        self.running = True
        self._store = store
        for widget in (self.form.mode_button, *self.disabled):
            widget.setEnabled(False)
        self.form.messenger.info(CHECKING)
        call = BackgroundCall(lambda: list(work()))
        call.finished.connect(self._checked)
        call.failed.connect(self._not_checked)
        call.start()

    @Slot(object)
    def _checked(self, problems: list[Problem]) -> None:
        self._done()
        if problems:
            self.refuse(problems[0], len(problems) - 1)
            return
        self._store_now(None)

    @Slot(str)
    def _not_checked(self, reason: str) -> None:
        self._done()
        self._store_now(reason)

    def _done(self) -> None:
        self.running = False
        for widget in (self.form.mode_button, *self.disabled):
            widget.setEnabled(True)

    def _store_now(self, unchecked: str | None) -> None:
        store, self._store = self._store, None
        if store is None:
            return
        posted = self.form.messenger.count
        try:
            store()
        except InputError as exc:
            self.form.refuse(exc)
            return
        except SecretsUnavailable as exc:
            self.form.messenger.error(str(exc))
            return
        self.form.set_dirty(False)
        if unchecked is not None:
            self.form.messenger.warning(UNCHECKED.format(reason=unchecked))
        elif self.form.messenger.count == posted:
            self.form.messenger.success(SAVED_MESSAGE)
        self.form.follow_pending()


def problem_text(problem: Problem, others: int) -> str:
    """The status bar words of the first problem, and how many more there are."""
    more = f" (and {others} more)" if others else ""
    return f"{problem}{more}"
