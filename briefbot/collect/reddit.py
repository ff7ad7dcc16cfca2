"""Reddit through its public listing feed (Atom), which answers without credentials."""

from __future__ import annotations

import re

import httpx
import lxml.html
from lxml import etree

from briefbot.collect.feeds import MalformedFeed, entry_time, parse_feed
from briefbot.collect.http import FetchError, fetch
from briefbot.collect.text import html_to_text
from briefbot.collect.urls import canonical_url
from briefbot.config import FetchSettings, RedditSource
from briefbot.models import Item, SourceResult

PUBLIC_FEED_MODE = "public listing feed"
_SELF_TEXT = re.compile(r"<!-- SC_OFF -->(.*?)<!-- SC_ON -->", re.DOTALL)


async def collect_reddit(
    source: RedditSource, client: httpx.AsyncClient, settings: FetchSettings
) -> SourceResult:
    """The day's top posts of a subreddit: link posts point at the article, self posts keep
    their own text; the thread is kept as the discussion link."""
    try:
        response = await fetch(client, source.address, settings.max_bytes)
        entries = parse_feed(response.body, response.headers.get("content-type", ""), response.url)
    except (FetchError, MalformedFeed) as error:
        return SourceResult(source.name, source.type, error=str(error), mode=PUBLIC_FEED_MODE)
    items = []
    for entry in entries:
        thread = entry.get("link")
        if not thread or not entry.get("title"):
            continue
        content = (entry.get("content") or [{}])[0].get("value", "")
        linked = _linked_url(content) or thread
        self_text = _SELF_TEXT.search(content)
        items.append(
            Item(
                url=canonical_url(linked),
                title=html_to_text(entry["title"]),
                source=source.name,
                source_type=source.type,
                published=entry_time(entry),
                teaser=html_to_text(self_text.group(1)) if self_text else "",
                author=entry.get("author", "").removeprefix("/u/"),
                discussion_url=canonical_url(thread),
                weight=source.weight,
            )
        )
    return SourceResult(source.name, source.type, tuple(items), mode=PUBLIC_FEED_MODE)


def _linked_url(content: str) -> str | None:
    """The target of a listing entry's '[link]' anchor (the thread itself for self posts)."""
    if not content:
        return None
    try:
        root = lxml.html.fragment_fromstring(content, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    for anchor in root.iter("a"):
        if anchor.text_content().strip() == "[link]" and anchor.get("href"):
            return anchor.get("href")
    return None
