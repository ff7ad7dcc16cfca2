"""The schema as briefbot kept it before migrations: items to deliveries.

A database made by that briefbot (SQLite, no `alembic_version` table) is adopted: the tables it
has are kept with their rows, ones it lacks are made, and a column added to a table after the
table's first release (`ADDED_COLUMNS`) is added where missing. On PostgreSQL a
case-insensitive collation `nocase` is made for the e-mail columns; SQLite has one built in.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ADDED_COLUMNS = [("items", sa.Column("metadata", sa.Text, nullable=False, server_default="{}"))]

TABLES = [
    "items",
    "articles",
    "model_outputs",
    "runs",
    "source_results",
    "source_health",
    "leaderboard_snapshots",
    "brief_items",
    "subscribers",
    "deliveries",
    "meta",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE COLLATION IF NOT EXISTS nocase"
            " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
        )
    found = sa.inspect(bind)
    for table, column in ADDED_COLUMNS:
        if found.has_table(table) and column.name not in _column_names(found, table):
            op.add_column(table, column)
    _create_tables()


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)


def _column_names(found: sa.Inspector, table: str) -> set[str]:
    return {column["name"] for column in found.get_columns(table)}


def _create_tables() -> None:
    text, integer, nocase = sa.Text, sa.Integer, sa.Text(collation="nocase")

    def required(name: str, kind: sa.types.TypeEngine = text, default: str | None = None):
        return sa.Column(name, kind, nullable=False, server_default=default)

    def optional(name: str) -> sa.Column:
        return sa.Column(name, text)

    op.create_table(
        "items",
        required("url"),
        required("source"),
        required("source_type"),
        required("title"),
        optional("published"),
        required("first_seen"),
        required("last_seen"),
        required("teaser", default=""),
        required("text", default=""),
        required("author", default=""),
        required("discussion_url", default=""),
        required("score", integer, "0"),
        required("comments", integer, "0"),
        required("weight", sa.Float, "1.0"),
        required("metadata", default="{}"),
        sa.PrimaryKeyConstraint("url", "source"),
        if_not_exists=True,
    )
    op.create_index(
        "items_by_time",
        "items",
        [sa.func.coalesce(sa.column("published"), sa.column("first_seen"))],
        if_not_exists=True,
    )
    op.create_table(
        "articles",
        sa.Column("url", text, primary_key=True),
        required("text"),
        required("fetched_at"),
        if_not_exists=True,
    )
    op.create_table(
        "model_outputs",
        sa.Column("cache_key", text, primary_key=True),
        required("backend"),
        required("model"),
        required("prompt_version"),
        required("kind"),
        required("input_hash"),
        required("output"),
        required("seconds", sa.Float),
        required("created_at"),
        if_not_exists=True,
    )
    op.create_table(
        "runs",
        sa.Column("id", integer, primary_key=True),
        required("day"),
        required("started_at"),
        optional("finished_at"),
        required("status", default="running"),
        required("report", default="{}"),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_table(
        "source_results",
        sa.Column("run_id", integer, sa.ForeignKey("runs.id"), nullable=False),
        required("name"),
        required("source_type"),
        required("ok", sa.Boolean),
        optional("error"),
        required("mode", default=""),
        required("item_count", integer),
        if_not_exists=True,
    )
    op.create_table(
        "source_health",
        sa.Column("address", text, primary_key=True),
        required("name"),
        required("source_type"),
        required("last_status"),
        required("etag", default=""),
        required("last_modified", default=""),
        optional("fresh_until"),
        optional("retry_after"),
        required("final_url", default=""),
        optional("last_success"),
        optional("last_attempt"),
        required("consecutive_failures", integer, "0"),
        required("last_error", default=""),
        if_not_exists=True,
    )
    op.create_table(
        "leaderboard_snapshots",
        required("source"),
        required("day"),
        required("rows"),
        sa.PrimaryKeyConstraint("source", "day"),
        if_not_exists=True,
    )
    op.create_table(
        "brief_items",
        required("day"),
        required("url"),
        required("source"),
        required("position", integer),
        sa.PrimaryKeyConstraint("day", "url", "source"),
        if_not_exists=True,
    )
    op.create_table(
        "subscribers",
        sa.Column("email", nocase, primary_key=True),
        required("status"),
        required("created_at"),
        optional("confirmed_at"),
        optional("unsubscribed_at"),
        optional("last_mailed_at"),
        if_not_exists=True,
    )
    op.create_table(
        "deliveries",
        required("day"),
        required("email", nocase),
        required("status"),
        required("message_id"),
        required("claimed_at"),
        optional("finished_at"),
        required("error", default=""),
        sa.PrimaryKeyConstraint("day", "email"),
        if_not_exists=True,
    )
    op.create_table(
        "meta",
        sa.Column("key", text, primary_key=True),
        required("value"),
        if_not_exists=True,
    )
