"""The repeat rule, per brief: a story a brief carried on one day is not carried again by that
brief on a later day (unless new sources cover it); each brief keeps its own record, so several
briefs from one config neither forget nor block each other's stories. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text

from briefbot.config import parse_settings
from briefbot.database import open_engine
from briefbot.migrate import _config
from briefbot.pipeline import run_brief
from briefbot.store import Store
from tests.canned_backend import CannedBackend
from tests.unattended import EVENTS, event_feed, utc_now

DAY = date(2026, 7, 3)
A, B, C = "https://a.example/1", "https://a.example/2", "https://a.example/3"


def test_each_brief_keeps_its_own_record_of_a_day(database):
    with Store(database) as store:
        store.mark_briefed(DAY, [(A, "Feed"), (B, "Feed")])
        store.mark_briefed(DAY, [(C, "Feed"), (A, "Other")], "security")
        later = DAY + timedelta(days=1)
        assert store.briefed_before(later) == {A: {"Feed"}, B: {"Feed"}}
        assert store.briefed_before(later, "security") == {C: {"Feed"}, A: {"Other"}}
        # a re-run of the day replaces that brief's record only
        store.mark_briefed(DAY, [(B, "Feed")])
        assert store.briefed_before(later) == {B: {"Feed"}}
        assert store.briefed_before(later, "security") == {C: {"Feed"}, A: {"Other"}}
        assert store.briefed_before(DAY) == {} == store.briefed_before(DAY, "security")


def test_records_made_before_briefs_had_their_own_are_kept_for_the_main_brief(database):
    engine = open_engine(database)
    try:
        with engine.begin() as connection:  # a store at revision 0002, with a record in it
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
            connection.execute(
                text(
                    "INSERT INTO brief_items (day, url, source, position)"
                    " VALUES ('2026-07-03', :url, 'Feed', 0)"
                ),
                {"url": A},
            )
    finally:
        engine.dispose()
    with Store(database) as store:  # migrated to the newest revision on open
        assert store.briefed_before(DAY + timedelta(days=1)) == {A: {"Feed"}}
        assert store.briefed_before(DAY + timedelta(days=1), "security") == {}
        store.mark_briefed(DAY, [(A, "Feed")], "security")  # the same story in another brief
    engine = open_engine(database)
    try:
        key = inspect(engine).get_pk_constraint("brief_items")["constrained_columns"]
        assert sorted(key) == ["brief", "day", "source", "url"]
    finally:
        engine.dispose()


def _titles(brief) -> list[str]:
    return [written.story.lead.title for written in brief.stories]


def test_two_briefs_over_two_days_each_skip_only_their_own_repeats(database, feed_server, tmp_path):
    yesterday = utc_now() - timedelta(days=1)
    news = feed_server.serve("/news.xml", event_feed(yesterday))
    settings = parse_settings(
        {
            "title": "Main",
            "top_stories": 2,
            "sources": [{"type": "rss", "name": "News", "url": news}],
            "briefs": [
                {
                    "name": "security",
                    "title": "Security",
                    "top_stories": 1,
                    "topic_keywords": ["CVE"],
                },
            ],
        }
    )
    release, speech, patch = (title for title, _ in EVENTS)
    backend = CannedBackend()

    def run(now: datetime):
        return run_brief(
            settings, db_path=database, out_dir=tmp_path / "out", now=now, backends=[backend]
        )

    first = run(yesterday)
    assert [_titles(brief) for brief in first.briefs] == [[release, speech], [patch]]

    second = run(datetime.now(UTC))  # the same three items, a day later
    main, security = second.briefs
    # the main brief carried the release and the speech story: of its stories only the patch,
    # which it never carried, is left; the security brief carried the patch, and has nothing
    assert _titles(main) == [patch]
    assert _titles(security) == []
