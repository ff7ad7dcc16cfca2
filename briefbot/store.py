"""The store (SQLite or PostgreSQL): items, article texts, model outputs, runs, briefs,
subscribers, mail deliveries and channel deliveries. The tables are in `py`, their migrations in
`migrations/`."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from briefbot import tables
from briefbot.database import Database, open_engine
from briefbot.migrate import upgrade
from briefbot.models import EarlierStory, FetchState, Item, ModelCall, SourceResult
from briefbot.tables import item_time


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _iso_or_none(moment: datetime | None) -> str | None:
    return _iso(moment) if moment else None


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


def _upsert(db: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT with ON CONFLICT clauses, in the connection's dialect."""
    dialect = postgresql if db.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _longer(table: Table, new: Any, column: str) -> Any:
    """The longer of the stored and the new text."""
    old = table.c[column]
    return case((func.length(new[column]) > func.length(old), new[column]), else_=old)


def _larger(table: Table, new: Any, column: str) -> Any:
    old = table.c[column]
    return case((new[column] > old, new[column]), else_=old)


class Store:
    """One database, a SQLite file or a URL. Writes are committed as they happen, so a crash
    loses nothing saved; the database is migrated to the newest schema when opened."""

    def __init__(self, database: Database, busy_seconds: float | None = None) -> None:
        """`busy_seconds`: how long a statement waits for another writer's lock before it
        fails with sqlalchemy's OperationalError (default: 30 s on SQLite, no limit on
        PostgreSQL)."""
        self.database = database
        self._engine = open_engine(database, busy_seconds)
        upgrade(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, immediate: bool = False) -> Iterator[Connection]:
        """A write transaction, committed at the end of the block; `immediate` takes SQLite's
        write lock as it begins (a read in it then sees the newest data)."""
        options = {"sqlite_begin": "BEGIN IMMEDIATE"} if immediate else {}
        with self._engine.connect().execution_options(**options) as db, db.begin():
            yield db

    def _rows(self, query: Any) -> list[dict]:
        with self._engine.connect() as db:
            return [dict(row) for row in db.execute(query).mappings()]

    def _row(self, query: Any) -> dict | None:
        rows = self._rows(query)
        return rows[0] if rows else None

    # items -----------------------------------------------------------------

    def save_items(self, items: Iterable[Item], seen_at: datetime) -> int:
        """Insert new items and refresh known ones; return how many were new."""
        with self._transaction() as db:
            return len(self._write_items(db, items, seen_at))

    def save_collected(
        self, run_id: int, day: date, result: SourceResult, seen_at: datetime
    ) -> set[tuple[str, str]]:
        """One source's outcome of a run in one transaction: its items, its leaderboard
        snapshot, its row of the run's results and its fetch state; return the (identity,
        source) keys of the items that were new.

        The fetch state holds the validators (`ETag`, `Last-Modified`) and freshness that make
        the next run skip the download; committed with the items they cover, a run that dies
        at any point leaves either both or neither, so no item is lost behind a `304`."""
        with self._transaction() as db:
            new = self._write_items(db, result.items, seen_at)
            if result.snapshot:
                self._write_snapshot(db, result.name, day, result.snapshot)
            self._write_source_results(db, run_id, [result])
            self._write_source_health(db, [result])
        return new

    @staticmethod
    def _write_items(
        db: Connection, items: Iterable[Item], seen_at: datetime
    ) -> set[tuple[str, str]]:
        """Upsert items in the open transaction; the (identity, source) keys of the new ones.

        New means not stored before: looked up first, since two runs in the same second give
        an item the same first and last seen time."""
        items = list(items)
        known: set[tuple[str, str]] = set()
        for source in {item.source for item in items}:
            keys = sorted({item.identity for item in items if item.source == source})
            for chunk in range(0, len(keys), 500):  # within every database's parameter limit
                rows = db.execute(
                    select(tables.items.c.item_key).where(
                        tables.items.c.source == source,
                        tables.items.c.item_key.in_(keys[chunk : chunk + 500]),
                    )
                )
                known |= {(key, source) for (key,) in rows}
        seen = _iso(seen_at)
        query = _upsert(db, tables.items)
        stored = query.excluded
        query = query.on_conflict_do_update(
            index_elements=[tables.items.c.source, tables.items.c.item_key],
            set_={
                "url": stored.url,
                "title": stored.title,
                "published": func.coalesce(tables.items.c.published, stored.published),
                "last_seen": stored.last_seen,
                "teaser": _longer(tables.items, stored, "teaser"),
                "text": _longer(tables.items, stored, "text"),
                "score": _larger(tables.items, stored, "score"),
                "comments": _larger(tables.items, stored, "comments"),
                "weight": stored.weight,
                "metadata": stored.metadata,
            },
        )
        for item in items:
            row = {
                "source": item.source,
                "item_key": item.identity,
                "url": item.url,
                "source_type": item.source_type,
                "title": item.title,
                "published": _iso_or_none(item.published),
                "first_seen": seen,
                "last_seen": seen,
                "teaser": item.teaser,
                "text": item.text,
                "author": item.author,
                "discussion_url": item.discussion_url,
                "score": item.score,
                "comments": item.comments,
                "weight": item.weight,
                "metadata": json.dumps(item.metadata),
            }
            db.execute(query, row)
        return {(item.identity, item.source) for item in items} - known

    def items_between(self, start: datetime, end: datetime) -> list[Item]:
        """Items dated (else first seen) in [start, end)."""
        rows = self._rows(
            select(tables.items)
            .where(item_time >= _iso(start), item_time < _iso(end))
            .order_by(
                item_time.desc(),
                tables.items.c.url,
                tables.items.c.source,
                tables.items.c.item_key,
            )
        )
        return [self._item(row) for row in rows]

    def briefed_before(self, day: date, brief: str = "") -> dict[str, set[str]]:
        """For each item identity (`Item.identity`: a URL, or url#guid) the brief named `brief`
        ("" for the config's own) carried on an earlier day, the sources it listed for it."""
        briefed: dict[str, set[str]] = {}
        query = select(tables.brief_items.c.url, tables.brief_items.c.source).where(
            tables.brief_items.c.day < day.isoformat(), tables.brief_items.c.brief == brief
        )
        for row in self._rows(query):
            briefed.setdefault(row["url"], set()).add(row["source"])
        return briefed

    @staticmethod
    def _item(row: Mapping[str, Any]) -> Item:
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
            key=row["item_key"] if row["item_key"] != row["url"] else "",
        )

    # article texts ---------------------------------------------------------

    def article_text(self, url: str) -> str | None:
        row = self._row(select(tables.articles.c.text).where(tables.articles.c.url == url))
        return row["text"] if row else None

    def save_article_text(self, url: str, text: str, fetched_at: datetime) -> None:
        with self._transaction() as db:
            query = _upsert(db, tables.articles)
            db.execute(
                query.on_conflict_do_update(
                    index_elements=[tables.articles.c.url],
                    set_={"text": query.excluded.text, "fetched_at": query.excluded.fetched_at},
                ),
                {"url": url, "text": text, "fetched_at": _iso(fetched_at)},
            )

    # model outputs ---------------------------------------------------------

    def cached_output(self, cache_key: str) -> dict | None:
        row = self._row(
            select(tables.model_outputs.c.output).where(
                tables.model_outputs.c.cache_key == cache_key
            )
        )
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
        row = {
            "cache_key": cache_key,
            "backend": backend,
            "model": model,
            "prompt_version": prompt_version,
            "kind": kind,
            "input_hash": input_hash,
            "output": json.dumps(output, ensure_ascii=False),
            "seconds": seconds,
            "created_at": _iso(datetime.now(UTC)),
        }
        with self._transaction() as db:
            query = _upsert(db, tables.model_outputs)
            db.execute(
                query.on_conflict_do_update(
                    index_elements=[tables.model_outputs.c.cache_key],
                    set_={name: query.excluded[name] for name in row if name != "cache_key"},
                ),
                row,
            )

    # model calls (the audit trail) ------------------------------------------

    def record_model_call(self, call: ModelCall) -> None:
        """One model call or cache hit in the audit trail."""
        row = dataclasses.asdict(call) | {"created_at": _iso(datetime.now(UTC))}
        with self._transaction() as db:
            db.execute(insert(tables.model_calls).values(**row))

    def model_calls(self, limit: int = 20) -> list[dict]:
        """The last `limit` model calls and cache hits, newest first."""
        return self._rows(
            select(tables.model_calls).order_by(tables.model_calls.c.id.desc()).limit(limit)
        )

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
                moved_to=row["moved_to"],
                gone_since=_parse(row["gone_since"]),
            )
            for row in self._rows(select(tables.source_health))
        }

    def save_source_health(self, results: Iterable[SourceResult]) -> None:
        """Record each source's fetch state and how its last run ended."""
        with self._transaction() as db:
            self._write_source_health(db, results)

    @staticmethod
    def _write_source_health(db: Connection, results: Iterable[SourceResult]) -> None:
        rows = [
            {
                "address": result.address,
                "name": result.name,
                "source_type": result.source_type,
                "last_status": result.status,
                "etag": state.etag,
                "last_modified": state.last_modified,
                "fresh_until": _iso_or_none(state.fresh_until),
                "retry_after": _iso_or_none(state.retry_after),
                "final_url": state.final_url,
                "last_success": _iso_or_none(state.last_success),
                "last_attempt": _iso_or_none(state.last_attempt),
                "consecutive_failures": state.consecutive_failures,
                "last_error": state.last_error,
                "moved_to": state.moved_to,
                "gone_since": _iso_or_none(state.gone_since),
            }
            for result in results
            if result.address and (state := result.state) is not None
        ]
        if not rows:
            return
        query = _upsert(db, tables.source_health)
        db.execute(
            query.on_conflict_do_update(
                index_elements=[tables.source_health.c.address],
                set_={name: query.excluded[name] for name in rows[0] if name != "address"},
            ),
            rows,
        )

    def source_health(self) -> list[dict]:
        return self._rows(select(tables.source_health).order_by(tables.source_health.c.name))

    # leaderboard snapshots -------------------------------------------------

    def save_snapshot(self, source: str, day: date, rows: Iterable[dict]) -> None:
        with self._transaction() as db:
            self._write_snapshot(db, source, day, rows)

    @staticmethod
    def _write_snapshot(db: Connection, source: str, day: date, rows: Iterable[dict]) -> None:
        query = _upsert(db, tables.leaderboard_snapshots)
        db.execute(
            query.on_conflict_do_update(
                index_elements=[
                    tables.leaderboard_snapshots.c.source,
                    tables.leaderboard_snapshots.c.day,
                ],
                set_={"rows": query.excluded.rows},
            ),
            {"source": source, "day": day.isoformat(), "rows": json.dumps(list(rows))},
        )

    def snapshot_history(
        self, source: str, start: date, end: date
    ) -> list[tuple[date, list[dict]]]:
        """A leaderboard's snapshots of the days in [start, end], oldest first."""
        table = tables.leaderboard_snapshots
        rows = self._rows(
            select(table.c.day, table.c.rows)
            .where(
                table.c.source == source,
                table.c.day >= start.isoformat(),
                table.c.day <= end.isoformat(),
            )
            .order_by(table.c.day)
        )
        return [(date.fromisoformat(row["day"]), json.loads(row["rows"])) for row in rows]

    def snapshots_before(self, day: date) -> dict[str, list[dict]]:
        """The latest snapshot of each leaderboard taken before `day`."""
        earlier = tables.leaderboard_snapshots.alias("earlier")
        latest = (
            select(func.max(earlier.c.day))
            .where(earlier.c.source == tables.leaderboard_snapshots.c.source)
            .where(earlier.c.day < day.isoformat())
            .scalar_subquery()
        )
        rows = self._rows(
            select(
                tables.leaderboard_snapshots.c.source, tables.leaderboard_snapshots.c.rows
            ).where(tables.leaderboard_snapshots.c.day == latest)
        )
        return {row["source"]: json.loads(row["rows"]) for row in rows}

    # runs and briefs -------------------------------------------------------

    def start_run(self, day: date, started_at: datetime) -> int:
        with self._transaction() as db:
            return db.execute(
                insert(tables.runs).returning(tables.runs.c.id),
                {"day": day.isoformat(), "started_at": _iso(started_at)},
            ).scalar_one()

    def save_source_results(self, run_id: int, results: Iterable[SourceResult]) -> None:
        with self._transaction() as db:
            self._write_source_results(db, run_id, results)

    @staticmethod
    def _write_source_results(db: Connection, run_id: int, results: Iterable[SourceResult]) -> None:
        rows = [
            {
                "run_id": run_id,
                "name": r.name,
                "source_type": r.source_type,
                "ok": r.ok,
                "error": r.error,
                "mode": r.mode,
                "item_count": len(r.items),
            }
            for r in results
        ]
        if rows:
            db.execute(insert(tables.source_results), rows)

    def finish_run(self, run_id: int, status: str, report: dict, finished_at: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                update(tables.runs)
                .where(tables.runs.c.id == run_id)
                .values(status=status, report=json.dumps(report), finished_at=_iso(finished_at))
            )

    def save_run_report(self, run_id: int, report: dict) -> None:
        """Replace a finished run's report (`run --send` adds what it delivered)."""
        with self._transaction() as db:
            db.execute(
                update(tables.runs)
                .where(tables.runs.c.id == run_id)
                .values(report=json.dumps(report))
            )

    def close_unfinished_runs(self, status: str, error: str, finished_at: datetime) -> int:
        """Give runs still marked running an end (`interrupted`, `failed`) and say why."""
        with self._transaction() as db:
            unfinished = db.execute(
                select(tables.runs.c.id, tables.runs.c.report).where(
                    tables.runs.c.status == "running"
                )
            ).all()
            for run_id, report in unfinished:
                db.execute(
                    update(tables.runs)
                    .where(tables.runs.c.id == run_id)
                    .values(
                        status=status,
                        finished_at=_iso(finished_at),
                        report=json.dumps(json.loads(report) | {"error": error}),
                    )
                )
        return len(unfinished)

    def recent_runs(self, limit: int = 10) -> list[dict]:
        """The newest runs first, each with its report."""
        rows = self._rows(select(tables.runs).order_by(tables.runs.c.id.desc()).limit(limit))
        return [row | {"report": json.loads(row["report"])} for row in rows]

    def last_run(self, day: date | None = None) -> dict | None:
        """The newest finished-or-not run, of `day` when given."""
        query = select(tables.runs).order_by(tables.runs.c.id.desc()).limit(1)
        if day is not None:
            query = query.where(tables.runs.c.day == day.isoformat())
        row = self._row(query)
        return row | {"report": json.loads(row["report"])} if row else None

    def mark_briefed(
        self,
        day: date,
        entries: list[tuple[str, str]],
        brief: str = "",
        stories: Iterable[EarlierStory] = (),
    ) -> None:
        """Record the (item identity, source) pairs the brief named `brief` ("" for the
        config's own) used on `day`, and the stories it carried (for story threads), replacing
        what an earlier run of that day recorded for the same brief; one transaction."""
        record, carried = tables.brief_items, tables.brief_stories
        with self._transaction() as db:
            for table in (record, carried):
                db.execute(
                    delete(table).where(table.c.day == day.isoformat(), table.c.brief == brief)
                )
            if entries:
                db.execute(
                    _upsert(db, record).on_conflict_do_nothing(),
                    [
                        {
                            "day": day.isoformat(),
                            "brief": brief,
                            "url": url,
                            "source": source,
                            "position": n,
                        }
                        for n, (url, source) in enumerate(entries)
                    ],
                )
            rows = [
                {
                    "brief": brief,
                    "day": day.isoformat(),
                    "position": story.position,
                    "title": story.title,
                    "url": story.url,
                    "names": json.dumps(sorted(story.names)),
                }
                for story in stories
            ]
            if rows:
                db.execute(insert(carried), rows)

    def stories_between(self, start: date, end: date, brief: str = "") -> list[EarlierStory]:
        """The stories the brief named `brief` carried on the days in [start, end), oldest
        first."""
        carried = tables.brief_stories
        query = (
            select(carried)
            .where(
                carried.c.brief == brief,
                carried.c.day >= start.isoformat(),
                carried.c.day < end.isoformat(),
            )
            .order_by(carried.c.day, carried.c.position)
        )
        return [
            EarlierStory(
                date.fromisoformat(row["day"]),
                row["position"],
                row["title"],
                row["url"],
                frozenset(json.loads(row["names"])),
            )
            for row in self._rows(query)
        ]

    # subscribers -----------------------------------------------------------

    def request_subscription(self, email: str, now: datetime) -> str:
        """A form sign-up: a new or unsubscribed address becomes pending; return its status."""
        with self._transaction() as db:
            query = _upsert(db, tables.subscribers)
            db.execute(
                query.on_conflict_do_update(
                    index_elements=[tables.subscribers.c.email],
                    set_={"status": "pending", "created_at": query.excluded.created_at},
                    where=tables.subscribers.c.status == "unsubscribed",
                ),
                {"email": email, "status": "pending", "created_at": _iso(now)},
            )
        return self.subscriber(email)["status"]

    def add_subscriber(self, email: str, now: datetime) -> None:
        """An operator's sign-up: the address is confirmed at once."""
        with self._transaction() as db:
            query = _upsert(db, tables.subscribers)
            db.execute(
                query.on_conflict_do_update(
                    index_elements=[tables.subscribers.c.email],
                    set_={
                        "status": "confirmed",
                        "confirmed_at": query.excluded.confirmed_at,
                        "unsubscribed_at": None,
                    },
                ),
                {
                    "email": email,
                    "status": "confirmed",
                    "created_at": _iso(now),
                    "confirmed_at": _iso(now),
                },
            )

    def confirm_subscriber(self, email: str, now: datetime) -> bool:
        """Confirm a pending address; True when it is confirmed now or already was."""
        with self._transaction() as db:
            db.execute(
                update(tables.subscribers)
                .where(
                    tables.subscribers.c.email == email, tables.subscribers.c.status == "pending"
                )
                .values(status="confirmed", confirmed_at=_iso(now))
            )
        known = self.subscriber(email)
        return known is not None and known["status"] == "confirmed"

    def unsubscribe(self, email: str, now: datetime) -> bool:
        """Stop mailing an address; True when it was subscribed or pending."""
        with self._transaction() as db:
            result = db.execute(
                update(tables.subscribers)
                .where(
                    tables.subscribers.c.email == email,
                    tables.subscribers.c.status != "unsubscribed",
                )
                .values(status="unsubscribed", unsubscribed_at=_iso(now))
            )
        return result.rowcount > 0

    def remove_subscriber(self, email: str) -> bool:
        """Forget an address altogether; True when it was known."""
        with self._transaction() as db:
            result = db.execute(
                delete(tables.subscribers).where(tables.subscribers.c.email == email)
            )
        return result.rowcount > 0

    def claim_confirmation_mail(self, email: str, now: datetime, gap: timedelta) -> bool:
        """Claim the sending of a confirmation mail to a pending address: True (and the claim
        recorded as `last_mailed_at = now`) when none was claimed in the last `gap`, else False.

        The check and the claim are one conditional UPDATE, so of any number of sign-ups at
        once exactly one claims the mail: SQLite runs it under the write lock (BEGIN
        IMMEDIATE); PostgreSQL re-checks the condition on the row a concurrent UPDATE
        committed (READ COMMITTED) before it writes.
        """
        subscribers = tables.subscribers.c
        with self._transaction(immediate=True) as db:
            claimed = db.execute(
                update(tables.subscribers)
                .where(
                    subscribers.email == email,
                    subscribers.status == "pending",
                    or_(
                        subscribers.last_mailed_at.is_(None),
                        subscribers.last_mailed_at <= _iso(now - gap),
                    ),
                )
                .values(last_mailed_at=_iso(now))
                .returning(subscribers.email)
            ).first()
        return claimed is not None

    def release_confirmation_mail(self, email: str, claimed_at: datetime) -> None:
        """Undo a claim whose mail could not be sent, so the next sign-up may try again."""
        subscribers = tables.subscribers.c
        with self._transaction() as db:
            db.execute(
                update(tables.subscribers)
                .where(subscribers.email == email, subscribers.last_mailed_at == _iso(claimed_at))
                .values(last_mailed_at=None)
            )

    def subscriber(self, email: str) -> dict | None:
        return self._row(select(tables.subscribers).where(tables.subscribers.c.email == email))

    def subscribers(self, status: str | None = None) -> list[dict]:
        """Every subscriber (of one status when given), oldest first."""
        query = select(tables.subscribers).order_by(
            tables.subscribers.c.created_at, tables.subscribers.c.email
        )
        if status is not None:
            query = query.where(tables.subscribers.c.status == status)
        return self._rows(query)

    # deliveries ------------------------------------------------------------

    def claim_delivery(self, day: date, email: str, message_id: str, now: datetime) -> dict | None:
        """Claim the delivery of a day's brief to an address, committed before any mail goes out.

        Returns the claimed delivery (a retried one keeps its first Message-ID), or None when the
        brief was sent to the address already or may have been ('sending' when a run stopped).
        The claim is one row-locking UPDATE, so of two claims at once on PostgreSQL the second
        sees what the first committed; one sender at a time is the send lock's job.
        """
        key = {"day": day.isoformat(), "email": email}
        with self._transaction() as db:
            db.execute(
                _upsert(db, tables.deliveries).on_conflict_do_nothing(),
                key | {"status": "claimed", "message_id": message_id, "claimed_at": _iso(now)},
            )
            row = (
                db.execute(
                    update(tables.deliveries)
                    .where(
                        tables.deliveries.c.day == key["day"],
                        tables.deliveries.c.email == email,
                        tables.deliveries.c.status.in_(["claimed", "failed"]),
                    )
                    .values(status="claimed", claimed_at=_iso(now))
                    .returning(*tables.deliveries.c)
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def mark_delivery(
        self, day: date, email: str, status: str, now: datetime, error: str = ""
    ) -> None:
        """Record a delivery's progress: 'sending' (before DATA), 'sent' or 'failed'."""
        finished = _iso(now) if status in ("sent", "failed") else None
        with self._transaction() as db:
            db.execute(
                update(tables.deliveries)
                .where(
                    tables.deliveries.c.day == day.isoformat(), tables.deliveries.c.email == email
                )
                .values(status=status, finished_at=finished, error=error)
            )

    def deliveries(self, day: date) -> list[dict]:
        return self._rows(
            select(tables.deliveries)
            .where(tables.deliveries.c.day == day.isoformat())
            .order_by(tables.deliveries.c.claimed_at, tables.deliveries.c.email)
        )

    # channel deliveries ----------------------------------------------------

    def claim_channel_delivery(
        self, brief: str, day: date, channel: str, now: datetime
    ) -> dict | None:
        """Claim the posting of a brief to a channel, committed before anything is posted.

        `brief` is the brief's name ("" for the config's own). Returns the claimed delivery,
        whose `posts_sent` says how many of its posts the service has already taken (a retry
        goes on from there), or None when it was posted already ('sent') or may have been
        ('sending': a sender stopped while posting). One row-locking UPDATE, as for mail.
        """
        key = {"brief": brief, "day": day.isoformat(), "channel": channel}
        table = tables.channel_deliveries
        with self._transaction() as db:
            db.execute(
                _upsert(db, table).on_conflict_do_nothing(),
                key | {"status": "claimed", "claimed_at": _iso(now)},
            )
            row = (
                db.execute(
                    update(table)
                    .where(
                        table.c.brief == brief,
                        table.c.day == key["day"],
                        table.c.channel == channel,
                        table.c.status.in_(["claimed", "failed"]),
                    )
                    .values(status="claimed", claimed_at=_iso(now), attempts=table.c.attempts + 1)
                    .returning(*table.c)
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def mark_channel_delivery(
        self,
        brief: str,
        day: date,
        channel: str,
        status: str,
        now: datetime,
        *,
        posts_sent: int | None = None,
        error: str = "",
    ) -> None:
        """Record a channel delivery's progress: 'sending' (before a post goes out), 'claimed'
        (between posts), 'sent' or 'failed'; `posts_sent` when a post has been taken."""
        table = tables.channel_deliveries
        values: dict[str, Any] = {
            "status": status,
            "error": error,
            "finished_at": _iso(now) if status in ("sent", "failed") else None,
        }
        if posts_sent is not None:
            values["posts_sent"] = posts_sent
        with self._transaction() as db:
            db.execute(
                update(table)
                .where(
                    table.c.brief == brief,
                    table.c.day == day.isoformat(),
                    table.c.channel == channel,
                )
                .values(**values)
            )

    def channel_deliveries(self, day: date, brief: str | None = None) -> list[dict]:
        """The channel deliveries of a day (of one brief when given), by brief and channel."""
        table = tables.channel_deliveries
        query = select(table).where(table.c.day == day.isoformat())
        if brief is not None:
            query = query.where(table.c.brief == brief)
        return self._rows(query.order_by(table.c.brief, table.c.channel))

    # settings kept in the store --------------------------------------------

    def kept_value(self, key: str, make: Callable[[], str]) -> str:
        """The value stored under `key`, made and stored on first use."""
        with self._transaction() as db:
            db.execute(
                _upsert(db, tables.meta).on_conflict_do_nothing(), {"key": key, "value": make()}
            )
            return db.execute(
                select(tables.meta.c.value).where(tables.meta.c.key == key)
            ).scalar_one()
