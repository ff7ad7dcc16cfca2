"""RSS and Atom feeds."""

from __future__ import annotations

import httpx

from briefbot.collect.feeds import MalformedFeed, entry_to_item, parse_feed
from briefbot.collect.http import FetchError, fetch
from briefbot.config import FetchSettings, RssSource
from briefbot.models import SourceResult


async def collect_rss(
    source: RssSource, client: httpx.AsyncClient, settings: FetchSettings
) -> SourceResult:
    """Fetch one feed and return its entries as items, or the reason it failed."""
    try:
        response = await fetch(client, source.address, settings.max_bytes)
        entries = parse_feed(response.body, response.headers.get("content-type", ""), response.url)
    except (FetchError, MalformedFeed) as error:
        return SourceResult(source.name, source.type, error=str(error))
    items = [entry_to_item(entry, source.name, source.weight) for entry in entries]
    return SourceResult(source.name, source.type, tuple(item for item in items if item))
