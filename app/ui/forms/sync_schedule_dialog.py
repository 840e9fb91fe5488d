"""The schedule of one object: enabled, Daily or Weekly (weekdays), window and interval.

The window's times are typed as in SAP Business One ("0900", "9:30", "21.15");
a time that is not one is named in red. A window whose end is before its start
crosses midnight: the dialog says so under the window, and OK asks once more.
"""

from __future__ import annotations

from datetime import time, tzinfo

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.scheduling.calendar import WEEKDAYS
from app.scheduling.drafts import INTERVAL_UNITS, MAX_INTERVAL_COUNT, ScheduleDraft, midnight_note
from app.scheduling.time_input import read_time
from app.ui.data.errors import InputError
from app.ui.forms.sync_common import button
from app.ui.models.run_models import when
from app.ui.style import WARNING
from app.ui.widgets.layout import add_row, form_group
from app.ui.widgets.time_field import TimeField

TIME_FIELDS = (("start", "Time Window from"), ("end", "Time Window to"))


class ScheduleDialog(QDialog):
    """Edits a copy of a draft; ``draft()`` is the result once the user pressed OK."""

    def __init__(self, draft: ScheduleDraft, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self.setWindowTitle(f"Schedule - {draft.label}")
        self.original = draft
        self.tz = tz
        group, form = form_group(draft.label)
        self.enabled = QCheckBox("Synchronize automatically")
        self.enabled.setObjectName("scheduleEnabled")
        self.frequency = QComboBox()
        self.frequency.setObjectName("scheduleFrequency")
        self.frequency.addItem("Daily", "daily")
        self.frequency.addItem("Weekly", "weekly")
        days = QHBoxLayout()
        self.days: dict[str, QCheckBox] = {}
        for name in WEEKDAYS:
            box = QCheckBox(name.title())
            box.setObjectName(f"day_{name}")
            self.days[name] = box
            days.addWidget(box)
        days.addStretch(1)
        self.start = TimeField()
        self.start.setObjectName("windowStart")
        self.end = TimeField()
        self.end.setObjectName("windowEnd")
        for edit in (self.start, self.end):
            edit.setFixedWidth(70)
        window = QHBoxLayout()
        window.setSpacing(8)
        window.addWidget(QLabel("from"))
        window.addWidget(self.start)
        window.addWidget(QLabel("to"))
        window.addWidget(self.end)
        window.addStretch(1)
        self.every = QLineEdit()
        self.every.setObjectName("intervalValue")
        self.every.setValidator(QIntValidator(0, MAX_INTERVAL_COUNT, self.every))
        self.every.setMaximumWidth(60)
        self.unit = QComboBox()
        self.unit.setObjectName("intervalUnit")
        for text, factor in INTERVAL_UNITS:
            self.unit.addItem(text, factor)
        interval = QHBoxLayout()
        interval.setSpacing(8)
        interval.addWidget(QLabel("every"))
        interval.addWidget(self.every)
        interval.addWidget(self.unit)
        interval.addWidget(QLabel("(0: once per window)"))
        interval.addStretch(1)
        self.next_label = QLabel()
        self.next_label.setObjectName("scheduleNextRun")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("scheduleSummary")
        self.midnight = QLabel()
        self.midnight.setObjectName("scheduleMidnight")
        self.midnight.setStyleSheet(f"color: {WARNING}")
        self.midnight.setToolTip(
            "A window that crosses midnight belongs to the day it starts on "
            "(Friday 22:00–02:00 runs into Saturday morning)."
        )
        add_row(form, "Enabled", self.enabled)
        add_row(form, "Frequency", self.frequency)
        add_row(form, "Weekdays", days)
        add_row(form, "Time Window", window)
        add_row(form, "", self.midnight)
        self.form = form
        add_row(form, "Interval", interval)
        add_row(form, "Schedule", self.summary_label)
        add_row(form, "Next Run", self.next_label)

        self.ok_button = button("OK", "scheduleOk")
        self.ok_button.setProperty("emphasized", True)
        self.ok_button.clicked.connect(self._ok)
        self.cancel_button = button("Cancel", "scheduleCancel")
        self.cancel_button.clicked.connect(self.reject)
        self.error = QLabel()
        self.error.setObjectName("scheduleError")
        self.error.setStyleSheet("color: #bb0000")
        buttons = QHBoxLayout()
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.error, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addLayout(buttons)
        self._fill(draft)
        self.enabled.toggled.connect(self._changed)
        self.frequency.currentIndexChanged.connect(self._changed)
        for box in self.days.values():
            box.toggled.connect(self._changed)
        self.start.time_changed.connect(self._changed)
        self.end.time_changed.connect(self._changed)
        self.every.textChanged.connect(self._changed)
        self.unit.currentIndexChanged.connect(self._changed)
        self._changed()

    def _fill(self, draft: ScheduleDraft) -> None:
        self.enabled.setChecked(draft.enabled)
        self.frequency.setCurrentIndex(self.frequency.findData(draft.frequency))
        chosen = {d.strip()[:3] for d in draft.weekdays.split(",")}
        for name, box in self.days.items():
            box.setChecked(name in chosen)
        self.start.set_value(draft.window_start)
        self.end.set_value(draft.window_end)
        hours = draft.interval_minutes and draft.interval_minutes % 60 == 0
        self.unit.setCurrentIndex(1 if hours else 0)
        self.every.setText(str(draft.interval_minutes // 60 if hours else draft.interval_minutes))

    def window_times(self) -> tuple[time, time]:
        """The window's start and end as typed (InputError names a time that is not one)."""
        start, end = (
            read_time(getattr(self, name).text(), label, name) for name, label in TIME_FIELDS
        )
        return start, end

    def draft(self) -> ScheduleDraft:
        """The schedule as the dialog shows it now (InputError: a time is not one)."""
        weekly = self.frequency.currentData() == "weekly"
        start, end = self.window_times()
        return self.original.with_changes(
            enabled=self.enabled.isChecked(),
            frequency=str(self.frequency.currentData()),
            weekdays=",".join(n for n, box in self.days.items() if box.isChecked())
            if weekly
            else "",
            window_start=start,
            window_end=end,
            interval_minutes=int(self.every.text() or 0) * int(self.unit.currentData()),
        )

    def _changed(self) -> None:
        weekly = self.frequency.currentData() == "weekly"
        for box in self.days.values():
            box.setEnabled(weekly)
        try:
            draft = self.draft()
        except InputError as exc:
            self.summary_label.setText("—")
            self.next_label.setText("—")
            self.form.setRowVisible(self.midnight, False)
            self.error.setText(str(exc))
            return
        self.summary_label.setText(draft.summary())
        self.next_label.setText(when(draft.next_run(self.tz)) or "—")
        note = midnight_note(draft.window_start, draft.window_end)
        self.midnight.setText(note)
        self.form.setRowVisible(self.midnight, bool(note))
        self.error.clear()

    def _ok(self) -> None:
        try:
            draft = self.draft()
            draft.check()
        except InputError as exc:
            self.error.setText(str(exc))
            field = getattr(self, exc.field or "", None)
            if isinstance(field, TimeField):
                field.setFocus()
            return
        note = midnight_note(draft.window_start, draft.window_end)
        if note and not self._confirm_midnight(note):
            return
        self.accept()

    def _confirm_midnight(self, note: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            f"The time window ends before it starts.\n\n{note}.\n\nKeep this window?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
