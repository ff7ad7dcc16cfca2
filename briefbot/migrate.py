"""Bring a database to the newest schema with Alembic, as the store opens it.

The revisions live in `briefbot/migrations/versions/`, inside the package, so a wheel carries
them. Opening a database that is already at the newest revision costs two small queries. Two
processes opening a new database at once do not both migrate it: on PostgreSQL the migration
holds an advisory lock for its transaction, on SQLite its transaction takes the write lock as it
begins (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from briefbot.database import advisory_key

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def head_revision() -> str:
    """The newest schema revision this briefbot knows."""
    return _scripts().get_current_head()


def upgrade(engine: Engine) -> None:
    """Apply every revision the database lacks, in one transaction."""
    head = head_revision()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
    options = {"sqlite_begin": "BEGIN IMMEDIATE"}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": advisory_key(connection, "migrate")},
            )
        log.info("migrating the database to schema revision %s", head)
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())
