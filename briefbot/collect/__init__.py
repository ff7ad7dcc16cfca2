"""Collect: every source fetched concurrently; a failing source is a result, not a crash."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from briefbot.collect.http import Fetcher, failed_state
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
    deadline = asyncio.get_running_loop().time() + settings.stage_seconds
    async with Fetcher(settings) as fetcher:
        results = (_guarded(s, fetcher, memory, now, deadline, on_result) for s in sources)
        return list(await asyncio.gather(*results))


async def _guarded(
    source: Source,
    fetcher: Fetcher,
    memory: CollectMemory,
    now: datetime,
    deadline: float,
    on_result: Callable[[SourceResult], None] | None = None,
) -> SourceResult:
    """One collector with the source's own agent and headers, within the stage's deadline;
    a source past it, or any unexpected error, becomes a failed result and is logged."""
    timeout = asyncio.timeout_at(deadline)
    try:
        async with timeout:
            result = await COLLECTORS[type(source)](source, fetcher.for_source(source), memory, now)
    except Exception as error:  # a bug in one collector must not sink the whole run
        if isinstance(error, TimeoutError) and timeout.expired():
            message = f"not collected within the stage's {fetcher.settings.stage_seconds:g} s"
            state = failed_state(memory.state(source.address), message, now)
        else:
            log.exception("collector for %s crashed", source.name)
            message, state = f"internal error: {error!r}", None
        result = SourceResult(
            source.name,
            source.type,
            error=message,
            status=SourceStatus.FAILED,
            address=source.address,
            state=state,
        )
    mode = f" ({result.mode})" if result.mode else ""
    if result.ok:
        log.info("%s: %s, %d items%s", source.name, result.status, len(result.items), mode)
    else:
        log.warning("%s failed: %s%s", source.name, result.error, mode)
    if on_result is not None:
        on_result(result)
    return result
