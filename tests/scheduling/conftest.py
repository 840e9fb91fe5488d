"""Scheduling tests: the sandboxes and the Sandbox template of the sync tests, and helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import delete

from app.store import Database, Schedule
from tests.sync.conftest import sandboxes, template_id

__all__ = ["sandboxes", "template_id"]

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], *, timeout: float = 20.0, what: str = "") -> T:
    """Poll until the probe returns something truthy; fail with ``what`` at the deadline."""
    import time as clock

    deadline = clock.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if clock.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or probe}")
        clock.sleep(0.05)


def add_schedule(
    database: Database,
    template: int,
    object_name: str = "customer_groups",
    *,
    every: int = 60,
    edited_ago: timedelta = timedelta(hours=2),
    start: time = time(0, 0),
    end: time = time(23, 59),
    frequency: str = "daily",
    weekdays: str = "",
) -> int:
    """An enabled schedule last edited ``edited_ago``: with an hourly interval a run is overdue."""
    with database.session() as session:
        session.execute(
            delete(Schedule).where(Schedule.template_id == template, Schedule.object == object_name)
        )
        schedule = Schedule(
            template_id=template,
            object=object_name,
            enabled=True,
            frequency=frequency,
            weekdays=weekdays,
            window_start=start,
            window_end=end,
            interval_minutes=every,
            updated_at=datetime.now(UTC) - edited_ago,
        )
        session.add(schedule)
        session.flush()
        return schedule.id
