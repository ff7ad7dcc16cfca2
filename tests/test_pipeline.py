"""The whole pipeline on the demo site served from 127.0.0.1, written by the tiny model
(plumbing); tests/test_end_to_end.py runs the real default model."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from briefbot.cli import explain_ranking, main, sources_table
from briefbot.config import parse_settings
from briefbot.demo import demo_settings
from briefbot.demo.server import serve_site
from briefbot.demo.site import build_site
from briefbot.pipeline import run_brief
from tests.test_cluster import demo_event_labels, event_of
from tests.unattended import EVENTS, event_feed


@pytest.fixture(scope="module")
def demo_site():
    with serve_site(build_site) as base:
        yield base


def tiny(settings):
    return settings.model_copy(
        update={
            "model": parse_settings(
                {
                    "title": "t",
                    "sources": [{"type": "rss", "name": "n", "url": "http://x/"}],
                    "model": {"embedded": {"model": "smollm2-135m"}},
                }
            ).model,
            "top_stories": 3,
        }
    )


def test_demo_day_brief_and_cached_rerun(demo_site, tmp_path):
    settings = tiny(demo_settings(demo_site))
    first = run_brief(settings, db_path=tmp_path / "b.db", out_dir=tmp_path / "out")
    day = datetime.now(settings.zone).date().isoformat()
    assert sorted(p.name for p in first.paths) == [f"{day}.html", f"{day}.md"]
    assert len(first.brief.stories) == 3 and first.brief.bottom_line
    for written in first.brief.stories:
        lead = written.story.lead
        assert httpx.get(lead.url).status_code == 200, lead.url
        if lead.source_type == "rss":  # teaser-only feeds got the article's text
            assert len(lead.best_text.split()) >= 120, lead.url
    # no two stories cover the same event, and each story lists every source of its event
    events = demo_event_labels(demo_site)
    story_events = [
        Counter(event_of(item, events) for item in written.story.items).most_common(1)[0][0]
        for written in first.brief.stories
    ]
    assert len(set(story_events)) == len(story_events)
    collected = [item for result in first.brief.source_results for item in result.items]
    for written, event in zip(first.brief.stories, story_events, strict=True):
        reporters = {item.source for item in collected if event_of(item, events) == event}
        assert reporters <= set(written.story.sources), event
    assert max(len(written.story.sources) for written in first.brief.stories) >= 3
    explained = explain_ranking(tmp_path / "b.db", None).splitlines()
    assert "score = weight x freshness x (1 + engagement) x coverage x change" in explained[0]
    picked = [line for line in explained if re.match(r"\*\s+\d+\. ", line)]
    assert len(picked) == 3 and first.brief.stories[0].story.lead.title in picked[0]
    failed = [result.name for result in first.brief.failed_sources]
    assert failed == ["Retired Feed (a source that fails)"]
    markdown = (
        first.paths[0].read_text() if first.paths[0].suffix == ".md" else first.paths[1].read_text()
    )
    assert "Failed: Retired Feed (a source that fails) (HTTP 404)" in markdown
    assert first.report.items_new >= 60 and first.report.model_calls >= 4

    second = run_brief(settings, db_path=tmp_path / "b.db", out_dir=tmp_path / "out")
    assert second.report.model_calls == 0
    assert second.report.items_new == 0 and second.report.items_seen == 0
    # every source that answered before now answers 304 Not Modified: no body downloaded
    statuses = {source["name"]: source["status"] for source in second.report.sources}
    assert statuses.pop("Retired Feed (a source that fails)") == "failed"
    assert set(statuses.values()) == {"not modified"}
    table = sources_table(settings, tmp_path / "b.db")
    assert "Open Weights Weekly" in table and "not modified" in table
    retired = next(line for line in table.splitlines() if line.startswith("Retired Feed"))
    assert retired.split()[-6:] == ["rss", "failed", "never", "2", "HTTP", "404"]
    assert [w.text for w in second.brief.stories] == [w.text for w in first.brief.stories]


def test_unreachable_network_still_writes_a_brief(tmp_path, capsys):
    config = tmp_path / "sources.yaml"
    config.write_text(
        "title: Offline Brief\ntimezone: UTC\ntop_stories: 5\nsources:\n"
        "  - {type: rss, name: Dead feed, url: 'http://127.0.0.1:9/feed.xml'}\n"
        "  - {type: reddit, name: r/LocalLLaMA, subreddit: LocalLLaMA, url: 'http://127.0.0.1:9'}\n"
        "  - {type: leaderboard, name: BenchLM, url: 'http://127.0.0.1:9/lb.json'}\n"
    )
    assert main(["run", "--config", str(config), "--date", "2026-07-03"]) == 0
    brief = (tmp_path / "output" / "2026-07-03.md").read_text()
    assert "No stories were collected" in brief
    for name in ("Dead feed", "r/LocalLLaMA", "BenchLM"):
        assert f"Failed: {name} (cannot connect" in brief
    assert (tmp_path / "briefbot.db").exists()


def test_two_briefs_share_one_collection_and_the_cache(feed_server, tiny_model_config, tmp_path):
    now = datetime.now(UTC)
    news = feed_server.serve("/news.xml", event_feed(now))
    config = tiny_model_config(
        [{"type": "rss", "name": "News", "url": news}],
        top_stories=3,
        briefs=[
            {
                "name": "security",
                "title": "Security Brief",
                "top_stories": 1,
                "topic_keywords": ["CVE", "patches"],
                "sources": ["News"],
            }
        ],
    )
    config["model"]["embedded"]["threads"] = 1
    settings = parse_settings(config)
    outcome = run_brief(settings, db_path=tmp_path / "b.db", out_dir=tmp_path / "out")

    day = now.astimezone(settings.zone).date().isoformat()
    assert {path.relative_to(tmp_path / "out").as_posix() for path in outcome.paths} == {
        f"{day}.md",
        f"{day}.html",
        f"security/{day}.md",
        f"security/{day}.html",
    }
    assert feed_server.hits["/news.xml"] == 1  # collected once for both briefs
    main_brief, security = outcome.briefs
    assert [w.story.lead.title for w in security.stories] == [EVENTS[2][0]]
    assert security.title == "Security Brief" and len(main_brief.stories) == 3
    # the story both briefs carry was written once: the second brief took it from the cache
    shared = next(w for w in main_brief.stories if w.story.lead.title == EVENTS[2][0])
    assert security.stories[0].text == shared.text
    assert outcome.report.cache_hits >= 1
    assert outcome.report.briefs == [{"name": "security", "stories": 1}]
    with sqlite3.connect(tmp_path / "b.db") as database:
        assert database.execute("SELECT count(*) FROM items").fetchone()[0] == len(EVENTS)
