"""Full article text for items whose feed gave only a teaser (trafilatura)."""

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
    """The main text of an article page, without navigation, ads or comments."""
    import trafilatura  # imported late: a same-day re-run that fetches no page never needs it

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    return text or ""


async def fetch_article_texts(urls: list[str], settings: FetchSettings) -> dict[str, str]:
    """Article text by URL for those pages that could be fetched and extracted."""
    async with Fetcher(settings) as fetcher:
        texts = await asyncio.gather(*(_one(fetcher, url) for url in urls))
    return {url: text for url, text in zip(urls, texts, strict=True) if text}


async def _one(fetcher: Fetcher, url: str) -> str:
    try:
        response = await fetcher.get(url)
    except FetchError as error:
        log.warning("article %s not fetched: %s", url, error)
        return ""
    return await asyncio.to_thread(extract_text, response.body, response.url)
