"""SQLAlchemy models of the local store.

Portable SQL only (SQLite, PostgreSQL and SQL Server): no JSON columns, no
dialect-specific types; enums are stored as short strings so that a new
object kind needs no schema change. Secrets are never columns here: they live
in the OS keyring (``app.secrets``).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the store keeps every time in UTC)."""
    return datetime.now(UTC)


class SyncObject(enum.StrEnum):
    """The objects the Integration Hub synchronizes."""

    CUSTOMER_GROUPS = "customer_groups"
    PRODUCT_GROUPS = "product_groups"
    MANUFACTURERS = "manufacturers"
    CUSTOMERS = "customers"
    PRODUCTS = "products"
    SALES = "sales"
    REFUNDS = "refunds"
    EXPENSES = "expenses"
    INVENTORY = "inventory"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and read back timezone-aware.

    SQLite has no time zones and SQL Server's DATETIME2 neither, so every
    database gets the same naive UTC value; Python code only ever sees aware
    datetimes, and a naive one handed in is refused rather than guessed at.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps timezone-aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints alike."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Template(Base):
    """A Tagrain template: one Tagrain account, the SAP company it posts to, and its rules.

    The SAP password and the Tagrain API key are not here: they are keyring
    entries named after the template.
    """

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    sap_url: Mapped[str] = mapped_column(String(500), default="")
    sap_version: Mapped[str] = mapped_column(String(4), default="v2")
    sap_company_db: Mapped[str] = mapped_column(String(100), default="")
    sap_user: Mapped[str] = mapped_column(String(100), default="")
    sap_verify_tls: Mapped[bool] = mapped_column(Boolean, default=True)
    sap_ca_file: Mapped[str | None] = mapped_column(String(500))
    sap_sessions: Mapped[int] = mapped_column(Integer, default=4)

    tagrain_url: Mapped[str] = mapped_column(String(500), default="")

    default_price_list: Mapped[int | None] = mapped_column(Integer)
    default_cash_customer: Mapped[str | None] = mapped_column(String(50))
    default_payment_terms: Mapped[int | None] = mapped_column(Integer)
    exempt_tax_code: Mapped[str | None] = mapped_column(String(20))
    cash_account: Mapped[str | None] = mapped_column(String(50))
    default_currency: Mapped[str | None] = mapped_column(String(3))
    branch_id: Mapped[int | None] = mapped_column(Integer)
    new_customer_group: Mapped[int | None] = mapped_column(Integer)
    new_customer_code_prefix: Mapped[str | None] = mapped_column(String(20))

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    store_mappings: Mapped[list[StoreMapping]] = relationship(
        back_populates="template", cascade="all, delete-orphan"
    )
    tender_mappings: Mapped[list[TenderMapping]] = relationship(
        back_populates="template", cascade="all, delete-orphan"
    )
    expense_mappings: Mapped[list[ExpenseMapping]] = relationship(
        back_populates="template", cascade="all, delete-orphan"
    )


