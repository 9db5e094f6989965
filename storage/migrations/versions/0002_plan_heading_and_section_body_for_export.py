"""plan heading and section body for export

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 01:57:46.882633
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        # Existing plans get an empty heading: the exporter then writes the title alone.
        batch_op.add_column(sa.Column("heading", sqlmodel.sql.sqltypes.AutoString(), server_default="", nullable=False))

    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_column("body")

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("heading")
