"""The whole pipeline on the demo site served from 127.0.0.1, written by the tiny model
(plumbing); tests/test_end_to_end.py runs the real default model."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from briefbot.cli import EXIT_NOTHING, explain_ranking, main, run_summary, sources_table
from briefbot.config import Settings, parse_settings
from briefbot.demo import demo_settings
from briefbot.models import TextOrigin
from briefbot.pipeline import run_brief
from tests.canned_backend import CannedBackend
from tests.demo_days import brief_two_demo_days
from tests.test_cluster import demo_event_labels, event_of
from tests.unattended import EVENTS, event_feed, query


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


def test_every_demo_story_has_a_why_it_matters_from_its_facts_when_no_draft_passes(
    demo_site, tmp_path
):
    """Whatever the model writes, each of the demo's five stories (a release twice, a
    leaderboard move, a security fix, a tool's release) keeps a checked note: the canned
    answers name nothing of any story, so every note here is made from the facts."""
    outcome = run_brief(
        demo_settings(demo_site),
        db_path=tmp_path / "b.db",
        out_dir=tmp_path / "out",
        backends=[CannedBackend()],
    )
    stories = outcome.brief.stories
    assert len(stories) == 5
    for written in stories:
        assert written.text.why_it_matters, written.story.lead.title
        assert written.text.note_origin == TextOrigin.FACTS
    markdown = next(path for path in outcome.paths if path.suffix == ".md").read_text()
    assert markdown.count("**Why It Matters (from the facts):**") == 5


def test_demo_day_brief_and_cached_rerun(demo_site, tmp_path):
    settings = tiny(demo_settings(demo_site))
    canned = [CannedBackend()]  # the demo's plumbing; tests/test_end_to_end.py writes for real
    first = run_brief(
        settings, db_path=tmp_path / "b.db", out_dir=tmp_path / "out", backends=canned
    )
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

    second = run_brief(
        settings, db_path=tmp_path / "b.db", out_dir=tmp_path / "out", backends=canned
    )
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


def test_a_day_with_every_source_failed_publishes_nothing(tmp_path, capsys):
    config = tmp_path / "sources.yaml"
    config.write_text(
        "title: Offline Brief\ntimezone: UTC\ntop_stories: 5\nsources:\n"
        "  - {type: rss, name: Dead feed, url: 'http://127.0.0.1:9/feed.xml'}\n"
        "  - {type: reddit, name: r/LocalLLaMA, subreddit: LocalLLaMA, url: 'http://127.0.0.1:9'}\n"
        "  - {type: leaderboard, name: BenchLM, url: 'http://127.0.0.1:9/lb.json'}\n"
    )
    arguments = ["run", "--config", str(config), "--date", "2026-07-03", "--json"]
    assert main(arguments) == EXIT_NOTHING == 4
    captured = capsys.readouterr()
    assert "nothing published: every source failed (3 of 3)" in captured.err
    summary = json.loads(captured.out)
    assert (summary["status"], summary["exit_code"], summary["files"]) == ("nothing", 4, [])
    assert summary["report"]["nothing"] == "every source failed (3 of 3)"
    assert [source["ok"] for source in summary["report"]["sources"]] == [False] * 3
    # no dated page, no record, no index or feed: `send` finds nothing to mail
    assert not (tmp_path / "output").exists()
    runs = query(tmp_path / "briefbot.db", "SELECT day, status FROM runs")
    assert runs == [("2026-07-03", "empty")]
    assert main(["send", "--config", str(config), "--date", "2026-07-03"]) == 1
    assert "no brief of 2026-07-03" in capsys.readouterr().err


def _one_feed(feed_server, now: datetime, **route: object) -> Settings:
    news = feed_server.serve("/news.xml", event_feed(now), **route)
    return parse_settings({"title": "t", "sources": [{"type": "rss", "name": "News", "url": news}]})


def test_a_day_with_no_story_publishes_nothing_and_keeps_the_earlier_brief(feed_server, tmp_path):
    now = datetime.now(UTC)
    settings = _one_feed(feed_server, now)
    out = tmp_path / "out"
    first = run_brief(settings, db_path=tmp_path / "b.db", out_dir=out, backends=[CannedBackend()])
    assert len(first.brief.stories) == 3 and not first.nothing
    published = {path.name: path.read_bytes() for path in out.iterdir()}

    # the next day the feed has nothing new: every story was carried, so none is left
    later = now + timedelta(days=1)
    second = run_brief(
        settings, db_path=tmp_path / "b.db", out_dir=out, now=later, backends=[CannedBackend()]
    )
    assert second.nothing and second.paths == [] and second.brief.stories == []
    assert second.report.nothing == "no story" and second.report.model_calls == 0
    assert {path.name: path.read_bytes() for path in out.iterdir()} == published
    assert run_summary(second, EXIT_NOTHING)["status"] == "nothing"
    statuses = query(tmp_path / "b.db", "SELECT status FROM runs ORDER BY id")
    assert statuses == [("ok",), ("empty",)]


def test_a_same_day_rerun_says_what_it_considered_and_what_was_new(feed_server, tmp_path):
    now = datetime.now(UTC)
    news = feed_server.serve("/news.xml", event_feed(now), etag='"v1"')
    # the same three events five days ago: new to the store, but outside the day's window
    old = feed_server.serve("/old.xml", event_feed(now - timedelta(days=5)))
    sources = [
        {"type": "rss", "name": "News", "url": news},
        {"type": "rss", "name": "Old", "url": old},
    ]
    settings = parse_settings({"title": "t", "sources": sources})
    backend = CannedBackend()

    def run():
        return run_brief(settings, db_path=tmp_path / "b.db", out_dir=tmp_path, backends=[backend])

    first = run()
    day = first.report.day
    assert (
        "Sources: 2 of 2 answered; 3 items considered, 3 new since the last fetch."
        in (tmp_path / f"{day}.md").read_text()
    )
    assert (first.report.items_seen, first.report.items_new) == (6, 6)

    second = run()  # the feed answers 304: no item from the fetch, the brief from the store
    assert second.report.sources[0]["status"] == "not modified"
    markdown = (tmp_path / f"{day}.md").read_text()
    assert (
        "Sources: 2 of 2 answered (1 unchanged since the last fetch); "
        "3 items considered, 0 new since the last fetch." in markdown
    )
    assert len(second.brief.stories) == 3
    report = run_summary(second, 0)["report"]
    assert (report["items_seen"], report["items_new"], report["items_considered"]) == (3, 0, 3)
    record = json.loads((tmp_path / f"{day}.json").read_text())
    assert "3 items considered, 0 new since the last fetch" in record["sources_line"]


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
    settings = parse_settings(config)
    outcome = run_brief(
        settings, db_path=tmp_path / "b.db", out_dir=tmp_path / "out", backends=[CannedBackend()]
    )

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
    assert outcome.report.briefs == [
        {"name": "security", "stories": 1, "items_considered": 3, "items_new": 3, "nothing": ""}
    ]
    with sqlite3.connect(tmp_path / "b.db") as database:
        assert database.execute("SELECT count(*) FROM items").fetchone()[0] == len(EVENTS)


def test_two_demo_days_on_one_database_continue_a_story_and_chart_the_gap(tmp_path):
    """The demo as it stood yesterday, then today: today's Halcyon-R2 leaderboard story says
    it continues yesterday's release story, and nothing is briefed twice without new sources."""
    days = brief_two_demo_days(tmp_path)
    yesterday, today, out, events, now = days.yesterday, days.today, days.out, days.events, days.now
    assert all(
        item.published <= now - timedelta(days=1)
        for written in yesterday.brief.stories
        for item in written.story.items
        if item.published
    )
    released = [
        n
        for n, written in enumerate(yesterday.brief.stories, start=1)
        if event_of(written.story.lead, events) == "halcyon-r2-release"
    ]
    assert released, [w.story.lead.title for w in yesterday.brief.stories]
    climbs = next(
        written
        for written in today.brief.stories
        if any("enters-halcyon-r2" in item.url for item in written.story.items)
    )
    earlier = climbs.story.continues
    assert earlier is not None and (earlier.day, earlier.position) == (
        yesterday.brief.day,
        released[0],
    )
    day, before = today.brief.day.isoformat(), yesterday.brief.day.isoformat()
    markdown = (out / f"{day}.md").read_text()
    assert f"- **Previously, {before}:** [{earlier.title}]({before}.md)" in markdown
    html = (out / f"{day}.html").read_text()
    assert f'Previously, <a href="{before}.html#story-{released[0]}">' in html
    assert f'id="story-{released[0]}"' in (out / f"{before}.html").read_text()
    # the second day's Bottom Line: a lede, 3 to 5 bullets, two drawing on two stories or more,
    # no two resting on the same single story, each citing stories of the brief
    points = today.brief.bottom_line
    assert today.brief.lede and 3 <= len(points) <= 5, points
    assert sum(len(point.stories) > 1 for point in points) >= 2, points
    singles = [point.stories for point in points if len(point.stories) == 1]
    assert len(singles) == len(set(singles)), points
    count = len(today.brief.stories)
    assert all(1 <= n <= count for point in points for n in point.stories), points
    # the gap chart has both days' snapshots
    (series,) = today.brief.charts
    assert [point[0] for point in series.points] == [yesterday.brief.day, today.brief.day]
    assert "<svg" in html and "<polyline" in html
    # the repeat rule: a story of yesterday comes back only with two new sources
    carried = {
        (item.identity, item.source)
        for written in yesterday.brief.stories
        for item in written.story.items
    }
    for written in today.brief.stories:
        seen = [item for item in written.story.items if (item.identity, item.source) in carried]
        if seen:
            new_sources = {i.source for i in written.story.items} - {i.source for i in seen}
            assert len(new_sources) >= 2, written.story.lead.title


def test_the_demo_options_set_its_stories_and_drafts_and_refuse_what_is_out_of_range(capsys):
    settings = demo_settings("http://127.0.0.1:1", candidates=1, top_stories=3)
    assert (settings.top_stories, settings.model.candidates) == (3, 1)
    default = demo_settings("http://127.0.0.1:1")
    assert (default.top_stories, default.model.candidates) == (5, 3)
    for option, value in [("--top-stories", "6"), ("--candidates", "0"), ("--candidates", "x")]:
        try:
            main(["demo", option, value])
        except SystemExit as stop:
            assert stop.code == 2
        else:
            raise AssertionError(f"{option} {value} was taken")
        assert f"argument {option}" in capsys.readouterr().err
