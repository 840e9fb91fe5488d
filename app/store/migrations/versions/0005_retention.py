"""record-log retention: store-wide settings, kept daily summaries, monitor indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

``store_settings`` holds settings shared by every desktop and the service
(the record-log retention, when the store was last pruned);
``daily_summaries`` keeps a day's summary counts once its record detail is
pruned. The indexes let the Sync Monitor read a run's records of one status,
the daily summary find a record's earlier and later outcomes and a day's
runs, on a log of millions of rows, and the monitor an object's newest runs
without sorting a year of them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_settings",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_by", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_store_settings")),
    )
    op.create_table(
        "daily_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("succeeded", sa.Integer(), nullable=False),
        sa.Column("retried", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_daily_summaries_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_summaries")),
        sa.UniqueConstraint(
            "day", "template_id", "object", name=op.f("uq_daily_summaries_day_template_id_object")
        ),
    )
    op.create_index("ix_record_log_run_status", "record_log", ["run_id", "status", "action"])
    op.create_index("ix_record_log_status_source", "record_log", ["status", "object", "source_id"])
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_index("ix_runs_template_object_id", "runs", ["template_id", "object", "id"])


def downgrade() -> None:
    op.drop_index("ix_runs_template_object_id", table_name="runs")
    op.drop_index("ix_runs_started_at", table_name="runs")
    op.drop_index("ix_record_log_status_source", table_name="record_log")
    op.drop_index("ix_record_log_run_status", table_name="record_log")
    op.drop_table("daily_summaries")
    op.drop_table("store_settings")
