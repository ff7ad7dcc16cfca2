"""Collect: real feeds over a real local HTTP server; every kind of bad source is a result."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.article import extract_text, fetch_article_texts, is_teaser
from briefbot.collect.text import html_to_text
from briefbot.collect.urls import canonical_url
from briefbot.config import FetchSettings, parse_settings

FETCH = FetchSettings(timeout_seconds=2, max_bytes=2_000_000, allow_private=["127.0.0.1"])
NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)


def sources(*entries: dict):
    return parse_settings({"title": "t", "sources": list(entries)}).sources


def collect(*entries: dict, settings: FetchSettings = FETCH, memory=None, now=NOW):
    return asyncio.run(collect_all(sources(*entries), settings, memory, now))


def remembered(results) -> CollectMemory:
    """What the pipeline would hand the next run: each result's fetch state."""
    return CollectMemory({result.address: result.state for result in results if result.state})


FEEDS = Path(__file__).parent / "data" / "feeds"
MOJIBAKE = ("Ã", "Â", "Ð", "Ø", "\ufffd")  # UTF-8 read as Latin-1, or bytes that failed


@pytest.mark.parametrize(
    ("file", "count", "first_title", "first_published", "other_text"),
    [
        (
            "rss2_utf8.xml",
            5,
            "Nova 2 32B lands on Hugging Face with a permissive licence",
            "2026-07-03T08:15:00+00:00",
            "Straße, café, naïve: a tokenizer that keeps every accent ✓",
        ),
        (
            "rss2_iso-8859-1.xml",
            3,
            "Bundesamt prüft Sicherheitslücke in Router-Firmware",
            "2026-07-03T07:30:00+00:00",
            "Für 1.000€ im Monat gibt es « mehr Rechenzeit ».",
        ),
        (
            "rss2_windows-1251.xml",
            3,
            "Цитата дня: открытые модели на ноутбуке",
            "2026-07-03T07:27:32+00:00",
            "Ещё один тест: «ёлка» и № 5",
        ),
        (
            "rss2_undeclared_iso-8859-1.xml",
            3,
            "Perturbateurs endocriniens : quels effets sur le cerveau ?",
            "2026-07-03T04:00:00+00:00",
            "L'été des modèles ouverts : à quoi s'attendre",
        ),
        (
            "rss2_urdu_utf8.xml",
            4,
            "پاکستان میں مصنوعی ذہانت کا نیا ماڈل متعارف",
            "2026-07-02T20:00:00+00:00",
            "\u200fکرکٹ: قومی ٹیم کی شاندار فتح",  # the right-to-left mark is kept
        ),
        (
            "atom_utf8.xml",
            3,
            "AT&T and Verizon sign a roaming deal",
            "2026-07-03T06:00:00+00:00",
            "Benchmarks <3 honest baselines",
        ),
        (
            "rdf_utf8.xml",
            3,
            "OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen",
            "2026-07-03T06:00:00+00:00",
            "Quantisierung auf 4 Bit: Was bleibt übrig?",
        ),
        (
            "atom_large_utf8.xml",
            300,
            "Throughput notes, part 300",
            "2026-07-02T11:00:00+00:00",
            "Throughput notes, part 1",
        ),
    ],
)
def test_feeds_of_every_format_and_encoding_give_the_right_text(
    feed_server, file, count, first_title, first_published, other_text
):
    # served without a charset: the document's own declaration (or detection) decides
    url = feed_server.serve_file(f"/{file}", FEEDS / file, content_type="application/xml")
    [result] = collect({"type": "rss", "name": file, "url": url})
    assert result.ok, result.error
    assert len(result.items) == count and result.skipped == ()
    first = result.items[0]
    assert (first.title, first.published.isoformat()) == (first_title, first_published)
    texts = {text for item in result.items for text in (item.title, item.teaser)}
    assert other_text in texts
    assert not any(mark in text for text in texts for mark in MOJIBAKE)
    assert all(item.url.startswith("https://") and item.teaser for item in result.items)


def test_a_large_feed_keeps_every_entry_and_its_full_content(feed_server):
    url = feed_server.serve_file("/large.xml", FEEDS / "atom_large_utf8.xml")
    [result] = collect({"type": "rss", "name": "large", "url": url})
    assert [item.title for item in result.items] == [
        f"Throughput notes, part {n}" for n in range(300, 0, -1)
    ]
    assert len({item.url for item in result.items}) == 300
    last = result.items[-1]
    assert last.text.count("Entry 1 measures the throughput") == 8  # no tags, nothing doubled
    assert "<p>" not in last.text and "&lt;" not in last.text


def test_bad_sources_are_reported_and_good_ones_still_collected(feed_server):
    good = feed_server.serve_file("/good.xml", FEEDS / "atom_utf8.xml")
    error = feed_server.serve("/500.xml", "boom", status=500)
    html = feed_server.serve(
        "/html.xml", "<html><body><h1>Welcome</h1></body></html>", content_type="text/html"
    )
    malformed = feed_server.serve("/bad.xml", "<?xml version='1.0'?><rss><channel><item><title>x")
    hanging = feed_server.serve("/slow.xml", "<rss/>", delay=5)
    huge = feed_server.serve("/huge.xml", b"", stream_bytes=50_000_000)
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
    assert by_name["good"].ok and len(by_name["good"].items) == 3
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
        canonical_url("HTTPS://Example.ORG:443/a/?utm_source=x&id=7&fbclid=y#top")
        == "https://example.org/a?id=7"
    )
    assert canonical_url("http://example.org") == "http://example.org/"
    assert canonical_url("https://example.org/a?b=2&a=1") == canonical_url(
        "https://example.org/a?a=1&b=2"
    )


def test_amp_mobile_and_redirector_variants_are_one_url():
    article = "https://example.com/news/nova-2"
    for variant in (
        "https://m.example.com/news/nova-2",
        "https://amp.example.com/news/nova-2/amp/",
        "https://example.com/news/nova-2/amp?utm_medium=social",
        "https://example.com/news/nova-2?amp=1",
        "https://www.google.com/url?q=https://example.com/news/nova-2&sa=D",
        "https://out.reddit.com/t3_abc?url=https%3A%2F%2Fexample.com%2Fnews%2Fnova-2&token=x",
    ):
        assert canonical_url(variant) == article, variant
    assert canonical_url("https://example.com/story.amp.html") == "https://example.com/story.html"
