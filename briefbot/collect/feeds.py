"""Parsing feed documents (RSS 0.9x/1.0/2.0, Atom) into items with feedparser."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import feedparser

from briefbot.collect.text import html_to_text
from briefbot.collect.urls import canonical_url
from briefbot.models import Item


class MalformedFeed(Exception):
    """A document feedparser could not read as a feed."""


def parse_feed(body: bytes, content_type: str, base_url: str) -> list[feedparser.FeedParserDict]:
    """Entries of a feed document; raise MalformedFeed when it is not a usable feed."""
    parsed = feedparser.parse(
        body,
        response_headers={"content-type": content_type, "content-location": base_url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    entries = [entry for entry in parsed.entries if entry.get("title") or entry.get("link")]
    if parsed.bozo and not entries:
        reason = str(parsed.get("bozo_exception", "not a feed")).splitlines()[0]
        raise MalformedFeed(f"malformed feed: {reason}")
    if not entries and not parsed.get("version"):
        raise MalformedFeed("not a feed (no RSS or Atom root element)")
    return entries


def entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    """When the entry was published (or last updated), in UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def entry_to_item(entry: feedparser.FeedParserDict, source: str, weight: float) -> Item | None:
    """An Item from a feed entry, or None for an entry without a link or title."""
    link = entry.get("link")
    title = html_to_text(entry.get("title", ""))
    if not link or not title:
        return None
    contents = [part.get("value", "") for part in entry.get("content", [])]
    body = max(contents, key=len, default="")
    teaser = html_to_text(entry.get("summary", ""))
    text = html_to_text(body) if body else ""
    return Item(
        url=canonical_url(link),
        title=title,
        source=source,
        source_type="rss",
        published=entry_time(entry),
        teaser=teaser,
        text=text,
        author=entry.get("author", ""),
        weight=weight,
    )
