"""Reddit: PRAW (read-only, app-only OAuth) when credentials are set, else the public
listing feed (Atom), which answers without credentials where `.json` is refused."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
from datetime import UTC, datetime

import lxml.html
from lxml import etree

from briefbot.collect.dates import plausible
from briefbot.collect.feeds import (
    FeedDocument,
    MalformedFeed,
    entry_text,
    entry_time,
    parse_feed,
)
from briefbot.collect.http import Fetcher
from briefbot.collect.memory import CollectMemory
from briefbot.collect.results import (
    SkippedEntry,
    entry_items,
    parsed,
    unparsable,
    without_body,
)
from briefbot.collect.text import html_to_text
from briefbot.collect.urls import web_url
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
    """The subreddit's posts (`listing`: the day's top, or hot). A link post points at the
    article and keeps the thread as its discussion link; a self post is an item with its own
    text. Links are resolved against the configured Reddit base (`url`)."""
    credentials = api_credentials()
    if credentials:
        user_agent = os.environ.get("REDDIT_USER_AGENT") or fetcher.settings.user_agent
        return await asyncio.to_thread(
            collect_with_praw,
            source,
            credentials,
            user_agent,
            fetcher.settings.timeout_seconds,
            now,
        )
    return await collect_from_feed(source, fetcher, memory, now)


def collect_with_praw(
    source: RedditSource,
    credentials: tuple[str, str],
    user_agent: str,
    timeout: float,
    now: datetime,
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
    base = str(source.url).rstrip("/") + "/"
    try:
        items, skipped = entry_items(
            source.name, listing, lambda post: _submission_item(post, source, base, now)
        )
    except prawcore.PrawcoreException as error:
        return SourceResult(
            source.name,
            source.type,
            error=f"Reddit API: {error}",
            mode=API_MODE,
            status=SourceStatus.FAILED,
            address=source.address,
        )
    return parsed(source, None, items, API_MODE, skipped)


def _submission_item(post, source: RedditSource, base: str, now: datetime) -> Item:
    """A submission as an item. A crosspost of a self post has a site-relative `url`
    ("/r/.../comments/..."), which is resolved against the Reddit base like the permalink."""
    thread = web_url(post.permalink, base)
    return Item(
        url=thread if post.is_self else web_url(post.url, base),
        title=post.title,  # PRAW asks for raw_json=1: titles come as plain text, unescaped
        source=source.name,
        source_type=source.type,
        published=_posted(post.created_utc, now),
        teaser=post.selftext if post.is_self else "",
        author=str(post.author) if post.author else "",
        discussion_url=thread,
        score=int(post.score),
        comments=int(post.num_comments),
        weight=source.weight,
        metadata={"flair": post.link_flair_text or "", "reddit_id": post.id},
    )


def _posted(created_utc: object, now: datetime) -> datetime | None:
    """When a post was made, from its epoch seconds; None for a moment that cannot be."""
    try:
        return plausible(datetime.fromtimestamp(float(created_utc), tz=UTC), now)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def blocked_hint(error: str) -> str:
    """A 403 from the public listing feed names the way round it: Reddit refuses the feed to
    agents it does not like, never the API to an app with credentials."""
    if not error.startswith("HTTP 403"):
        return error
    return (
        f"{error}: Reddit refused its public listing feed; API credentials "
        "(REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET) avoid it"
    )


async def collect_from_feed(
    source: RedditSource, fetcher: Fetcher, memory: CollectMemory, now: datetime
) -> SourceResult:
    fetched = await fetcher.fetch_source(source.address, memory.state(source.address), now)
    if fetched.status != SourceStatus.OK:
        if fetched.error:
            error = blocked_hint(fetched.error)
            state = dataclasses.replace(
                fetched.state, last_error=blocked_hint(fetched.state.last_error)
            )
            fetched = dataclasses.replace(fetched, error=error, state=state)
        return without_body(source, fetched, FEED_MODE)
    response = fetched.response
    try:
        document = parse_feed(response.utf8_body, response.utf8_content_type, response.url)
    except MalformedFeed as error:
        return unparsable(source, fetched, str(error), now, FEED_MODE)
    items, skipped = entry_items(
        source.name, document.entries, lambda entry: _entry_item(entry, document, source, now)
    )
    return parsed(source, fetched, items, FEED_MODE, skipped)


def _entry_item(entry, document: FeedDocument, source: RedditSource, now: datetime) -> Item:
    """A listing feed entry as an item: the entry's link is the thread, the "[link]" anchor in
    its content the article (the thread itself for a self post)."""
    links = [link.get("href", "") for link in entry.get("links", [])]
    if not any(links):  # feedparser would offer the entry's id (t3_...) as its link
        raise SkippedEntry("no link to the thread")
    thread = web_url(next(link for link in links if link), document.base)
    content = (entry.get("content") or [{}])[0].get("value", "")
    target = _linked_url(content)
    self_text = _SELF_TEXT.search(content)
    return Item(
        url=web_url(target, document.base) if target else thread,
        title=entry_text(entry, "title"),
        source=source.name,
        source_type=source.type,
        published=entry_time(entry, now),
        teaser=html_to_text(self_text.group(1)) if self_text else "",
        author=entry.get("author", "").removeprefix("/u/"),
        discussion_url=thread,
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
