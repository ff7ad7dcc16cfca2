"""The stories each brief carried, with the names that tie a later story to them: story threads
across days ("Previously, 2026-11-30: ...").

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brief_stories",
        sa.Column("brief", sa.Text, primary_key=True, server_default=""),
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("names", sa.Text, nullable=False, server_default="[]"),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("brief_stories")
