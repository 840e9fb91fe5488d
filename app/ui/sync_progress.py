"""The Sync Now progress in the status bar: what runs, done/total, failures and Cancel.

When a run starts, the previous run's outcome beside the bar is cleared. A
task of several objects (Synchronize All, Initial Load) says which object it
is on ("Synchronize All — 3 of 9: Customers").
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.ui.sync_center import SyncCenter


class SyncProgressPanel(QWidget):
    """Shown while a Sync Now or Retry runs; hidden when the client is idle."""

    def __init__(self, center: SyncCenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProgress")
        self.center = center
        self._title = ""
        self._steps = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.label = QLabel()
        self.label.setObjectName("syncProgressLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("syncProgressBar")
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(True)
        self.counts = QLabel()
        self.counts.setObjectName("syncProgressCounts")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("syncCancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self._cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts)
        layout.addWidget(self.cancel_button)
        runner = center.runner
        runner.started.connect(self._started)
        runner.progress.connect(self.show_progress)
        runner.idle.connect(self.hide)
        self.hide()

    def _started(self, label: str) -> None:
        task = self.center.runner.running
        self._title = label
        self._steps = task is not None and task.steps
        self.center.messenger.clear()
        self.label.setText(label)
        self.bar.setRange(0, 0)
        self.bar.setFormat("starting…")
        self.counts.setText("starting…")
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, done: int, total: int, failed: int, message: str) -> None:
        """Done of total (a busy bar while the total is unknown) and the failures so far."""
        failures = f", {failed:,} failed" if failed else ""
        if total >= 0:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(min(done, max(total, 1)))
            self.bar.setFormat("%p%")
            self.counts.setText(f"{done:,} / {total:,} done{failures}")
        else:
            self.bar.setRange(0, 0)
            self.counts.setText(f"{done:,} done{failures} (total not known before the end)")
        self.bar.setToolTip(message)
        if self._steps and message:
            self.label.setText(f"{self._title} — {message}")

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.center.cancel()
