"""Collect: every source fetched concurrently; a failing source is a result, not a crash."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx

from briefbot.collect.http import make_client
from briefbot.collect.leaderboard import collect_leaderboard
from briefbot.collect.reddit import collect_reddit
from briefbot.collect.rss import collect_rss
from briefbot.config import FetchSettings, LeaderboardSource, RedditSource, RssSource
from briefbot.models import SourceResult

log = logging.getLogger(__name__)

Collector = Callable[..., Awaitable[SourceResult]]
COLLECTORS: dict[type, Collector] = {
    RssSource: collect_rss,
    RedditSource: collect_reddit,
    LeaderboardSource: collect_leaderboard,
}


async def collect_all(
    sources: list[RssSource | RedditSource | LeaderboardSource], settings: FetchSettings
) -> list[SourceResult]:
    """Run every source's collector at once; results come back in the configured order."""
    async with make_client(settings) as client:
        return list(await asyncio.gather(*(_guarded(s, client, settings) for s in sources)))


async def _guarded(source, client: httpx.AsyncClient, settings: FetchSettings) -> SourceResult:
    """One collector, with any unexpected error turned into a failed result and logged."""
    try:
        result = await COLLECTORS[type(source)](source, client, settings)
    except Exception as error:  # a bug in one collector must not sink the whole run
        log.exception("collector for %s crashed", source.name)
        result = SourceResult(source.name, source.type, error=f"internal error: {error!r}")
    if result.ok:
        log.info(
            "%s: %d items%s",
            source.name,
            len(result.items),
            f" ({result.mode})" if result.mode else "",
        )
    else:
        log.warning("%s failed: %s", source.name, result.error)
    return result
