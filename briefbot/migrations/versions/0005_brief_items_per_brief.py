"""Each brief keeps its own record of the stories it carried: `brief_items` gains the brief's
name (`""` for the config's own brief) in its primary key.

Before, several briefs of one run replaced each other's record of the day, so only the last
brief's stories were remembered. Existing rows are kept and given to the config's own brief.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = "day, url, source, position"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("brief_items", sa.Column("brief", sa.Text, nullable=False, server_default=""))
        op.drop_constraint("brief_items_pkey", "brief_items", type_="primary")
        op.create_primary_key("brief_items_pkey", "brief_items", ["day", "brief", "url", "source"])
        return
    # SQLite cannot change a primary key in place: a new table, the rows copied, renamed.
    _new_table(brief=True)
    op.execute(f"INSERT INTO brief_items_new ({COLUMNS}) SELECT {COLUMNS} FROM brief_items")
    op.drop_table("brief_items")
    op.rename_table("brief_items_new", "brief_items")


def downgrade() -> None:
    op.execute("DELETE FROM brief_items WHERE brief <> ''")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("brief_items_pkey", "brief_items", type_="primary")
        op.drop_column("brief_items", "brief")
        op.create_primary_key("brief_items_pkey", "brief_items", ["day", "url", "source"])
        return
    _new_table(brief=False)
    op.execute(f"INSERT INTO brief_items_new ({COLUMNS}) SELECT {COLUMNS} FROM brief_items")
    op.drop_table("brief_items")
    op.rename_table("brief_items_new", "brief_items")


def _new_table(brief: bool) -> None:
    key = ["day", "brief", "url", "source"] if brief else ["day", "url", "source"]
    op.create_table(
        "brief_items_new",
        sa.Column("day", sa.Text, nullable=False),
        *([sa.Column("brief", sa.Text, nullable=False, server_default="")] if brief else []),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(*key),
    )
