"""Store: items, article texts, model outputs, runs, briefs, subscribers and deliveries, on a
real SQLite file and a real PostgreSQL server (the `database` fixture gives each)."""

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta

from briefbot.migrate import head_revision
from briefbot.models import FetchState, Item, SourceResult
from briefbot.store import Store

NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)
DAY = date(2026, 7, 3)


def item(url: str, hours_ago: float = 1, **fields) -> Item:
    values = {
        "url": url,
        "title": f"Title of {url}",
        "source": "Feed",
        "source_type": "rss",
        "published": NOW - timedelta(hours=hours_ago),
        "teaser": "teaser",
    } | fields
    return Item(**values)


def test_items_survive_reopening_and_count_new_once(database):
    with Store(database) as store:
        assert (
            store.save_items([item("https://a.example/1"), item("https://a.example/2")], NOW) == 2
        )
    with Store(database) as store:
        later = NOW + timedelta(minutes=5)
        again = item("https://a.example/1", teaser="a longer teaser", score=7, metadata={"k": 1})
        assert store.save_items([again], later) == 0
        assert store.save_items([item("https://a.example/1", teaser="short")], later) == 0
        [first, _] = sorted(store.items_between(NOW - timedelta(days=1), NOW), key=lambda i: i.url)
        assert first.teaser == "a longer teaser" and first.score == 7
        assert first.metadata == {}  # the newest sighting's metadata
        assert first.published == NOW - timedelta(hours=1)


def test_same_url_from_two_sources_is_kept_per_source(database):
    with Store(database) as store:
        store.save_items(
            [item("https://a.example/1"), item("https://a.example/1", source="r/x")], NOW
        )
        found = store.items_between(NOW - timedelta(days=1), NOW)
        assert sorted(i.source for i in found) == ["Feed", "r/x"]


def test_window_filters_items_and_briefs_remember_their_sources(database):
    with Store(database) as store:
        store.save_items(
            [
                item("https://a.example/old", hours_ago=50),
                item("https://a.example/new"),
                item("https://a.example/undated", published=None),
            ],
            NOW,
        )
        window = (NOW - timedelta(hours=36), NOW + timedelta(seconds=1))
        today = {i.url for i in store.items_between(*window)}
        assert today == {"https://a.example/new", "https://a.example/undated"}
        store.mark_briefed(date(2026, 7, 2), [("https://a.example/new", "Feed")])
        store.mark_briefed(date(2026, 7, 3), [("https://a.example/undated", "Feed")])
        assert store.briefed_before(date(2026, 7, 3)) == {"https://a.example/new": {"Feed"}}
        # a re-run of a day replaces that day's record
        store.mark_briefed(date(2026, 7, 2), [("https://a.example/old", "Other")])
        assert store.briefed_before(date(2026, 7, 3)) == {"https://a.example/old": {"Other"}}


def test_outputs_articles_and_runs_round_trip(database):
    with Store(database) as store:
        assert store.cached_output("k") is None
        store.save_output(
            cache_key="k",
            backend="embedded",
            model="m",
            prompt_version="v1",
            kind="story",
            input_hash="h",
            output={"summary": "Süß"},
            seconds=1.5,
        )
        assert store.cached_output("k") == {"summary": "Süß"}
        store.save_article_text("https://a.example/1", "Full text", NOW)
        store.save_article_text("https://a.example/1", "Fuller text", NOW)
        assert store.article_text("https://a.example/1") == "Fuller text"
        run = store.start_run(DAY, NOW)
        store.save_source_results(run, [SourceResult("Feed", "rss", error="HTTP 500")])
        store.finish_run(run, "ok", {"stories": 5}, NOW)
        assert store.last_run()["report"] == {"stories": 5}
        assert store.last_run(date(2026, 7, 1)) is None


def test_unfinished_runs_are_closed_with_the_reason(database):
    with Store(database) as store:
        done = store.start_run(DAY, NOW)
        store.finish_run(done, "ok", {"stories": 1}, NOW)
        stopped = store.start_run(DAY, NOW)
        assert store.close_unfinished_runs("interrupted", "killed", NOW) == 1
        assert store.close_unfinished_runs("interrupted", "killed", NOW) == 0
        [newest, oldest] = store.recent_runs()
        assert (newest["id"], newest["status"]) == (stopped, "interrupted")
        assert newest["report"] == {"error": "killed"}
        assert oldest["report"] == {"stories": 1}


def test_source_health_and_leaderboard_snapshots_round_trip(database):
    state = FetchState(etag='"v1"', last_success=NOW, consecutive_failures=0)
    result = SourceResult("Feed", "rss", address="https://a.example/feed", state=state)
    with Store(database) as store:
        store.save_source_health([result])
        store.save_source_health([result])
        assert store.fetch_states()["https://a.example/feed"].etag == '"v1"'
        assert store.fetch_states()["https://a.example/feed"].last_success == NOW
        assert [row["name"] for row in store.source_health()] == ["Feed"]
        store.save_snapshot("Board", date(2026, 7, 1), [{"rank": 1}])
        store.save_snapshot("Board", date(2026, 7, 2), [{"rank": 2}])
        store.save_snapshot("Board", date(2026, 7, 2), [{"rank": 3}])
        store.save_snapshot("Board", DAY, [{"rank": 4}])
        assert store.snapshots_before(DAY) == {"Board": [{"rank": 3}]}


