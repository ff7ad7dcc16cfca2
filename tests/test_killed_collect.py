"""Nothing collected is lost when a run dies: the collect stage is SIGKILLed right after each of
its database commits in turn (tests/kill_collect.py), and the next run still stores every item,
although the feeds answer `304 Not Modified` (or are not asked, while fresh) for what the killed
run already has. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from briefbot import tables
from briefbot.database import open_engine
from tests.conftest import ROOT, FeedServer
from tests.databases import fresh_postgres_schema
from tests.unattended import utc_now, write_config


def _feed(server: FeedServer, name: str, count: int) -> str:
    """An RSS feed whose entries link to pages on the test server."""
    now = utc_now()
    entries = "".join(
        f"<item><title>{name} story {n}</title><link>{server.url(f'/{name}/{n}')}</link>"
        f"<description>What happened at {name}, part {n}.</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n + 1))}</pubDate></item>"
        for n in range(count)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>{server.url('/')}</link>{entries}</channel></rss>"
    )


def _leaderboard() -> str:
    rows = [
        ("Nova 2 32B", "Lumora", "Open Weight", 81.5),
        ("Atlas Pro", "Skyward", "Proprietary", 84.0),
        ("Tern 7B", "Quillon", "Open Weight", 70.25),
    ]
    items = [
        {"rank": rank, "model": model, "creator": creator, "sourceType": kind, "displayScore": s}
        for rank, (model, creator, kind, s) in enumerate(rows, start=1)
    ]
    return json.dumps({"schemaVersion": "1.0", "items": items})


def _sources(server: FeedServer) -> list[dict]:
    """Sources whose servers remember: ETag, Last-Modified, and a fresh max-age answer."""
    tagged = server.serve("/tagged.xml", _feed(server, "tagged", 3), etag='"t1"')
    dated = server.serve(
        "/dated.xml", _feed(server, "dated", 2), last_modified="Mon, 29 Jun 2026 10:00:00 GMT"
    )
    fresh = server.serve(
        "/fresh.xml",
        _feed(server, "fresh", 2),
        etag='"f1"',
        headers={"Cache-Control": "max-age=3600"},
    )
    board = server.serve(
        "/board.json", _leaderboard(), content_type="application/json", etag='"b1"'
    )
    return [
        {"type": "rss", "name": "Tagged", "url": tagged},
        {"type": "rss", "name": "Dated", "url": dated},
        {"type": "rss", "name": "Fresh", "url": fresh},
        {"type": "leaderboard", "name": "Board", "url": board},
    ]


@contextmanager
def _fresh_store(kind: str, folder: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / f"{name}.db")
    else:
        with fresh_postgres_schema() as url:
            yield url


def _collect(config: Path, database: str, kill_after: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.kill_collect", str(config), database, str(kill_after)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _stored(database: str) -> set[tuple[str, str]]:
    engine = open_engine(database if "://" in database else Path(database))
    try:
        with engine.connect() as db:
            return set(db.execute(select(tables.items.c.url, tables.items.c.source)).all())
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_run_killed_after_any_collect_commit_loses_no_item(kind, feed_server, tmp_path):
    config = write_config(
        tmp_path / "sources.yaml",
        {
            "title": "t",
            "sources": _sources(feed_server),
            "fetch": {"timeout_seconds": 5},
            "model": {"embedded": {"model": "smollm2-135m", "threads": 1}},  # never loaded
        },
    )
    with _fresh_store(kind, tmp_path, "whole") as database:
        whole = _collect(config, database, kill_after=0)
        assert whole.returncode == 0, whole.stderr
        commits = json.loads(whole.stdout)["collect_commits"]
        everything = _stored(database)
    sources = {source for _, source in everything}
    assert sources == {"Tagged", "Dated", "Fresh", "Board"} and len(everything) >= 8
    assert commits >= 1

    for kill_after in range(1, commits + 1):
        with _fresh_store(kind, tmp_path, f"killed-{kill_after}") as database:
            killed = _collect(config, database, kill_after)
            assert killed.returncode == -signal.SIGKILL, (kill_after, killed.stderr)
            again = _collect(config, database, kill_after=0)
            assert again.returncode == 0, again.stderr
            assert _stored(database) == everything, f"killed after commit {kill_after}"
    # the runs after a kill did use what the killed runs had stored: 304s, and a fresh feed
    # that was not asked again
    assert feed_server.not_modified > 0
    assert feed_server.hits["/fresh.xml"] < 1 + 2 * commits
