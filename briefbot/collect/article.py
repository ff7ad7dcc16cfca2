"""Full article text for items whose feed gave only a teaser (trafilatura).

Article links come from inside feeds, so they are fetched as untrusted URLs: public addresses
only (netguard), and the whole stage within `fetch.stage_seconds`."""

from __future__ import annotations

import asyncio
import logging

from briefbot.collect.http import Fetcher, FetchError
from briefbot.config import FetchSettings

log = logging.getLogger(__name__)

TEASER_WORDS = 120


def is_teaser(text: str) -> bool:
    """True when a feed's text is too short to write a grounded summary from."""
    return len(text.split()) < TEASER_WORDS


def extract_text(html: bytes | str, url: str) -> str:
    """The main text of an article page, without navigation, ads or comments. Give it the
    page as text (decoded by the fetcher), so trafilatura need not guess its encoding."""
    import trafilatura  # imported late: a same-day re-run that fetches no page never needs it

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    return text or ""


async def fetch_article_texts(urls: list[str], settings: FetchSettings) -> dict[str, str]:
    """Article text by URL for those pages that could be fetched and extracted within the
    stage's deadline; pages still loading then are given up and logged."""
    async with Fetcher(settings) as fetcher:
        tasks = {url: asyncio.create_task(_one(fetcher, url)) for url in urls}
        if not tasks:
            return {}
        _, pending = await asyncio.wait(tasks.values(), timeout=settings.stage_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    texts = {}
    for url, task in tasks.items():
        if task in pending:
            limit = settings.stage_seconds
            log.warning("article %s not fetched within the stage's %g s", url, limit)
        elif task.result():
            texts[url] = task.result()
    return texts


async def _one(fetcher: Fetcher, url: str) -> str:
    try:
        response = await fetcher.get(url)
    except FetchError as error:
        log.warning("article %s not fetched: %s", url, error)
        return ""
    return await asyncio.to_thread(extract_text, response.text, response.url)
