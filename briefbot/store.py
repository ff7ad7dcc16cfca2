"""The embedded database (SQLite): items, article texts, model outputs, runs, briefs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from briefbot.models import FetchState, Item, ModelCall, SourceResult

SCHEMA_VERSION = 2

# Columns added after a table was first released: (table, column, definition).
ADDED_COLUMNS = [("items", "metadata", "TEXT NOT NULL DEFAULT '{}'")]

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    source_type TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    teaser TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    discussion_url TEXT NOT NULL DEFAULT '',
    score INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    weight REAL NOT NULL DEFAULT 1.0,
    metadata TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (url, source)
);
CREATE INDEX IF NOT EXISTS items_by_time ON items (coalesce(published, first_seen));
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS model_outputs (
    cache_key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    output TEXT NOT NULL,
    seconds REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS model_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER REFERENCES runs (id),
    created_at TEXT NOT NULL,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    cached INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    output TEXT NOT NULL DEFAULT '',
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    report TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS source_results (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    name TEXT NOT NULL,
    source_type TEXT NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT,
    mode TEXT NOT NULL DEFAULT '',
    item_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS source_health (
    address TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source_type TEXT NOT NULL,
    last_status TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    fresh_until TEXT,
    retry_after TEXT,
    final_url TEXT NOT NULL DEFAULT '',
    last_success TEXT,
    last_attempt TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS leaderboard_snapshots (
    source TEXT NOT NULL,
    day TEXT NOT NULL,
    rows TEXT NOT NULL,
    PRIMARY KEY (source, day)
);
CREATE TABLE IF NOT EXISTS brief_items (
    day TEXT NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (day, url, source)
);
"""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


