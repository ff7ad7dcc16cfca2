"""Collect: every source fetched concurrently; a failing source is a result, not a crash."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from briefbot.collect.http import Fetcher
from briefbot.collect.leaderboard import collect_leaderboard
from briefbot.collect.memory import CollectMemory
from briefbot.collect.reddit import collect_reddit
from briefbot.collect.rss import collect_rss
from briefbot.config import FetchSettings, LeaderboardSource, RedditSource, RssSource
from briefbot.models import SourceResult, SourceStatus

log = logging.getLogger(__name__)

Source = RssSource | RedditSource | LeaderboardSource
Collector = Callable[[Source, Fetcher, CollectMemory, datetime], Awaitable[SourceResult]]
COLLECTORS: dict[type, Collector] = {
    RssSource: collect_rss,
    RedditSource: collect_reddit,
    LeaderboardSource: collect_leaderboard,
}

__all__ = ["CollectMemory", "collect_all"]


async def collect_all(
    sources: list[Source],
    settings: FetchSettings,
    memory: CollectMemory | None = None,
    now: datetime | None = None,
    on_result: Callable[[SourceResult], None] | None = None,
) -> list[SourceResult]:
    """Run every source's collector at once; results come back in the configured order.

    `on_result` hears of each source as soon as it is done, for showing progress."""
    memory = memory or CollectMemory()
    now = now or datetime.now().astimezone()
    async with Fetcher(settings) as fetcher:
        results = (_guarded(s, fetcher, memory, now, on_result) for s in sources)
        return list(await asyncio.gather(*results))


async def _guarded(
    source: Source,
    fetcher: Fetcher,
    memory: CollectMemory,
    now: datetime,
    on_result: Callable[[SourceResult], None] | None = None,
) -> SourceResult:
    """One collector, with any unexpected error turned into a failed result and logged."""
    try:
        result = await COLLECTORS[type(source)](source, fetcher, memory, now)
    except Exception as error:  # a bug in one collector must not sink the whole run
        log.exception("collector for %s crashed", source.name)
        result = SourceResult(
            source.name,
            source.type,
            error=f"internal error: {error!r}",
            status=SourceStatus.FAILED,
            address=source.address,
        )
    mode = f" ({result.mode})" if result.mode else ""
    if result.ok:
        log.info("%s: %s, %d items%s", source.name, result.status, len(result.items), mode)
    else:
        log.warning("%s failed: %s%s", source.name, result.error, mode)
    if on_result is not None:
        on_result(result)
    return result
