"""RSS and Atom feeds."""

from __future__ import annotations

from datetime import datetime

from briefbot.collect.feeds import MalformedFeed, entry_to_item, keyed_by_guid, parse_feed
from briefbot.collect.http import Fetcher, Response
from briefbot.collect.memory import CollectMemory
from briefbot.collect.results import entry_items, parsed, unparsable, without_body
from briefbot.config import RssSource
from briefbot.models import Item, SourceResult, SourceStatus


async def collect_rss(
    source: RssSource, fetcher: Fetcher, memory: CollectMemory, now: datetime
) -> SourceResult:
    """One feed's entries as items; a 304 or a still-fresh feed costs no parsing."""
    fetched = await fetcher.fetch_source(source.address, memory.state(source.address), now)
    if fetched.status != SourceStatus.OK:
        return without_body(source, fetched)
    try:
        items, skipped = feed_items(fetched.response, source, now)
    except MalformedFeed as error:
        return unparsable(source, fetched, str(error), now)
    return parsed(source, fetched, items, skipped=skipped)


def feed_items(
    response: Response, source: RssSource, now: datetime
) -> tuple[list[Item], list[str]]:
    """The feed's entries as items, and why each entry left out was."""
    document = parse_feed(response.utf8_body, response.utf8_content_type, response.url)
    items, skipped = entry_items(
        source.name,
        document.entries,
        lambda entry: entry_to_item(entry, document, source.name, source.weight, now),
    )
    return keyed_by_guid(items), skipped
