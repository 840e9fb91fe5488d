"""The local store: templates, marks, mappings, schedules, runs, logs, links, watermarks.

Everything the add-on remembers between runs lives here, in one SQLAlchemy
database (a SQLite file by default, any SQLAlchemy URL on request), upgraded by
Alembic migrations when the application starts.
"""

from app.store.database import Database, DatabaseError, open_database
from app.store.models import (
    Base,
    ChangeStamp,
    DailySummary,
    ExpenseMapping,
    Link,
    PendingRetry,
    RecordLog,
    Run,
    RunLease,
    Schedule,
    SchedulerOwner,
    StoreMapping,
    StoreSetting,
    SyncMark,
    SyncObject,
    Template,
    TenderMapping,
    Watermark,
)

__all__ = [
    "Base",
    "ChangeStamp",
    "DailySummary",
    "Database",
    "DatabaseError",
    "ExpenseMapping",
    "Link",
    "PendingRetry",
    "RecordLog",
    "Run",
    "RunLease",
    "Schedule",
    "SchedulerOwner",
    "StoreMapping",
    "StoreSetting",
    "SyncMark",
    "SyncObject",
    "Template",
    "TenderMapping",
    "Watermark",
    "open_database",
]
