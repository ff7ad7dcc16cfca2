"""Collect: real feeds over a real local HTTP server; every kind of bad source is a result."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from briefbot.collect import collect_all
from briefbot.collect.article import extract_text, fetch_article_texts, is_teaser
from briefbot.collect.leaderboard import snapshot_item
from briefbot.collect.text import html_to_text
from briefbot.collect.urls import canonical_url
from briefbot.config import FetchSettings, parse_settings

FETCH = FetchSettings(timeout_seconds=2, max_bytes=2_000_000)


def sources(*entries: dict):
    return parse_settings({"title": "t", "sources": list(entries)}).sources


def collect(*entries: dict, settings: FetchSettings = FETCH):
    return asyncio.run(collect_all(sources(*entries), settings))


@pytest.mark.parametrize(
    ("fixture", "count", "expected_title"),
    [
        ("encoding_ISO-8859-1.xml", 40, "Red Dead Redemption 2: Hinweise auf PC-Umsetzung"),
        ("encoding_WINDOWS-1251.xml", 50, "Цитата #17703"),
        (
            "no_encoding_ISO-8859-1.xml",
            9,
            "Perturbateurs endocriniens : quels effets sur le cerveau ?",
        ),
        ("rdf_UTF8.xml", 60, "OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen"),
        ("urdu_UTF8.xml", 26, "امریکی عسکری امداد کی بندش کی وجوہات"),
        ("large_atom.xml", 25, "Using vale with vim"),
        ("large_rss.xml", 25, "Using vale with vim"),
        ("small_atom.xml", 20, "Parse podcast categories"),
    ],
)
def test_real_feeds_parse_to_the_right_text(
    feed_server, shared_fixtures, fixture, count, expected_title
):
    url = feed_server.serve_file(f"/{fixture}", shared_fixtures / "feeds" / fixture)
    [result] = collect({"type": "rss", "name": fixture, "url": url})
    assert result.ok, result.error
    assert len(result.items) == count
    assert result.items[0].title.startswith(expected_title)
    assert all(item.url.startswith("http") for item in result.items)
    assert not any("Ã" in item.title or "\ufffd" in item.title for item in result.items)


def test_bad_sources_are_reported_and_good_ones_still_collected(feed_server, shared_fixtures):
    good = feed_server.serve_file("/good.xml", shared_fixtures / "feeds" / "small_atom.xml")
    error = feed_server.serve("/500.xml", "boom", status=500)
    html = feed_server.serve(
        "/html.xml", "<html><body><h1>Welcome</h1></body></html>", content_type="text/html"
    )
    malformed = feed_server.serve("/bad.xml", "<?xml version='1.0'?><rss><channel><item><title>x")
    hanging = feed_server.serve("/slow.xml", "<rss/>", delay=5)
    huge = feed_server.serve("/huge.xml", b"", stream_bytes=5_000_000)
    results = collect(
        {"type": "rss", "name": "good", "url": good},
        {"type": "rss", "name": "error", "url": error},
        {"type": "rss", "name": "html", "url": html},
        {"type": "rss", "name": "malformed", "url": malformed},
        {"type": "rss", "name": "hanging", "url": hanging},
        {"type": "rss", "name": "huge", "url": huge},
        {"type": "rss", "name": "dead", "url": "http://127.0.0.1:9/feed.xml"},
    )
    by_name = {result.name: result for result in results}
    assert by_name["good"].ok and len(by_name["good"].items) == 20
    assert by_name["error"].error == "HTTP 500"
    assert "feed" in by_name["html"].error
    assert "malformed" in by_name["malformed"].error
    assert "timed out" in by_name["hanging"].error
    assert "too large" in by_name["huge"].error
    assert "cannot connect" in by_name["dead"].error


REDDIT_LISTING = (Path(__file__).parent / "data" / "reddit_top_listing.atom").read_text()


def test_reddit_public_listing_feed(feed_server):
    feed_server.serve("/r/LocalLLaMA/top/.rss", REDDIT_LISTING, content_type="application/atom+xml")
    [result] = collect(
        {
            "type": "reddit",
            "name": "r/LocalLLaMA",
            "subreddit": "LocalLLaMA",
            "url": feed_server.base,
        }
    )
    assert result.ok and result.mode == "public listing feed"
    self_post, link_post = result.items
    assert self_post.url == "https://www.reddit.com/r/LocalLLaMA/comments/abc123/quant_bench/"
    assert self_post.teaser == "I benchmarked three quantizations on a 3090."
    assert self_post.author == "poster"
    assert link_post.url == "https://example.org/news/model-x"
    assert (
        link_post.discussion_url == "https://www.reddit.com/r/LocalLLaMA/comments/def456/model_x/"
    )


def test_leaderboard_snapshot_names_best_open_and_proprietary(shared_fixtures):
    document = json.loads((shared_fixtures / "benchlm" / "leaderboard-2026-08-16.json").read_text())
    [source] = sources(
        {
            "type": "leaderboard",
            "name": "BenchLM",
            "url": "https://benchlm.ai/data/leaderboard.json",
        }
    )
    item = snapshot_item(document, source, source.address)
    rows = sorted(document["items"], key=lambda row: row["rank"])
    best_open = next(row for row in rows if row["sourceType"] == "Open Weight")
    best_closed = next(row for row in rows if row["sourceType"] != "Open Weight")
    assert best_open["model"] in item.title and f"#{best_open['rank']}" in item.title
    assert f"{best_open['displayScore']:g} points" in item.text
    gap = best_closed["displayScore"] - best_open["displayScore"]
    assert f"{gap:.2f} points ahead" in item.text
    assert item.url == "https://benchlm.ai/data/leaderboard.json#" + document["generatedAt"][:10]


def test_leaderboard_in_wrong_schema_is_a_failed_source(feed_server):
    url = feed_server.serve("/lb.json", json.dumps({"models": []}), content_type="application/json")
    [result] = collect({"type": "leaderboard", "name": "LB", "url": url})
    assert not result.ok and "items" in result.error


def test_article_text_is_extracted_without_page_chrome(feed_server):
    body = " ".join(f"Sentence {n} about the Nova 7B model and its 32k context." for n in range(40))
    page = (
        "<html><head><title>Nova</title><script>var tracking = 1;</script></head><body>"
        "<nav>Home | Subscribe | Login</nav><article><h1>Nova 7B is out</h1>"
        f"<p>{body}</p></article><footer>Cookie settings</footer></body></html>"
    )
    url = feed_server.serve("/a.html", page, content_type="text/html")
    texts = asyncio.run(fetch_article_texts([url, feed_server.url("/missing.html")], FETCH))
    assert list(texts) == [url]
    assert "Sentence 39 about the Nova 7B model" in texts[url]
    assert "tracking" not in texts[url] and "Cookie settings" not in texts[url]
    assert not is_teaser(texts[url]) and is_teaser("A short teaser.")
    assert extract_text("<html></html>", url) == ""


def test_html_to_text_drops_scripts_and_keeps_paragraphs():
    hostile = (
        "<p>First <b>bold</b></p><script>alert(1)</script><p>Second</p><img src=x onerror=alert(2)>"
    )
    assert html_to_text(hostile) == "First bold\n\nSecond"


def test_canonical_url_strips_tracking_and_normalises():
    assert (
        canonical_url("HTTPS://Example.ORG:443/a?utm_source=x&id=7&fbclid=y#top")
        == "https://example.org/a?id=7"
    )
    assert canonical_url("http://example.org") == "http://example.org/"
