"""Items known by an identity key: `items` keyed by (source, item_key) instead of (url, source).

The key is the item's canonical URL, or `url#guid` for the entries of one feed that share a link
and carry distinct GUIDs (each its own item). Existing rows keep their URL as their key. SQLite
cannot change a primary key in place, so there the table is rebuilt with its rows.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    "url source source_type title published first_seen last_seen teaser text author"
    " discussion_url score comments weight metadata"
).split()


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("items", sa.Column("item_key", sa.Text, nullable=False, server_default=""))
        op.execute("UPDATE items SET item_key = url")
        op.alter_column("items", "item_key", server_default=None)
        op.drop_constraint("items_pkey", "items", type_="primary")
        op.create_primary_key("items_pkey", "items", ["source", "item_key"])
        return
    _rebuild("items_keyed", ["source", "item_key"], "url")


def downgrade() -> None:
    """Back to one item per (url, source): of the entries sharing a link, one is kept."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DELETE FROM items a USING items b WHERE a.url = b.url AND a.source = b.source"
            " AND a.item_key > b.item_key"
        )
        op.drop_constraint("items_pkey", "items", type_="primary")
        op.drop_column("items", "item_key")
        op.create_primary_key("items_pkey", "items", ["url", "source"])
        return
    _rebuild("items_by_url", ["url", "source"], None)


def _rebuild(temporary: str, key: list[str], item_key_from: str | None) -> None:
    """SQLite: a new items table with primary key `key`, the rows copied (item_key from the
    column `item_key_from`, or no item_key column), then put in the old one's place."""
    text = sa.Text

    def required(name: str, kind: sa.types.TypeEngine = text, default: str | None = None):
        return sa.Column(name, kind, nullable=False, server_default=default)

    op.create_table(
        temporary,
        required("source"),
        *([required("item_key")] if item_key_from else []),
        required("url"),
        required("source_type"),
        required("title"),
        sa.Column("published", text),
        required("first_seen"),
        required("last_seen"),
        required("teaser", default=""),
        required("text", default=""),
        required("author", default=""),
        required("discussion_url", default=""),
        required("score", sa.Integer, "0"),
        required("comments", sa.Integer, "0"),
        required("weight", sa.Float, "1.0"),
        required("metadata", default="{}"),
        sa.PrimaryKeyConstraint(*key),
    )
    columns = ", ".join(COLUMNS)
    if item_key_from:
        op.execute(
            f"INSERT INTO {temporary} ({columns}, item_key)"
            f" SELECT {columns}, {item_key_from} FROM items"
        )
    else:
        op.execute(f"INSERT OR IGNORE INTO {temporary} ({columns}) SELECT {columns} FROM items")
    op.drop_table("items")  # its index goes with it
    op.rename_table(temporary, "items")
    op.create_index(
        "items_by_time",
        "items",
        [sa.func.coalesce(sa.column("published"), sa.column("first_seen"))],
    )
