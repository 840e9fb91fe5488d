"""Multi-site tests: the sandboxes and Sandbox template of the sync tests, and helpers."""

from __future__ import annotations

from tests.scheduling.conftest import add_schedule, wait_for
from tests.sync.conftest import sandboxes, template_id

__all__ = ["add_schedule", "sandboxes", "template_id", "wait_for"]