class SyncMark(Base):
    """A customer or item marked "Sync" for one template (one template at a time)."""

    __tablename__ = "sync_marks"
    __table_args__ = (
        UniqueConstraint("kind", "sap_key"),
        Index("ix_sync_marks_template_kind_marked", "template_id", "kind", "marked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "customer" or "item"
    sap_key: Mapped[str] = mapped_column(String(100))
    template_id: Mapped[int] = mapped_column(
        ForeignKey("templates.id", ondelete="CASCADE"), index=True
    )
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    marked_by: Mapped[str | None] = mapped_column(String(100))


class StoreMapping(Base):
    """Tagrain store ↔ SAP warehouse, with the store's cash account and branch."""

    __tablename__ = "store_mappings"
    __table_args__ = (UniqueConstraint("template_id", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    store_id: Mapped[str] = mapped_column(String(100))
    store_code: Mapped[str | None] = mapped_column(String(50))
    warehouse_code: Mapped[str] = mapped_column(String(20))
    cash_account: Mapped[str | None] = mapped_column(String(50))
    branch_id: Mapped[int | None] = mapped_column(Integer)

    template: Mapped[Template] = relationship(back_populates="store_mappings")


class TenderMapping(Base):
    """Tagrain tender type ↔ SAP payment means (cash, credit card or transfer account)."""

    __tablename__ = "tender_mappings"
    __table_args__ = (UniqueConstraint("template_id", "tender_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    tender_type: Mapped[str] = mapped_column(String(30))
    payment_means: Mapped[str] = mapped_column(String(20))  # cash, credit_card, transfer
    account_code: Mapped[str | None] = mapped_column(String(50))
    credit_card_code: Mapped[int | None] = mapped_column(Integer)

    template: Mapped[Template] = relationship(back_populates="tender_mappings")


class ExpenseMapping(Base):
    """Tagrain expense category ↔ SAP G/L expense account."""

    __tablename__ = "expense_mappings"
    __table_args__ = (UniqueConstraint("template_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(100))
    account_code: Mapped[str] = mapped_column(String(50))

    template: Mapped[Template] = relationship(back_populates="expense_mappings")


class Schedule(Base):
    """When one object of one template runs automatically."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("template_id", "object"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(30))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    frequency: Mapped[str] = mapped_column(String(10), default="daily")  # daily, weekly
    weekdays: Mapped[str] = mapped_column(String(40), default="")  # "mon,wed,fri"
    window_start: Mapped[time] = mapped_column(Time, default=time(0, 0))
    window_end: Mapped[time] = mapped_column(Time, default=time(23, 59))
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Run(Base):
    """One sync run of one object: who started it, when, how it ended, what it did."""

    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_template_object_started", "template_id", "object", "started_at"),
        Index("ix_runs_started_at", "started_at"),
        Index("ix_runs_template_object_id", "template_id", "object", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(30))
    trigger: Mapped[str] = mapped_column(String(20))  # manual, schedule, service, cli, retry
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="running")
    total: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    message: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)

    records: Mapped[list[RecordLog]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True
    )


class RecordLog(Base):
    """The outcome of one record in one run, with the other side's message word for word.

    Kept for the store's retention period (``app.store.retention``); the
    indexes serve the Sync Monitor (a run's records, its failures) and the
    daily summary (a record's earlier and later outcomes).
    """

    __tablename__ = "record_log"
    __table_args__ = (
        Index("ix_record_log_run_status", "run_id", "status", "action"),
        Index("ix_record_log_status_source", "status", "object", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    object: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(String(100))
    target_key: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # created, updated, linked, skipped, ...
    status: Mapped[str] = mapped_column(String(20))  # ok, failed, waiting
    message: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[Run] = relationship(back_populates="records")


class PendingRetry(Base):
    """A record that failed and is retried on the next run until it succeeds."""

    __tablename__ = "pending_retries"
    __table_args__ = (UniqueConstraint("template_id", "object", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str | None] = mapped_column(Text)
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Link(Base):
    """A record's identity on both sides: Tagrain id ↔ SAP key, per object and template.

    Documents can produce two SAP records (an invoice and its payment): the
    second key is ``sap_secondary_key``. ``fingerprint`` is a hash of what the
    sync last wrote, so that the change comes back as an echo and is ignored.
    ``sap_company_db`` is the SAP company the SAP key belongs to: a template
    pointed at another company must not take these keys for that company's.
    """

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("template_id", "object", "tagrain_id"),
        UniqueConstraint("template_id", "object", "sap_key"),
        Index("ix_links_template_company", "template_id", "sap_company_db"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(30))
    tagrain_id: Mapped[str] = mapped_column(String(100))
    sap_key: Mapped[str] = mapped_column(String(100))
    sap_company_db: Mapped[str | None] = mapped_column(String(100))
    sap_secondary_key: Mapped[str | None] = mapped_column(String(100))
    sap_doc_num: Mapped[str | None] = mapped_column(String(50))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Watermark(Base):
    """How far an incremental read of one object in one direction has safely come."""

    __tablename__ = "watermarks"

    template_id: Mapped[int] = mapped_column(
        ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True
    )
    object: Mapped[str] = mapped_column(String(30), primary_key=True)
    direction: Mapped[str] = mapped_column(String(20), primary_key=True)  # to_sap, to_tagrain
    value: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RunLease(Base):
    """Who is running an object of a template right now (one run at a time, across processes)."""

    __tablename__ = "run_leases"

    template_id: Mapped[int] = mapped_column(
        ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True
    )
    object: Mapped[str] = mapped_column(String(30), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    run_id: Mapped[int | None] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class SchedulerOwner(Base):
    """Which process fires the schedules now: a heartbeat row, one per scope.

    A running ``integration-hub service`` owns scheduling; the desktop
    client's embedded scheduler stands by while the heartbeat is fresh and
    takes over once it goes stale (``expires_at`` passed, or the holder is a
    process of this machine that no longer runs).
    """

    __tablename__ = "scheduler_owner"

    scope: Mapped[str] = mapped_column(String(30), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))  # service, client
    since: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class ChangeStamp(Base):
    """How often one kind of shared data (marks, schedules, templates) was changed, and by whom.

    Every writer of that data bumps the scope's revision in the same
    transaction as its edit, so an open client on another desktop sees a
    changed number and reloads what it shows. The scope is a short string
    (not TEXT) because SQL Server cannot index an unbounded text column.
    """

    __tablename__ = "change_stamps"

    scope: Mapped[str] = mapped_column(String(30), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime | None] = mapped_column()
    changed_by: Mapped[str | None] = mapped_column(String(255))


class StoreSetting(Base):
    """A setting of the whole store (every desktop and the service share it), by name.

    Values are short strings; ``app.store.retention`` reads and writes the
    record-log retention and when the store was last pruned.
    """

    __tablename__ = "store_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    changed_at: Mapped[datetime | None] = mapped_column()
    changed_by: Mapped[str | None] = mapped_column(String(255))


class DailySummary(Base):
    """One object's daily summary counts, kept when the record detail of that day is pruned.

    ``day`` is a local day of the process that pruned it; waiting records are
    not here: the summary always shows those still queued now.
    """

    __tablename__ = "daily_summaries"
    __table_args__ = (UniqueConstraint("day", "template_id", "object"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(30))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    retried: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
