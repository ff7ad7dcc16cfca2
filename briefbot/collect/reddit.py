"""Reddit: PRAW (read-only, app-only OAuth) when credentials are set, else the public
listing feed (Atom), which answers without credentials where `.json` is refused."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime

import lxml.html
from lxml import etree

from briefbot.collect.feeds import MalformedFeed, entry_time, parse_feed
from briefbot.collect.http import Fetcher
from briefbot.collect.memory import CollectMemory
from briefbot.collect.results import parsed, unparsable, without_body
from briefbot.collect.text import html_to_text
from briefbot.collect.urls import canonical_url
from briefbot.config import RedditSource
from briefbot.models import Item, SourceResult, SourceStatus

FEED_MODE = "public listing feed (no credentials)"
API_MODE = "Reddit API via PRAW (app-only OAuth)"
_SELF_TEXT = re.compile(r"<!-- SC_OFF -->(.*?)<!-- SC_ON -->", re.DOTALL)


def api_credentials() -> tuple[str, str] | None:
    """REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET from the environment, when both are set."""
    client_id = os.environ.get("REDDIT_CLIENT_ID", "").strip()
    secret = os.environ.get("REDDIT_CLIENT_SECRET", "").strip()
    return (client_id, secret) if client_id and secret else None


async def collect_reddit(
    source: RedditSource, fetcher: Fetcher, memory: CollectMemory, now: datetime
) -> SourceResult:
    """The day's top posts of a subreddit. A link post points at the article and keeps the
    thread as its discussion link; a self post is an item with its own text."""
    credentials = api_credentials()
    if credentials:
        user_agent = os.environ.get("REDDIT_USER_AGENT") or fetcher.settings.user_agent
        return await asyncio.to_thread(
            collect_with_praw, source, credentials, user_agent, fetcher.settings.timeout_seconds
        )
    return await collect_from_feed(source, fetcher, memory, now)


def collect_with_praw(
    source: RedditSource, credentials: tuple[str, str], user_agent: str, timeout: float
) -> SourceResult:
    import praw
    import prawcore

    reddit = praw.Reddit(
        client_id=credentials[0],
        client_secret=credentials[1],
        user_agent=user_agent,
        reddit_url=str(source.url).rstrip("/"),
        oauth_url=str(source.oauth_url).rstrip("/"),
        check_for_updates=False,
        timeout=timeout,
    )
    reddit.read_only = True
    subreddit = reddit.subreddit(source.subreddit)
    listing = (
        subreddit.top(time_filter="day", limit=source.limit)
        if source.listing == "top"
        else subreddit.hot(limit=source.limit)
    )
    base = str(source.url).rstrip("/")
    try:
        items = [_submission_item(post, source, base) for post in listing]
    except prawcore.PrawcoreException as error:
        return SourceResult(
            source.name,
            source.type,
            error=f"Reddit API: {error}",
            mode=API_MODE,
            status=SourceStatus.FAILED,
            address=source.address,
        )
    return SourceResult(
        source.name, source.type, tuple(items), mode=API_MODE, address=source.address
    )


def _submission_item(post, source: RedditSource, base: str) -> Item:
    thread = canonical_url(base + post.permalink)
    return Item(
        url=thread if post.is_self else canonical_url(post.url),
        title=post.title,
        source=source.name,
        source_type=source.type,
        published=datetime.fromtimestamp(post.created_utc, tz=UTC),
        teaser=post.selftext if post.is_self else "",
        author=str(post.author) if post.author else "",
        discussion_url=thread,
        score=int(post.score),
        comments=int(post.num_comments),
        weight=source.weight,
        metadata={"flair": post.link_flair_text or "", "reddit_id": post.id},
    )


async def collect_from_feed(
    source: RedditSource, fetcher: Fetcher, memory: CollectMemory, now: datetime
) -> SourceResult:
    fetched = await fetcher.fetch_source(source.address, memory.state(source.address), now)
    if fetched.status != SourceStatus.OK:
        return without_body(source, fetched, FEED_MODE)
    response = fetched.response
    try:
        entries = parse_feed(response.utf8_body, response.utf8_content_type, response.url)
    except MalformedFeed as error:
        return unparsable(source, fetched, str(error), now, FEED_MODE)
    return parsed(source, fetched, (_entry_item(e, source) for e in entries), FEED_MODE)


def _entry_item(entry, source: RedditSource) -> Item | None:
    thread = entry.get("link")
    if not thread or not entry.get("title"):
        return None
    content = (entry.get("content") or [{}])[0].get("value", "")
    self_text = _SELF_TEXT.search(content)
    return Item(
        url=canonical_url(_linked_url(content) or thread),
        title=html_to_text(entry["title"]),
        source=source.name,
        source_type=source.type,
        published=entry_time(entry),
        teaser=html_to_text(self_text.group(1)) if self_text else "",
        author=entry.get("author", "").removeprefix("/u/"),
        discussion_url=canonical_url(thread),
        weight=source.weight,
    )


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
