"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_sandbox", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sap_url", sa.String(length=500), nullable=False),
        sa.Column("sap_version", sa.String(length=4), nullable=False),
        sa.Column("sap_company_db", sa.String(length=100), nullable=False),
        sa.Column("sap_user", sa.String(length=100), nullable=False),
        sa.Column("sap_verify_tls", sa.Boolean(), nullable=False),
        sa.Column("sap_ca_file", sa.String(length=500), nullable=True),
        sa.Column("sap_sessions", sa.Integer(), nullable=False),
        sa.Column("tagrain_url", sa.String(length=500), nullable=False),
        sa.Column("default_price_list", sa.Integer(), nullable=True),
        sa.Column("default_cash_customer", sa.String(length=50), nullable=True),
        sa.Column("default_payment_terms", sa.Integer(), nullable=True),
        sa.Column("exempt_tax_code", sa.String(length=20), nullable=True),
        sa.Column("cash_account", sa.String(length=50), nullable=True),
        sa.Column("default_currency", sa.String(length=3), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("new_customer_group", sa.Integer(), nullable=True),
        sa.Column("new_customer_code_prefix", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_templates_name")),
    )
    op.create_table(
        "expense_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("account_code", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_expense_mappings_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_mappings")),
        sa.UniqueConstraint(
            "template_id", "category", name=op.f("uq_expense_mappings_template_id_category")
        ),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("tagrain_id", sa.String(length=100), nullable=False),
        sa.Column("sap_key", sa.String(length=100), nullable=False),
        sa.Column("sap_secondary_key", sa.String(length=100), nullable=True),
        sa.Column("sap_doc_num", sa.String(length=50), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_links_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint(
            "template_id", "object", "sap_key", name=op.f("uq_links_template_id_object_sap_key")
        ),
        sa.UniqueConstraint(
            "template_id",
            "object",
            "tagrain_id",
            name=op.f("uq_links_template_id_object_tagrain_id"),
        ),
    )
    op.create_table(
        "pending_retries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("first_failed_at", sa.DateTime(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_pending_retries_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_retries")),
        sa.UniqueConstraint(
            "template_id",
            "object",
            "source_id",
            name=op.f("uq_pending_retries_template_id_object_source_id"),
        ),
    )
    op.create_table(
        "run_leases",
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_run_leases_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("template_id", "object", name=op.f("pk_run_leases")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_runs_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_runs_template_object_started", ["template_id", "object", "started_at"], unique=False
        )

    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("weekdays", sa.String(length=40), nullable=False),
        sa.Column("window_start", sa.Time(), nullable=False),
        sa.Column("window_end", sa.Time(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_schedules_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("template_id", "object", name=op.f("uq_schedules_template_id_object")),
    )
    op.create_table(
        "store_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=100), nullable=False),
        sa.Column("store_code", sa.String(length=50), nullable=True),
        sa.Column("warehouse_code", sa.String(length=20), nullable=False),
        sa.Column("cash_account", sa.String(length=50), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_store_mappings_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_mappings")),
        sa.UniqueConstraint(
            "template_id", "store_id", name=op.f("uq_store_mappings_template_id_store_id")
        ),
    )
    op.create_table(
        "sync_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sap_key", sa.String(length=100), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("marked_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_sync_marks_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_marks")),
        sa.UniqueConstraint("kind", "sap_key", name=op.f("uq_sync_marks_kind_sap_key")),
    )
    with op.batch_alter_table("sync_marks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_marks_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "tender_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("tender_type", sa.String(length=30), nullable=False),
        sa.Column("payment_means", sa.String(length=20), nullable=False),
        sa.Column("account_code", sa.String(length=50), nullable=True),
        sa.Column("credit_card_code", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_tender_mappings_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_mappings")),
        sa.UniqueConstraint(
            "template_id", "tender_type", name=op.f("uq_tender_mappings_template_id_tender_type")
        ),
    )
    op.create_table(
        "watermarks",
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("value", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_watermarks_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("template_id", "object", "direction", name=op.f("pk_watermarks")),
    )
    op.create_table(
        "record_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=30), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("target_key", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_record_log_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_log")),
    )
    with op.batch_alter_table("record_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_log_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("record_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_log_run_id"))

    op.drop_table("record_log")
    op.drop_table("watermarks")
    op.drop_table("tender_mappings")
    with op.batch_alter_table("sync_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_marks_template_id"))

    op.drop_table("sync_marks")
    op.drop_table("store_mappings")
    op.drop_table("schedules")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_template_object_started")

    op.drop_table("runs")
    op.drop_table("run_leases")
    op.drop_table("pending_retries")
    op.drop_table("links")
    op.drop_table("expense_mappings")
    op.drop_table("templates")
