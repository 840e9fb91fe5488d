"""change stamps: a revision per kind of shared data, for open clients to follow

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPES = ("marks", "schedules", "templates")


def upgrade() -> None:
    table = op.create_table(
        "change_stamps",
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_by", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_change_stamps")),
    )
    op.bulk_insert(table, [{"scope": scope, "revision": 0} for scope in SCOPES])


def downgrade() -> None:
    op.drop_table("change_stamps")
