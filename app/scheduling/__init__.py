"""Automatic synchronization: schedules (rows in the store) turned into APScheduler triggers.

``calendar`` is the pure next-run rule, ``trigger`` wraps it for APScheduler,
``owner`` is the heartbeat that decides which process fires, ``scheduler``
the embedded SyncScheduler the GUI starts, ``status`` what the GUI shows and
``service`` the headless loop behind ``integration-hub service``. No Qt here.
"""

from app.scheduling.calendar import ScheduleSpec, local_zone, next_run
from app.scheduling.scheduler import Role, SchedulerConfig, SyncScheduler
from app.scheduling.status import (
    LastRun,
    OwnerInfo,
    SchedulerStatus,
    ScheduleStatus,
    read_status,
    record_skip,
)

__all__ = [
    "LastRun",
    "OwnerInfo",
    "Role",
    "ScheduleSpec",
    "ScheduleStatus",
    "SchedulerConfig",
    "SchedulerStatus",
    "SyncScheduler",
    "local_zone",
    "next_run",
    "read_status",
    "record_skip",
]
