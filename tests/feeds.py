"""Small feeds written in a test, served by the FeedServer on 127.0.0.1 and collected as a run
would collect them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from briefbot.collect import collect_all
from briefbot.config import FetchSettings, parse_settings
from briefbot.models import SourceResult

NOW = datetime(2026, 5, 14, 7, 0, tzinfo=UTC)


def rss(items: str, channel_link: str = "https://site.example/") -> str:
    """An RSS 2.0 document with the given <item> elements."""
    link = f"<link>{channel_link}</link>" if channel_link else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test feed'
        f"</title>{link}<description>d</description>{items}</channel></rss>"
    )


def atom(entries: str, base: str = "") -> str:
    """An Atom document with the given <entry> elements (and an xml:base when given)."""
    xml_base = f' xml:base="{base}"' if base else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
        f"{xml_base}><title>Test feed</title><id>urn:test</id>"
        f'<link href="https://site.example/"/><updated>2026-05-14T06:00:00Z</updated>'
        f"{entries}</feed>"
    )


def collect_feed(
    server, body: str | bytes, now: datetime = NOW, path: str = "/feed.xml", **route
) -> SourceResult:
    """The one RSS source serving `body` at `path`, collected at `now`."""
    url = server.serve(path, body, **route)
    sources = parse_settings(
        {"title": "t", "sources": [{"type": "rss", "name": "Test feed", "url": url}]}
    ).sources
    [result] = asyncio.run(collect_all(sources, FetchSettings(timeout_seconds=5), now=now))
    assert result.ok, result.error
    return result
