"""Getting Started: the setup steps, what is done and what is next, each opening its form.

Opened on the client's first start and from Help → Getting Started or the Main
Menu. The checks read SAP and Tagrain (``app.ui.data.getting_started``), so they
run on a worker; until they report, each step says "Checking…". Check Again
reads them anew; a step's button opens the form that does it.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from app.ui.background import BackgroundCall
from app.ui.context import FormContext
from app.ui.data.getting_started import (
    DONE,
    FORM_OF_STEP,
    STEPS,
    TODO,
    WHAT_EACH_STEP_DOES,
    Step,
    pending,
    read_progress,
)
from app.ui.widgets.form_base import BaseForm

FORM_KEY = "getting_started"
TITLE = "Integration Hub - Getting Started"
INTRO = (
    "Set up the Integration Hub in six steps. Each step says what is done and what is "
    "left; its button opens the form that does it. F1 on any form opens its help."
)
BADGES = {DONE: "✔ Done", TODO: "✘ To do", "unknown": "–", "checking": "… Checking"}
DETAIL_WIDTH = 340
ALL_DONE = "Everything is set up: Sync Now or the schedules keep SAP and Tagrain in step."


class GettingStartedForm(BaseForm):
    """The steps of the setup with their state; buttons open the forms."""

    checked = Signal()

    def __init__(self, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(context, TITLE, parent)
        self.setObjectName("gettingStartedForm")
        self.steps: list[Step] = []
        self.checking = False
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setObjectName("gettingStartedIntro")
        self.body.addWidget(intro)
        self.next_label = QLabel()
        self.next_label.setObjectName("formHint")
        self.next_label.setWordWrap(True)
        self.body.addWidget(self.next_label)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(2, 1)
        self.badges: dict[str, QLabel] = {}
        self.details: dict[str, QLabel] = {}
        self.buttons_by_step: dict[str, QPushButton] = {}
        rows = (("templates", "Templates", "Open Templates"), *STEPS)
        for row, (key, title, button_text) in enumerate(rows):
            if row:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setObjectName("stepSeparator")
                grid.addWidget(line, 2 * row - 1, 0, 1, 4)
            badge = QLabel(BADGES["checking"])
            badge.setObjectName("stepBadge")
            badge.setProperty("state", "checking")
            badge.setMinimumWidth(80)
            name = QLabel(f"<b>{row + 1}. {title}</b>")
            name.setToolTip(WHAT_EACH_STEP_DOES[key])
            detail = QLabel(WHAT_EACH_STEP_DOES[key])
            detail.setWordWrap(True)
            detail.setObjectName("stepDetail")
            detail.setMinimumWidth(DETAIL_WIDTH)
            detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            button = QPushButton(button_text)
            button.setObjectName(f"open_{key}")
            button.setAutoDefault(False)
            button.clicked.connect(partial(self.open_step, key))
            at = 2 * row
            grid.addWidget(badge, at, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(name, at, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(detail, at, 2)
            grid.addWidget(button, at, 3, Qt.AlignmentFlag.AlignTop)
            self.badges[key], self.details[key], self.buttons_by_step[key] = badge, detail, button
        self.body.addLayout(grid)
        self.body.addStretch(1)
        self.check_button = QPushButton("Check Again")
        self.check_button.setObjectName("checkAgain")
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check)
        self.buttons.insertWidget(2, self.check_button)
        self.check()

    def check(self) -> None:
        """Read every step's state on a worker."""
        if self.checking:
            return
        self.checking = True
        self.check_button.setEnabled(False)
        self.next_label.setText("Checking the templates, the SAP company and Tagrain…")
        for badge in self.badges.values():
            _set_state(badge, "checking")
        database, lists, services = self.context.database, self.context.lists, self.context.services

        def work() -> list[Step]:
            return read_progress(
                database,
                lists,
                sap_checker=services.sap_checker,
                tagrain_checker=services.tagrain_checker,
            )

        call = BackgroundCall(work)
        call.finished.connect(self._checked)
        call.failed.connect(self._failed)
        call.start()

    @Slot(object)
    def _checked(self, steps: list[Step]) -> None:
        self.checking = False
        self.check_button.setEnabled(True)
        self.steps = steps
        for step in steps:
            _set_state(self.badges[step.key], step.state)
            self.details[step.key].setText(step.detail)
            self.buttons_by_step[step.key].setProperty("emphasized", False)
        following = pending(steps)
        if following is None:
            self.next_label.setText(ALL_DONE)
        else:
            self.next_label.setText(f"Next: {following.title.split('. ', 1)[1]}.")
            button = self.buttons_by_step[following.key]
            button.setProperty("emphasized", True)
        for button in self.buttons_by_step.values():
            button.style().unpolish(button)
            button.style().polish(button)
        self.checked.emit()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.checking = False
        self.check_button.setEnabled(True)
        self.next_label.setText(f"The setup could not be checked: {message}")
        self.messenger.error(f"Getting Started could not check the setup: {message}")

    def open_step(self, key: str) -> None:
        """Open the form of a step."""
        self.context.events.form_key_requested.emit(FORM_OF_STEP[key])

    def state_of(self, key: str) -> str:
        """A step's state as shown ("done", "todo", "unknown" or "checking")."""
        return str(self.badges[key].property("state"))

    def save(self) -> None:
        """Nothing to save: the steps are read from the store and the systems."""

    def reload(self) -> None:
        """Data → Refresh checks again."""
        self.check()


def _set_state(badge: QLabel, state: str) -> None:
    badge.setText(BADGES.get(state, state))
    badge.setProperty("state", state)
    badge.style().unpolish(badge)
    badge.style().polish(badge)
