"""Item identity: an item is its source's entry, known by its canonical URL, or by its GUID where
a feed gives several entries one link. The store keeps each, the clusterer does not merge them
for their shared URL, repeats are told apart, and a shared page's text is no entry's own."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

from alembic import command
from sqlalchemy import text

from briefbot.config import FetchSettings
from briefbot.database import open_engine
from briefbot.migrate import _config
from briefbot.models import Item, Story
from briefbot.pick import rank_stories
from briefbot.pick.cluster import story_clusters
from briefbot.pipeline import add_full_texts
from briefbot.store import Store

NOW = datetime(2026, 5, 14, 7, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
PAGE = "https://advisories.example/upcoming"
VENDORS = [("Alpha", "router firmware"), ("Beta", "database server"), ("Gamma", "printer driver")]


def advisory(number: int, vendor: str, product: str, source: str = "Advisories") -> Item:
    """One of several entries a feed gives the same link, told apart by their GUIDs."""
    return Item(
        url=PAGE,
        key=f"{PAGE}#CAN-100{number}",
        title=f"CAN-100{number}: Vendor {vendor} {product} flaw",
        source=source,
        source_type="rss",
        published=NOW - timedelta(hours=11),
        teaser=f"A flaw in Vendor {vendor} {product} was reported on 2026-05-12.",
        metadata={"guid": f"CAN-100{number}"},
    )


ADVISORIES = [advisory(n, vendor, product) for n, (vendor, product) in enumerate(VENDORS, 1)]


def plain(url: str, source: str, title: str) -> Item:
    return Item(url=url, title=title, source=source, source_type="rss", published=NOW - HOUR)


def test_entries_sharing_a_link_are_kept_apart_in_the_store(database):
    window = (NOW - timedelta(days=1), NOW)
    with Store(database) as store:
        assert store.save_items(ADVISORIES, NOW) == 3
        assert store.save_items(ADVISORIES[:1], NOW + timedelta(minutes=5)) == 0  # seen again
        stored = sorted(store.items_between(*window), key=lambda item: item.key)
        assert [(item.url, item.key) for item in stored] == [(a.url, a.key) for a in ADVISORIES]
        # each title keeps its own text
        assert [(item.title, item.teaser) for item in stored] == [
            (a.title, a.teaser) for a in ADVISORIES
        ]
        # an item known by its URL comes back without a key, its identity the URL
        store.save_items([plain("https://a.example/1", "Feed", "A story")], NOW)
        [story] = [item for item in store.items_between(*window) if item.source == "Feed"]
        assert story.key == "" and story.identity == "https://a.example/1"


def test_a_store_from_before_item_keys_keeps_its_rows(database):
    """Migration 0004 gives every existing row its URL as its key, on SQLite and PostgreSQL."""
    engine = open_engine(database)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO items (url, source, source_type, title, published, first_seen,"
                " last_seen, teaser) VALUES (:url, 'Feed', 'rss', 'Old story', :at, :at, :at,"
                " 'kept')"
            ),
            {"url": PAGE, "at": NOW.isoformat()},
        )
    engine.dispose()
    with Store(database) as store:
        [old] = store.items_between(NOW - timedelta(days=1), NOW + timedelta(seconds=1))
        assert (old.url, old.key, old.title, old.teaser) == (PAGE, "", "Old story", "kept")
        later = NOW + timedelta(minutes=5)
        assert store.save_items([plain(PAGE, "Feed", "Old story")], later) == 0  # the same item
        assert store.save_items([advisory(1, "Alpha", "router", source="Feed")], later) == 1


def test_a_sqlite_store_keeps_its_time_index_after_the_rebuild(tmp_path):
    with Store(tmp_path / "b.db"):
        pass
    with sqlite3.connect(tmp_path / "b.db") as database:
        indexes = database.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        assert "items_by_time" in {name for (name,) in indexes}
        key = {row[1]: row[5] for row in database.execute("PRAGMA table_info(items)") if row[5]}
        assert key == {"source": 1, "item_key": 2}


def test_entries_sharing_a_link_are_separate_stories_and_one_url_from_two_sources_is_one():
    other_source = plain("https://news.example/nova-2", "Other outlet", "Nova 2 arrives")
    same_article = plain("https://news.example/nova-2", "r/LocalLLaMA", "Lumora ships it")
    items = [*ADVISORIES, other_source, same_article]
    groups = sorted(sorted(group) for group in story_clusters(items))
    assert groups == [[0], [1], [2], [3, 4]]
    stories = rank_stories(items, NOW)
    advisories = sorted((s for s in stories if s.lead.url == PAGE), key=lambda s: s.lead.title)
    assert [(s.lead.title, s.lead.teaser) for s in advisories] == [
        (a.title, a.teaser) for a in ADVISORIES
    ]


def test_a_briefed_entry_does_not_make_its_neighbour_on_the_page_a_repeat():
    briefed = {ADVISORIES[0].identity: {"Advisories"}}
    later = rank_stories(ADVISORIES, NOW, briefed=briefed)
    assert sorted(story.lead.title for story in later) == [a.title for a in ADVISORIES[1:]]


def test_a_shared_page_or_a_media_file_is_not_fetched_as_an_entrys_article(feed_server, tmp_path):
    feed_server.serve("/upcoming", "<html><body><p>Every advisory at once</p></body></html>")
    episode = Item(
        url=feed_server.url("/ep12.mp3"),
        title="Episode 12",
        source="Podcast",
        source_type="rss",
        published=NOW,
        teaser="We talk.",
        metadata={"link": "enclosure"},
    )
    shared = [Item(**{**vars(a), "url": feed_server.url("/upcoming")}) for a in ADVISORIES]
    stories = [Story(lead=item, items=(item,), score=1.0) for item in (*shared, episode)]
    with Store(tmp_path / "b.db") as store:
        enriched, fetched = add_full_texts(stories, store, FetchSettings(), NOW)
    assert fetched == 0 and feed_server.hits == {}
    assert [story.lead.text for story in enriched] == [""] * 4
    assert not episode.has_own_page and not shared[0].has_own_page


def test_repeats_are_remembered_by_identity(database):
    with Store(database) as store:
        store.mark_briefed(date(2026, 5, 13), [(ADVISORIES[0].identity, "Advisories")])
        assert store.briefed_before(date(2026, 5, 14)) == {f"{PAGE}#CAN-1001": {"Advisories"}}
