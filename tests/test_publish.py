"""Publish: the output folder's archive index and Atom feed list every brief, newest first, and
the feed reads back cleanly; each brief's JSON record round-trips."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import feedparser

from briefbot.config import SiteSettings, parse_settings
from briefbot.pipeline import run_brief
from briefbot.publish import (
    PublishedBrief,
    archive_entries,
    publish_site,
    read_brief,
    write_archive,
)
from briefbot.render import write_brief
from tests.canned_backend import CannedBackend
from tests.test_render import fixed_brief
from tests.unattended import EVENTS, event_feed

SITE = SiteSettings(base_url="https://brief.example.org/news/")


def _publish_days(out_dir, days: list[date]) -> None:
    for number, day in enumerate(days):
        brief = dataclasses.replace(
            fixed_brief(lead_title=f"Headline of day {number} <b>&</b>"),
            day=day,
            posted_at=fixed_brief().posted_at.replace(day=day.day, month=day.month),
        )
        write_brief(brief, out_dir)
        publish_site(brief, out_dir, SITE)


def test_the_record_of_a_brief_round_trips(tmp_path):
    brief = fixed_brief()
    publish_site(brief, tmp_path, SITE)
    record = read_brief(tmp_path, brief.day)
    assert record == PublishedBrief.from_brief(brief)
    assert record.headline == "BenchLM: GLM-5.2 is the best open-weight model at #4"
    assert record.stories[1].discussions == [
        ("r/OpenSourceAI", "https://www.reddit.com/r/OpenSourceAI/comments/1um0ap6/gateway/")
    ]
    assert read_brief(tmp_path, date(2026, 7, 4)) is None


def test_index_and_feed_list_every_brief_newest_first(tmp_path):
    days = [date(2026, 7, 3), date(2026, 7, 1), date(2026, 7, 2)]
    _publish_days(tmp_path, days)
    # A brief written before records were kept: only its page is there.
    (tmp_path / "2026-06-30.html").write_text(
        "<html><body><h1>Old Brief — 2026-06-30</h1><h3>An old headline</h3></body></html>"
    )
    (tmp_path / "notes.html").write_text("not a brief")
    publish_site(
        dataclasses.replace(fixed_brief(), day=date(2026, 7, 3)), tmp_path, SITE
    )  # re-publishing a day keeps one entry for it

    expected = ["2026-07-03", "2026-07-02", "2026-07-01", "2026-06-30"]
    assert [entry.day.isoformat() for entry in archive_entries(tmp_path)] == expected
    index = (tmp_path / "index.html").read_text()
    positions = [index.index(f'href="{day}.html"') for day in expected]
    assert positions == sorted(positions)
    assert "An old headline" in index and "Headline of day 1 &lt;b&gt;&amp;&lt;/b&gt;" in index
    assert "notes.html" not in index

    feed = feedparser.parse((tmp_path / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Open Source LLM Brief"
    assert [entry.link for entry in feed.entries] == [
        f"https://brief.example.org/news/{day}.html" for day in expected
    ]
    assert feed.entries[2].summary == "Headline of day 1 <b>&</b>"
    assert "<li>Headline of day 1 &lt;b&gt;&amp;&lt;/b&gt;</li>" in feed.entries[2].content[0].value
    assert feed.entries[3].title == "Old Brief — 2026-06-30"


def test_an_empty_folder_gets_an_empty_archive(tmp_path):
    write_archive(tmp_path, SITE, title="Brief")
    assert "No briefs yet." in (tmp_path / "index.html").read_text()
    assert not feedparser.parse((tmp_path / "feed.xml").read_bytes()).bozo


def test_pages_use_no_external_assets(tmp_path):
    _publish_days(tmp_path, [date(2026, 7, 3)])
    for name in ("2026-07-03.html", "index.html"):
        page = (tmp_path / name).read_text()
        assert "<script" not in page and '<link rel="stylesheet"' not in page
        assert "@import" not in page and "url(" not in page and "@media print" in page


EMPTY_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>
<link>http://example.org/</link><description>nothing today</description></channel></rss>"""


def test_a_run_publishes_its_record_and_rebuilds_index_and_feed(feed_server, tmp_path):
    """A quiet day (no stories) publishes nothing; a day with stories goes into the archive and
    the feed beside the earlier ones."""
    url = feed_server.serve("/feed.xml", EMPTY_FEED)
    settings = parse_settings(
        {
            "title": "Quiet Brief",
            "sources": [{"type": "rss", "name": "Quiet", "url": url}],
            "site": {"base_url": "https://brief.example.org/"},
        }
    )
    out_dir = tmp_path / "out"
    _publish_days(out_dir, [date(2026, 7, 1)])
    archive = {name: (out_dir / name).read_text() for name in ("index.html", "feed.xml")}
    quiet = run_brief(settings, db_path=tmp_path / "b.db", out_dir=out_dir, day=date(2026, 7, 2))
    assert quiet.nothing and read_brief(out_dir, date(2026, 7, 2)) is None
    assert {name: (out_dir / name).read_text() for name in archive} == archive

    now = datetime.now(UTC)
    feed_server.serve("/feed.xml", event_feed(now))
    day = now.date()
    run_brief(
        settings, db_path=tmp_path / "b.db", out_dir=out_dir, now=now, backends=[CannedBackend()]
    )
    assert read_brief(out_dir, day).headline == EVENTS[0][0]
    feed = feedparser.parse((out_dir / "feed.xml").read_bytes())
    assert [entry.link for entry in feed.entries] == [
        f"https://brief.example.org/{day}.html",
        "https://brief.example.org/2026-07-01.html",
    ]
    assert feed.feed.title == "Quiet Brief"
    assert f'href="{day}.html"' in (out_dir / "index.html").read_text()