class Store:
    """One SQLite file. Writes are committed as they happen, so a crash loses nothing saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._db:
            self._db.executescript(SCHEMA)
            for table, column, definition in ADDED_COLUMNS:
                known = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in known:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db:
            yield self._db

    # items -----------------------------------------------------------------

    def save_items(self, items: Iterable[Item], seen_at: datetime) -> int:
        """Insert new items and refresh known ones; return how many were new."""
        new = 0
        seen = _iso(seen_at)
        with self._transaction() as db:
            for item in items:
                cursor = db.execute(
                    """
                    INSERT INTO items (url, source, source_type, title, published, first_seen,
                        last_seen, teaser, text, author, discussion_url, score, comments, weight,
                        metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (url, source) DO UPDATE SET
                        title = excluded.title,
                        published = coalesce(items.published, excluded.published),
                        last_seen = excluded.last_seen,
                        teaser = CASE WHEN length(excluded.teaser) > length(items.teaser)
                                      THEN excluded.teaser ELSE items.teaser END,
                        text = CASE WHEN length(excluded.text) > length(items.text)
                                    THEN excluded.text ELSE items.text END,
                        score = max(items.score, excluded.score),
                        comments = max(items.comments, excluded.comments),
                        weight = excluded.weight,
                        metadata = excluded.metadata
                    RETURNING first_seen = last_seen AS is_new
                    """,
                    (
                        item.url,
                        item.source,
                        item.source_type,
                        item.title,
                        _iso(item.published) if item.published else None,
                        seen,
                        seen,
                        item.teaser,
                        item.text,
                        item.author,
                        item.discussion_url,
                        item.score,
                        item.comments,
                        item.weight,
                        json.dumps(item.metadata),
                    ),
                )
                new += cursor.fetchone()["is_new"]
        return new

    def items_between(self, start: datetime, end: datetime) -> list[Item]:
        """Items dated (else first seen) in [start, end)."""
        rows = self._db.execute(
            """
            SELECT * FROM items
            WHERE coalesce(published, first_seen) >= ? AND coalesce(published, first_seen) < ?
            ORDER BY coalesce(published, first_seen) DESC, url, source
            """,
            (_iso(start), _iso(end)),
        ).fetchall()
        return [self._item(row) for row in rows]

    def briefed_before(self, day: date) -> dict[str, set[str]]:
        """For each URL an earlier brief carried, the sources that brief listed for it."""
        briefed: dict[str, set[str]] = {}
        for row in self._db.execute(
            "SELECT url, source FROM brief_items WHERE day < ?", (day.isoformat(),)
        ):
            briefed.setdefault(row["url"], set()).add(row["source"])
        return briefed

    @staticmethod
    def _item(row: sqlite3.Row) -> Item:
        return Item(
            url=row["url"],
            title=row["title"],
            source=row["source"],
            source_type=row["source_type"],
            published=_parse(row["published"]),
            teaser=row["teaser"],
            text=row["text"],
            author=row["author"],
            discussion_url=row["discussion_url"],
            score=row["score"],
            comments=row["comments"],
            weight=row["weight"],
            metadata=json.loads(row["metadata"]),
        )

    # article texts ---------------------------------------------------------

    def article_text(self, url: str) -> str | None:
        row = self._db.execute("SELECT text FROM articles WHERE url = ?", (url,)).fetchone()
        return row["text"] if row else None

    def save_article_text(self, url: str, text: str, fetched_at: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO articles (url, text, fetched_at) VALUES (?, ?, ?)",
                (url, text, _iso(fetched_at)),
            )

    # model outputs ---------------------------------------------------------

    def cached_output(self, cache_key: str) -> dict | None:
        row = self._db.execute(
            "SELECT output FROM model_outputs WHERE cache_key = ?", (cache_key,)
        ).fetchone()
        return json.loads(row["output"]) if row else None

    def save_output(
        self,
        *,
        cache_key: str,
        backend: str,
        model: str,
        prompt_version: str,
        kind: str,
        input_hash: str,
        output: dict,
        seconds: float,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                """
                INSERT OR REPLACE INTO model_outputs (cache_key, backend, model, prompt_version,
                    kind, input_hash, output, seconds, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    cache_key,
                    backend,
                    model,
                    prompt_version,
                    kind,
                    input_hash,
                    json.dumps(output, ensure_ascii=False),
                    seconds,
                    _iso(datetime.now(UTC)),
                ),
            )

    # model calls (the audit trail) ------------------------------------------

    def record_model_call(self, call: ModelCall) -> None:
        with self._transaction() as db:
            db.execute(
                """
                INSERT INTO model_calls (run_id, created_at, backend, model, prompt_version, kind,
                    input_hash, cached, ok, error, output, prompt_tokens, completion_tokens,
                    seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    call.run_id,
                    _iso(datetime.now(UTC)),
                    call.backend,
                    call.model,
                    call.prompt_version,
                    call.kind,
                    call.input_hash,
                    call.cached,
                    call.ok,
                    call.error,
                    call.output,
                    call.prompt_tokens,
                    call.completion_tokens,
                    call.seconds,
                ),
            )

    def model_calls(self, limit: int = 20) -> list[dict]:
        """The last `limit` model calls and cache hits, newest first."""
        rows = self._db.execute(
            "SELECT * FROM model_calls ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [dict(row) for row in rows]

    # source health and fetch state ----------------------------------------

    def fetch_states(self) -> dict[str, FetchState]:
        """The remembered fetch state of every source URL."""
        return {
            row["address"]: FetchState(
                etag=row["etag"],
                last_modified=row["last_modified"],
                fresh_until=_parse(row["fresh_until"]),
                retry_after=_parse(row["retry_after"]),
                final_url=row["final_url"],
                last_success=_parse(row["last_success"]),
                last_attempt=_parse(row["last_attempt"]),
                consecutive_failures=row["consecutive_failures"],
                last_error=row["last_error"],
            )
            for row in self._db.execute("SELECT * FROM source_health")
        }

    def save_source_health(self, results: Iterable[SourceResult]) -> None:
        """Record each source's fetch state and how its last run ended."""
        rows = [
            (
                result.address,
                result.name,
                result.source_type,
                result.status,
                state.etag,
                state.last_modified,
                _iso(state.fresh_until) if state.fresh_until else None,
                _iso(state.retry_after) if state.retry_after else None,
                state.final_url,
                _iso(state.last_success) if state.last_success else None,
                _iso(state.last_attempt) if state.last_attempt else None,
                state.consecutive_failures,
                state.last_error,
            )
            for result in results
            if result.address and (state := result.state) is not None
        ]
        with self._transaction() as db:
            db.executemany(
                f"INSERT OR REPLACE INTO source_health VALUES ({', '.join(['?'] * 13)})",
                rows,
            )

    def source_health(self) -> list[dict]:
        rows = self._db.execute("SELECT * FROM source_health ORDER BY name").fetchall()
        return [dict(row) for row in rows]

    # leaderboard snapshots -------------------------------------------------

    def save_snapshot(self, source: str, day: date, rows: Iterable[dict]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO leaderboard_snapshots (source, day, rows) VALUES (?, ?, ?)",
                (source, day.isoformat(), json.dumps(list(rows))),
            )

    def snapshots_before(self, day: date) -> dict[str, list[dict]]:
        """The latest snapshot of each leaderboard taken before `day`."""
        rows = self._db.execute(
            """
            SELECT source, rows FROM leaderboard_snapshots AS s
            WHERE day = (SELECT max(day) FROM leaderboard_snapshots
                         WHERE source = s.source AND day < ?)
            """,
            (day.isoformat(),),
        ).fetchall()
        return {row["source"]: json.loads(row["rows"]) for row in rows}

    # runs and briefs -------------------------------------------------------

    def start_run(self, day: date, started_at: datetime) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (day, started_at) VALUES (?, ?)",
                (day.isoformat(), _iso(started_at)),
            )
        return int(cursor.lastrowid)

    def save_source_results(self, run_id: int, results: Iterable[SourceResult]) -> None:
        with self._transaction() as db:
            db.executemany(
                """
                INSERT INTO source_results (run_id, name, source_type, ok, error, mode, item_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    (run_id, r.name, r.source_type, r.ok, r.error, r.mode, len(r.items))
                    for r in results
                ],
            )

    def finish_run(self, run_id: int, status: str, report: dict, finished_at: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET status = ?, report = ?, finished_at = ? WHERE id = ?",
                (status, json.dumps(report), _iso(finished_at), run_id),
            )

    def last_run(self, day: date | None = None) -> dict | None:
        """The newest finished-or-not run, of `day` when given."""
        row = self._db.execute(
            "SELECT * FROM runs WHERE ? IS NULL OR day = ? ORDER BY id DESC LIMIT 1",
            (day and day.isoformat(), day and day.isoformat()),
        ).fetchone()
        return dict(row) | {"report": json.loads(row["report"])} if row else None

    def mark_briefed(self, day: date, entries: list[tuple[str, str]]) -> None:
        """Record the (url, source) pairs a day's brief used, replacing an earlier run's."""
        with self._transaction() as db:
            db.execute("DELETE FROM brief_items WHERE day = ?", (day.isoformat(),))
            db.executemany(
                "INSERT OR IGNORE INTO brief_items (day, url, source, position)"
                " VALUES (?, ?, ?, ?)",
                [(day.isoformat(), url, source, n) for n, (url, source) in enumerate(entries)],
            )
