"""The store's tables, one `Table` each: what the queries in `store.py` are written against.

Times are ISO 8601 text in UTC and structured values JSON text, the same on SQLite and
PostgreSQL. A change here needs a migration that makes it: a new file in
`briefbot/migrations/versions/` (see 0001 for the shape).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
)

# Case-insensitive e-mail addresses: SQLite's built-in collation; on PostgreSQL a collation of
# the same name that migration 0001 makes.
NOCASE = "nocase"

metadata = MetaData()

# An item is known by its source and its identity key (`Item.identity`): its canonical URL, or
# `url#guid` for entries of one feed that share a link (migration 0004).
items = Table(
    "items",
    metadata,
    Column("source", Text, primary_key=True),
    Column("item_key", Text, primary_key=True),
    Column("url", Text, nullable=False),
    Column("source_type", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("published", Text),
    Column("first_seen", Text, nullable=False),
    Column("last_seen", Text, nullable=False),
    Column("teaser", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("author", Text, nullable=False, server_default=""),
    Column("discussion_url", Text, nullable=False, server_default=""),
    Column("score", Integer, nullable=False, server_default="0"),
    Column("comments", Integer, nullable=False, server_default="0"),
    Column("weight", Float, nullable=False, server_default="1.0"),
    Column("metadata", Text, nullable=False, server_default="{}"),
)
item_time = func.coalesce(items.c.published, items.c.first_seen)
Index("items_by_time", item_time)

articles = Table(
    "articles",
    metadata,
    Column("url", Text, primary_key=True),
    Column("text", Text, nullable=False),
    Column("fetched_at", Text, nullable=False),
)

model_outputs = Table(
    "model_outputs",
    metadata,
    Column("cache_key", Text, primary_key=True),
    Column("backend", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("prompt_version", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("input_hash", Text, nullable=False),
    Column("output", Text, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("created_at", Text, nullable=False),
)

model_calls = Table(
    "model_calls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("created_at", Text, nullable=False),
    Column("backend", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("prompt_version", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("input_hash", Text, nullable=False),
    Column("cached", Boolean, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text, nullable=False, server_default=""),
    Column("output", Text, nullable=False, server_default=""),
    Column("prompt_tokens", Integer, nullable=False, server_default="0"),
    Column("completion_tokens", Integer, nullable=False, server_default="0"),
    Column("seconds", Float, nullable=False, server_default="0"),
    Index("model_calls_by_run", "run_id"),
    sqlite_autoincrement=True,
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("finished_at", Text),
    Column("status", Text, nullable=False, server_default="running"),
    Column("report", Text, nullable=False, server_default="{}"),
    sqlite_autoincrement=True,
)

source_results = Table(
    "source_results",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("source_type", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text),
    Column("mode", Text, nullable=False, server_default=""),
    Column("item_count", Integer, nullable=False),
)

source_health = Table(
    "source_health",
    metadata,
    Column("address", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("source_type", Text, nullable=False),
    Column("last_status", Text, nullable=False),
    Column("etag", Text, nullable=False, server_default=""),
    Column("last_modified", Text, nullable=False, server_default=""),
    Column("fresh_until", Text),
    Column("retry_after", Text),
    Column("final_url", Text, nullable=False, server_default=""),
    Column("last_success", Text),
    Column("last_attempt", Text),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("moved_to", Text, nullable=False, server_default=""),
    Column("gone_since", Text),
)

leaderboard_snapshots = Table(
    "leaderboard_snapshots",
    metadata,
    Column("source", Text, primary_key=True),
    Column("day", Text, primary_key=True),
    Column("rows", Text, nullable=False),
)

brief_items = Table(  # the stories each brief carried on each day: its repeat record
    "brief_items",
    metadata,
    Column("day", Text, primary_key=True),
    Column("brief", Text, primary_key=True, server_default=""),  # "" for the config's own
    Column("url", Text, primary_key=True),  # the item's identity key: its URL, or url#guid
    Column("source", Text, primary_key=True),
    Column("position", Integer, nullable=False),
)

brief_stories = Table(  # the stories each brief carried: the threads a later story continues
    "brief_stories",
    metadata,
    Column("brief", Text, primary_key=True, server_default=""),  # "" for the config's own
    Column("day", Text, primary_key=True),
    Column("position", Integer, primary_key=True),  # the story's number in that brief, from 1
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("names", Text, nullable=False, server_default="[]"),  # JSON list (pick/threads.py)
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("email", Text(collation=NOCASE), primary_key=True),
    Column("status", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("confirmed_at", Text),
    Column("unsubscribed_at", Text),
    Column("last_mailed_at", Text),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("day", Text, primary_key=True),
    Column("email", Text(collation=NOCASE), primary_key=True),
    Column("status", Text, nullable=False),
    Column("message_id", Text, nullable=False),
    Column("claimed_at", Text, nullable=False),
    Column("finished_at", Text),
    Column("error", Text, nullable=False, server_default=""),
)

channel_deliveries = Table(
    "channel_deliveries",
    metadata,
    Column("brief", Text, primary_key=True),  # "" for the config's own brief
    Column("day", Text, primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("status", Text, nullable=False),  # claimed, sending, sent, failed
    Column("posts_sent", Integer, nullable=False, server_default="0"),  # accepted, in order
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_at", Text, nullable=False),
    Column("finished_at", Text),
    Column("error", Text, nullable=False, server_default=""),
)

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
