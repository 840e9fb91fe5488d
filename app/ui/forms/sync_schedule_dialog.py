"""The schedule of one object: enabled, Daily or Weekly (weekdays), window and interval."""

from __future__ import annotations

from datetime import time, tzinfo

from PySide6.QtCore import QTime
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.scheduling.calendar import WEEKDAYS
from app.ui.data.errors import InputError
from app.ui.data.schedules import ScheduleDraft
from app.ui.forms.sync_common import button
from app.ui.models.run_models import when
from app.ui.widgets.layout import add_row, form_group

UNITS = (("Minutes", 1), ("Hours", 60))


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


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
        self.start = QTimeEdit()
        self.start.setObjectName("windowStart")
        self.end = QTimeEdit()
        self.end.setObjectName("windowEnd")
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
            edit.setMinimumWidth(80)
        window = QHBoxLayout()
        window.setSpacing(8)
        window.addWidget(QLabel("from"))
        window.addWidget(self.start)
        window.addWidget(QLabel("to"))
        window.addWidget(self.end)
        window.addStretch(1)
        self.every = QLineEdit()
        self.every.setObjectName("intervalValue")
        self.every.setValidator(QIntValidator(0, 999, self.every))
        self.every.setMaximumWidth(60)
        self.unit = QComboBox()
        self.unit.setObjectName("intervalUnit")
        for text, factor in UNITS:
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
        add_row(form, "Enabled", self.enabled)
        add_row(form, "Frequency", self.frequency)
        add_row(form, "Weekdays", days)
        add_row(form, "Time Window", window)
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
        self.start.timeChanged.connect(self._changed)
        self.end.timeChanged.connect(self._changed)
        self.every.textChanged.connect(self._changed)
        self.unit.currentIndexChanged.connect(self._changed)
        self._changed()

    def _fill(self, draft: ScheduleDraft) -> None:
        self.enabled.setChecked(draft.enabled)
        self.frequency.setCurrentIndex(self.frequency.findData(draft.frequency))
        chosen = {d.strip()[:3] for d in draft.weekdays.split(",")}
        for name, box in self.days.items():
            box.setChecked(name in chosen)
        self.start.setTime(_qtime(draft.window_start))
        self.end.setTime(_qtime(draft.window_end))
        hours = draft.interval_minutes and draft.interval_minutes % 60 == 0
        self.unit.setCurrentIndex(1 if hours else 0)
        self.every.setText(str(draft.interval_minutes // 60 if hours else draft.interval_minutes))

    def draft(self) -> ScheduleDraft:
        """The schedule as the dialog shows it now."""
        weekly = self.frequency.currentData() == "weekly"
        return self.original.with_changes(
            enabled=self.enabled.isChecked(),
            frequency=str(self.frequency.currentData()),
            weekdays=",".join(n for n, box in self.days.items() if box.isChecked())
            if weekly
            else "",
            window_start=_time(self.start.time()),
            window_end=_time(self.end.time()),
            interval_minutes=int(self.every.text() or 0) * int(self.unit.currentData()),
        )

    def _changed(self) -> None:
        weekly = self.frequency.currentData() == "weekly"
        for box in self.days.values():
            box.setEnabled(weekly)
        draft = self.draft()
        self.summary_label.setText(draft.summary())
        self.next_label.setText(when(draft.next_run(self.tz)) or "—")
        self.error.clear()

    def _ok(self) -> None:
        try:
            self.draft().check()
        except InputError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
