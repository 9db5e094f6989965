"""Slack installations and OAuth states, for installing the app in several workspaces

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 02:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _tables() -> sa.MetaData:
    # The tables are slack_sdk's own (what its SQLAlchemy stores read and write), built by its own builders.
    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


def upgrade() -> None:
    _tables().create_all(bind=op.get_bind())


def downgrade() -> None:
    _tables().drop_all(bind=op.get_bind())
