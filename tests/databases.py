"""The two databases the store runs on, for tests: a SQLite file, and a PostgreSQL schema of its
own in the database that BRIEFBOT_TEST_POSTGRES_URL names (`.ci/postgres` starts one)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

POSTGRES_ENV = "BRIEFBOT_TEST_POSTGRES_URL"


def postgres_url() -> str:
    """The test server's URL; skips the test without one, fails it under CI (CI=true)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        reason = f"{POSTGRES_ENV} is not set (.ci/postgres starts a server and prints one)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test PostgreSQL: {reason}")
        pytest.skip(reason)
    return url


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped after."""
    base = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
