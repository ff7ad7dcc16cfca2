"""Collect: real feeds over a real local HTTP server; every kind of bad source is a result."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.article import extract_text, fetch_article_texts, is_teaser
from briefbot.collect.text import html_to_text
from briefbot.collect.urls import canonical_url
from briefbot.config import FetchSettings, parse_settings

FETCH = FetchSettings(timeout_seconds=2, max_bytes=2_000_000)
NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)


def sources(*entries: dict):
    return parse_settings({"title": "t", "sources": list(entries)}).sources


def collect(*entries: dict, settings: FetchSettings = FETCH, memory=None, now=NOW):
    return asyncio.run(collect_all(sources(*entries), settings, memory, now))


def remembered(results) -> CollectMemory:
    """What the pipeline would hand the next run: each result's fetch state."""
    return CollectMemory({result.address: result.state for result in results if result.state})


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


def test_unchanged_feeds_answer_304_and_cost_no_parsing(feed_server, shared_fixtures):
    body = (shared_fixtures / "feeds" / "small_atom.xml").read_bytes()
    by_etag = feed_server.serve("/etag.xml", body, etag='"v1"')
    by_date = feed_server.serve("/date.xml", body, last_modified="Fri, 03 Jul 2026 10:00:00 GMT")
    feeds = (
        {"type": "rss", "name": "etag", "url": by_etag},
        {"type": "rss", "name": "date", "url": by_date},
    )
    first = collect(*feeds)
    assert [r.status for r in first] == ["ok", "ok"] and feed_server.bodies_sent == 2
    assert first[0].state.etag == '"v1"' and first[1].state.last_modified.startswith("Fri")

    later = NOW + timedelta(minutes=30)
    second = collect(*feeds, memory=remembered(first), now=later)
    assert [r.status for r in second] == ["not modified", "not modified"]
    assert all(r.ok and not r.items for r in second)
    assert feed_server.bodies_sent == 2 and feed_server.not_modified == 2
    assert second[0].state.etag == '"v1"' and second[0].state.last_success == later


def test_fresh_feed_is_not_asked_again_before_max_age(feed_server, shared_fixtures):
    url = feed_server.serve_file(
        "/fresh.xml",
        shared_fixtures / "feeds" / "small_atom.xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )
    first = collect({"type": "rss", "name": "fresh", "url": url})
    assert first[0].state.fresh_until == NOW + timedelta(hours=1)
    soon = collect(
        {"type": "rss", "name": "fresh", "url": url},
        memory=remembered(first),
        now=NOW + timedelta(minutes=59),
    )
    assert soon[0].status == "fresh" and feed_server.hits["/fresh.xml"] == 1
    later = collect(
        {"type": "rss", "name": "fresh", "url": url},
        memory=remembered(first),
        now=NOW + timedelta(minutes=61),
    )
    assert later[0].status == "ok" and feed_server.hits["/fresh.xml"] == 2


def test_retry_after_on_429_is_honoured(feed_server):
    url = feed_server.serve("/busy.xml", "slow down", status=429, headers={"Retry-After": "120"})
    first = collect({"type": "rss", "name": "busy", "url": url})
    assert not first[0].ok and "HTTP 429" in first[0].error
    retry_at = first[0].state.retry_after
    assert retry_at is not None and abs((retry_at - datetime.now(UTC)).total_seconds() - 120) < 10
    waiting = collect(
        {"type": "rss", "name": "busy", "url": url}, memory=remembered(first), now=datetime.now(UTC)
    )
    assert "waiting" in waiting[0].error and feed_server.hits["/busy.xml"] == 1
    assert waiting[0].state.consecutive_failures == 1


def test_requests_per_host_are_capped(feed_server, shared_fixtures):
    body = (shared_fixtures / "feeds" / "small_atom.xml").read_bytes()
    feeds = [
        {"type": "rss", "name": f"feed {n}", "url": feed_server.serve(f"/{n}.xml", body, delay=0.2)}
        for n in range(12)
    ]
    results = collect(*feeds, settings=FETCH.model_copy(update={"per_host": 3}))
    assert all(result.ok for result in results)
    assert 1 < feed_server.max_in_flight <= 3


def test_redirects_are_followed_and_the_final_url_recorded(feed_server, shared_fixtures):
    new = feed_server.serve_file("/new.xml", shared_fixtures / "feeds" / "small_atom.xml")
    old = feed_server.serve("/old.xml", "", status=301, headers={"Location": new})
    [result] = collect({"type": "rss", "name": "moved", "url": old})
    assert result.ok and result.state.final_url == new
    assert result.address == old


def test_a_failure_counts_up_and_forgets_validators(feed_server, shared_fixtures):
    url = feed_server.serve_file(
        "/flaky.xml", shared_fixtures / "feeds" / "small_atom.xml", etag='"a"'
    )
    first = collect({"type": "rss", "name": "flaky", "url": url})
    feed_server.serve("/flaky.xml", "<rss><channel><item><title>cut", etag='"b"')
    second = collect({"type": "rss", "name": "flaky", "url": url}, memory=remembered(first))
    assert not second[0].ok and second[0].state.consecutive_failures == 1
    assert (
        second[0].state.etag == "" and second[0].state.last_success == first[0].state.last_success
    )
