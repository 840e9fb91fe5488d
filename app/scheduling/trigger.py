"""An APScheduler 3 trigger that fires when ``calendar.next_run`` says.

APScheduler asks a trigger for the next fire time after the previous one
(or after "now" for a new job) and keeps asking while catching up; handing
that question to the pure function keeps the scheduler and the tested rule
in agreement, DST and midnight windows included.

Fire times are handed to APScheduler in UTC: Python compares and subtracts
two datetimes of the *same* zone by wall time, ignoring ``fold``, which in
the repeated hour of a fall-back night would make the scheduler's wait
computations an hour off. Instants in UTC have no such ambiguity.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from apscheduler.triggers.base import BaseTrigger

from app.scheduling.calendar import ScheduleSpec, describe, next_run


class ScheduleTrigger(BaseTrigger):
    """Fires at the runs of one schedule, in one time zone."""

    def __init__(self, spec: ScheduleSpec, tz: tzinfo) -> None:
        self.spec = spec
        self.tz = tz

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The run after the previous fire time, or the first one after ``now`` (in UTC)."""
        found = next_run(self.spec, previous_fire_time or now, self.tz)
        return None if found is None else found.astimezone(UTC)

    def __str__(self) -> str:
        return describe(self.spec)

    def __repr__(self) -> str:
        return f"<ScheduleTrigger {describe(self.spec)} tz={self.tz}>"
