"""Deliveries of briefs to chat and notification channels: one row per (brief, day, channel).

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_deliveries",
        sa.Column("brief", sa.Text, primary_key=True),
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("posts_sent", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("channel_deliveries")
