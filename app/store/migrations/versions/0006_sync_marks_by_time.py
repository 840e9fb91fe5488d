"""marks are found by template, kind and time marked

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

An incremental run asks for the marks made since its last complete run (the
records marked but not yet linked); the index makes that a seek instead of a
scan of every mark of the template.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_sync_marks_template_kind_marked", "sync_marks", ["template_id", "kind", "marked_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_sync_marks_template_kind_marked", table_name="sync_marks")
