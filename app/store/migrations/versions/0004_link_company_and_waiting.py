"""links know their SAP company; runs count records that wait

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Existing links were all written for the company their template points at
now, so they take that company. Existing runs waited for nothing. The
index lets a run check in two index seeks that no link of its template
belongs to another company.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("sap_company_db", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE links SET sap_company_db = "
        "(SELECT templates.sap_company_db FROM templates WHERE templates.id = links.template_id)"
    )
    op.create_index("ix_links_template_company", "links", ["template_id", "sap_company_db"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("waiting", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("waiting")
    op.drop_index("ix_links_template_company", table_name="links")
    with op.batch_alter_table("links") as batch:
        batch.drop_column("sap_company_db")
