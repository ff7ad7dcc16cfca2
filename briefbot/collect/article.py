"""Full article text for items whose feed gave only a teaser (trafilatura)."""

from __future__ import annotations

import asyncio
import logging

import httpx
import trafilatura

from briefbot.collect.http import FetchError, fetch, make_client
from briefbot.config import FetchSettings

log = logging.getLogger(__name__)

TEASER_WORDS = 120


def is_teaser(text: str) -> bool:
    """True when a feed's text is too short to write a grounded summary from."""
    return len(text.split()) < TEASER_WORDS


def extract_text(html: bytes | str, url: str) -> str:
    """The main text of an article page, without navigation, ads or comments."""
    return (
        trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
        or ""
    )


async def fetch_article_texts(urls: list[str], settings: FetchSettings) -> dict[str, str]:
    """Article text by URL for those pages that could be fetched and extracted."""
    async with make_client(settings) as client:
        texts = await asyncio.gather(*(_one(client, url, settings) for url in urls))
    return {url: text for url, text in zip(urls, texts, strict=True) if text}


async def _one(client: httpx.AsyncClient, url: str, settings: FetchSettings) -> str:
    try:
        response = await fetch(client, url, settings.max_bytes)
    except FetchError as error:
        log.warning("article %s not fetched: %s", url, error)
        return ""
    return await asyncio.to_thread(extract_text, response.body, response.url)
