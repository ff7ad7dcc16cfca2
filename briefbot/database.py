"""Where the store lives: a SQLite file (the default) or a database URL such as PostgreSQL's,
and an SQLAlchemy engine for it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text

# A SQLite file's path, or an SQLAlchemy URL: `postgresql+psycopg://user@host/db`, `sqlite:///f`.
Database = Path | str

URL_ENV = "BRIEFBOT_DATABASE_URL"

# The help of the commands' `--db` option.
LOCATION_HELP = (
    "SQLite file or database URL (default: database_url, else briefbot.db beside the config)"
)


def database_location(text: str) -> Database:
    """A `--db` argument: a URL when it has `://`, else a SQLite file's path."""
    return text if "://" in text else Path(text)


def chosen_database(
    flag: Database | None,
    database_url: str | None,
    database: str | None,
    home: Path,
    environ: Mapping[str, str] = os.environ,
) -> Database:
    """`--db`, else BRIEFBOT_DATABASE_URL, else the config's `database_url` or `database` (a
    SQLite path), else `briefbot.db` in `home` (the config's folder)."""
    return flag or environ.get(URL_ENV) or database_url or Path(database or home / "briefbot.db")


def database_url(location: Database) -> URL:
    """The SQLAlchemy URL of a database; a path names a SQLite file."""
    if isinstance(location, Path):
        return URL.create("sqlite", database=str(location.resolve()))
    return make_url(location)


def shown(location: Database) -> str:
    """The database as messages name it: its path, or its URL without the password."""
    if isinstance(location, Path):
        return str(location)
    return database_url(location).render_as_string(hide_password=True)


def sqlite_file(location: Database) -> Path | None:
    """The file of a SQLite database; None for a server database."""
    url = database_url(location)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def open_engine(location: Database, busy_seconds: float | None = None) -> Engine:
    """An engine for the database; a SQLite file (and its folder) is made when missing.

    SQLite runs in WAL mode with foreign keys on and waits up to `busy_seconds` (default 30 s)
    for a writer, and each transaction is a real `BEGIN` (the sqlite3 module would leave DDL
    outside any transaction, so a migration could be half-applied). A connection with the
    execution option `sqlite_begin="BEGIN IMMEDIATE"` takes the write lock as its transaction
    begins. On PostgreSQL, `busy_seconds` (when given) bounds connecting and each wait for a
    lock (`lock_timeout`); past it a statement fails with sqlalchemy's OperationalError."""
    url = database_url(location)
    if (path := sqlite_file(location)) is None:
        if busy_seconds is None:
            return create_engine(url, pool_pre_ping=True)
        engine = create_engine(
            url, pool_pre_ping=True, connect_args={"connect_timeout": max(1, round(busy_seconds))}
        )

        @event.listens_for(engine, "connect")
        def _bounded_waits(dbapi_connection: object, record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute(f"SET lock_timeout = {round(busy_seconds * 1000)}")
            cursor.close()
            dbapi_connection.commit()  # type: ignore[attr-defined]  # a SET outlives only a commit

        return engine
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": 30 if busy_seconds is None else busy_seconds}
    )

    @event.listens_for(engine, "connect")
    def _connected(dbapi_connection: object, record: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine


def advisory_key(connection: Connection, purpose: str) -> int:
    """A PostgreSQL advisory lock key (signed 64 bits) for one purpose (`run`, `send`,
    `migrate`) in the connection's schema: advisory locks are per database, and one database
    may hold several briefbot stores, one a schema."""
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    digest = hashlib.sha256(f"briefbot:{purpose}:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
