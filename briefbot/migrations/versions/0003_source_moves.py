"""Source health remembers a permanent move (301, 308) and a 410 Gone.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_health") as table:  # SQLite alters by copying the table
        table.add_column(sa.Column("moved_to", sa.Text, nullable=False, server_default=""))
        table.add_column(sa.Column("gone_since", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("source_health") as table:
        table.drop_column("gone_since")
        table.drop_column("moved_to")