def test_subscribers_are_one_per_address_whatever_its_case(database):
    with Store(database) as store:
        assert store.request_subscription("Reader@example.org", NOW) == "pending"
        assert store.request_subscription("reader@example.org", NOW) == "pending"
        assert store.confirm_subscriber("READER@example.org", NOW)
        assert [s["email"] for s in store.subscribers("confirmed")] == ["Reader@example.org"]
        assert store.unsubscribe("reader@example.org", NOW)
        assert not store.unsubscribe("reader@example.org", NOW)
        assert store.request_subscription("reader@example.org", NOW) == "pending"
        store.add_subscriber("other@example.org", NOW)
        assert store.subscriber("other@example.org")["status"] == "confirmed"
        assert store.remove_subscriber("OTHER@example.org")
        assert not store.remove_subscriber("other@example.org")
        assert store.kept_value("secret", lambda: "first") == "first"
        assert store.kept_value("secret", lambda: "second") == "first"


def test_a_delivery_is_claimed_until_it_is_handed_over(database):
    with Store(database) as store:
        claimed = store.claim_delivery(DAY, "a@example.org", "<1@x>", NOW)
        assert (claimed["status"], claimed["message_id"]) == ("claimed", "<1@x>")
        store.mark_delivery(DAY, "A@example.org", "failed", NOW, "450 busy")
        retried = store.claim_delivery(DAY, "a@example.org", "<2@x>", NOW)
        assert retried["message_id"] == "<1@x>"  # a retry keeps its first Message-ID
        store.mark_delivery(DAY, "a@example.org", "sending", NOW)
        assert store.claim_delivery(DAY, "a@example.org", "<3@x>", NOW) is None  # in doubt
        store.mark_delivery(DAY, "a@example.org", "sent", NOW)
        assert store.claim_delivery(DAY, "a@example.org", "<4@x>", NOW) is None
        assert [d["status"] for d in store.deliveries(DAY)] == ["sent"]


def test_stores_opened_at_once_on_a_new_database_migrate_it_once(database):
    errors: list[BaseException] = []

    def open_and_write(number: int) -> None:
        try:
            with Store(database) as store:
                store.add_subscriber(f"reader{number}@example.org", NOW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_and_write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(database) as store:
        assert len(store.subscribers()) == 4


# The tables as a briefbot before migrations made them (before `items.metadata` was added).
OLD_SCHEMA = """
CREATE TABLE items (
    url TEXT NOT NULL, source TEXT NOT NULL, source_type TEXT NOT NULL, title TEXT NOT NULL,
    published TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    teaser TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '', discussion_url TEXT NOT NULL DEFAULT '',
    score INTEGER NOT NULL DEFAULT 0, comments INTEGER NOT NULL DEFAULT 0,
    weight REAL NOT NULL DEFAULT 1.0, PRIMARY KEY (url, source)
);
CREATE INDEX items_by_time ON items (coalesce(published, first_seen));
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, status TEXT NOT NULL DEFAULT 'running', report TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE subscribers (
    email TEXT PRIMARY KEY COLLATE NOCASE, status TEXT NOT NULL, created_at TEXT NOT NULL,
    confirmed_at TEXT, unsubscribed_at TEXT, last_mailed_at TEXT
);
INSERT INTO items (url, source, source_type, title, published, first_seen, last_seen)
    VALUES ('https://a.example/1', 'Feed', 'rss', 'Old item', '2026-07-03T11:00:00+00:00',
            '2026-07-03T11:30:00+00:00', '2026-07-03T11:30:00+00:00');
INSERT INTO runs (day, started_at, status) VALUES ('2026-07-03', '2026-07-03T11:30:00+00:00', 'ok');
INSERT INTO subscribers (email, status, created_at)
    VALUES ('Reader@example.org', 'confirmed', '2026-07-01T00:00:00+00:00');
"""


def test_a_database_file_from_before_migrations_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA)
    old.close()
    for _ in range(2):  # adopted once, then opened as any other
        with Store(path) as store:
            found = {i.url: i for i in store.items_between(NOW - timedelta(days=1), NOW)}
            kept = found["https://a.example/1"]
            assert (kept.title, kept.metadata) == ("Old item", {})
            assert store.subscriber("reader@example.org")["status"] == "confirmed"
            assert store.start_run(DAY, NOW) > 1
            store.save_items([item("https://a.example/2", metadata={"n": 2})], NOW)
            store.claim_delivery(DAY, "reader@example.org", "<1@x>", NOW)  # a table it lacked
    with sqlite3.connect(path) as done:
        head = done.execute("SELECT version_num FROM alembic_version").fetchall()
        assert head == [(head_revision(),)]
        assert done.execute("SELECT count(*) FROM model_calls").fetchone() == (0,)  # 0002
    done.close()
