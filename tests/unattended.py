"""Helpers for tests of unattended runs: `briefbot` as a real subprocess, its config, its store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from briefbot.migrate import head_revision
from tests.conftest import ROOT

DEAD_FEED = {"type": "rss", "name": "Dead feed", "url": "http://127.0.0.1:9/feed.xml"}

EVENTS = [
    (
        "Lumora releases Nova 2 32B under Apache 2.0",
        "Lumora released Nova 2 32B, a 32-billion-parameter language model, under the Apache "
        "2.0 licence. It reads 128,000 tokens of context and needs 20 GB of memory at 4-bit "
        "precision, so it fits one RTX 3090. ",
    ),
    (
        "Quillon ships Tern 7B speech recogniser for phones",
        "Quillon's Tern 7B transcribes speech in forty languages offline on Android handsets. "
        "Benchmarks from Quillon show word error falling by a third against Whisper medium on "
        "noisy street recordings. ",
    ),
    (
        "Harbor Labs patches CVE-2026-1234 in Kestrel serving daemon",
        "Harbor Labs fixed a remote code execution hole, CVE-2026-1234, in Kestrel 3.1. "
        "Administrators running the daemon behind public load balancers should upgrade today; "
        "version 3.0 is also affected. ",
    ),
]


def event_feed(now: datetime) -> str:
    """An RSS feed of three unrelated events, each with enough text to be written from."""
    entries = []
    for number, (title, text) in enumerate(EVENTS):
        published = format_datetime(now - timedelta(hours=number + 1))
        entries.append(
            f"<item><title>{title}</title><link>https://news.example/{number}</link>"
            f"<description>{text * 5}</description><pubDate>{published}</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"<link>https://news.example/</link>{''.join(entries)}</channel></rss>"
    )


def write_config(path: Path, mapping: dict) -> Path:
    path.write_text(json.dumps(mapping), encoding="utf-8")  # JSON is YAML
    return path


def briefbot(*arguments: str, **options: object) -> subprocess.CompletedProcess:
    """Run `briefbot` to its end."""
    return subprocess.run(
        [sys.executable, "-m", "briefbot", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        **options,
    )


def start_briefbot(*arguments: str, log: Path) -> subprocess.Popen:
    """Start `briefbot` in the background, its stderr going to `log`."""
    with log.open("w") as stream:
        return subprocess.Popen(
            [sys.executable, "-m", "briefbot", *arguments],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stream,
            text=True,
        )


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def store_ready(database: Path) -> bool:
    """Whether a briefbot process has opened the SQLite store at `database`, which brings its
    schema to the newest revision; until then its tables may not exist."""
    if not database.exists():
        return False
    connection = sqlite3.connect(database, timeout=30)
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            raise
        return False
    finally:
        connection.close()
    return revision == [(head_revision(),)]


def query(database: Path, sql: str, *parameters: object) -> list[tuple]:
    """Rows from the store, read by a separate connection as another process would. The store
    must have been opened already (see `store_ready`): any SQLite error is the test's failure."""
    if not database.exists():
        raise AssertionError(f"no store at {database}: wait for store_ready() first")
    connection = sqlite3.connect(database, timeout=30)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def utc_now() -> datetime:
    return datetime.now(UTC)
