"""Parsing feed documents (RSS 0.9x/1.0/2.0, Atom) into items with feedparser.

An entry's link is its own `<link>` (relative links resolved against `xml:base` or the feed's
URL, RFC 3986 §5.1), else its enclosure (a podcast's episode), else its GUID when that is a
permalink (RSS 2.0 `isPermaLink`), else the feed's site (the channel's `<link>`). An entry
whose own link is no web address, or that has no link at all, is skipped and counted.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import feedparser

from briefbot.collect.dates import feed_date
from briefbot.collect.results import SkippedEntry
from briefbot.collect.text import decoded, one_line
from briefbot.collect.urls import BadURL, web_url
from briefbot.models import Item

HEADLINE_FROM_TEASER = 120  # characters of the teaser that title an entry without a title


class MalformedFeed(Exception):
    """A document feedparser could not read as a feed."""


@dataclass(frozen=True)
class FeedDocument:
    """A parsed feed: its entries, its URL (the base of relative links) and its site."""

    entries: list[feedparser.FeedParserDict]
    base: str
    site: str  # the channel's <link> (Atom: the feed's alternate link); "" when none works


def parse_feed(body: bytes, content_type: str, base_url: str) -> FeedDocument:
    """A feed document's entries; raise MalformedFeed when it is not a usable feed."""
    parsed = feedparser.parse(
        body,
        response_headers={"content-type": content_type, "content-location": base_url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    entries = list(parsed.entries)
    if parsed.bozo and not any(map(_has_content, entries)):
        reason = str(parsed.get("bozo_exception", "not a feed")).splitlines()[0]
        raise MalformedFeed(f"malformed feed: {reason}")
    if not entries and not parsed.get("version"):
        raise MalformedFeed("not a feed (no RSS or Atom root element)")
    try:
        site = web_url(parsed.feed.get("link", ""), base_url)
    except BadURL:
        site = ""
    return FeedDocument(entries, base_url, site)


def _has_content(entry: feedparser.FeedParserDict) -> bool:
    """False for an entry with nothing in it (what is left of one in a broken document)."""
    return any(entry.get(key) for key in ("title", "link", "summary", "content", "enclosures"))


def entry_time(entry: feedparser.FeedParserDict, now: datetime) -> datetime | None:
    """When the entry was published (else last updated, else created), in UTC; None when the
    feed gives no date that can be true (see `dates.feed_date`)."""
    for key in ("published", "updated", "created"):
        # dict.get: feedparser's own get would answer "updated" with "published"
        moment = feed_date(dict.get(entry, key), dict.get(entry, f"{key}_parsed"), now)
        if moment is not None:
            return moment
    return None


def entry_text(entry: feedparser.FeedParserDict, key: str) -> str:
    """An entry's `title` or `summary` as plain text, read by its declared type. (An Atom
    entry without a summary gets its content as the summary from feedparser, without a type:
    the content's type is the one.)"""
    detail = entry.get(f"{key}_detail") or (entry.get("content") or [{}])[0]
    return decoded(entry.get(key, ""), detail.get("type", "text/plain"))


def entry_link(entry: feedparser.FeedParserDict, document: FeedDocument) -> tuple[str, str]:
    """The entry's canonical URL and how it was found: "" for its own link, "enclosure",
    "guid" or "site". Raises BadURL for an own link that is no web address, SkippedEntry
    when there is no link at all."""
    own = [
        link["href"]
        for link in entry.get("links", [])
        if link.get("rel", "alternate") == "alternate" and link.get("href")
    ]
    if own:
        return web_url(own[0], document.base), ""
    base = (entry.get("title_detail") or {}).get("base") or document.base
    candidates = [(link.get("href", ""), "enclosure") for link in entry.get("enclosures", [])]
    if entry.get("guidislink"):
        candidates.append((entry.get("id", ""), "guid"))
    for link, how in candidates:
        try:
            return web_url(link, base), how
        except BadURL:
            continue
    if document.site:
        return document.site, "site"
    raise SkippedEntry("no link, enclosure, permalink GUID or site link")


def entry_to_item(
    entry: feedparser.FeedParserDict,
    document: FeedDocument,
    source: str,
    weight: float,
    now: datetime,
) -> Item:
    """An Item from a feed entry; raise SkippedEntry (or BadURL) for one that cannot be."""
    if not _has_content(entry):
        raise SkippedEntry("empty entry")
    url, how = entry_link(entry, document)
    contents = [
        decoded(part.get("value", ""), part.get("type", "text/html"))
        for part in entry.get("content", [])
    ]
    teaser = entry_text(entry, "summary")
    text = max(contents, key=len, default="")
    title = entry_text(entry, "title") or one_line(teaser or text, HEADLINE_FROM_TEASER)
    metadata: dict[str, object] = {"guid": entry["id"]} if entry.get("id") else {}
    if how in ("enclosure", "site"):
        metadata["link"] = how  # not the entry's own article page
    return Item(
        url=url,
        title=title,
        source=source,
        source_type="rss",
        published=entry_time(entry, now),
        teaser=teaser,
        text=text,
        author=entry.get("author", ""),
        weight=weight,
        metadata=metadata,
    )


def keyed_by_guid(items: list[Item]) -> list[Item]:
    """Entries of one feed that share a link but are different entries (distinct GUIDs, else
    distinct titles) each get a key of their own, `url#guid`: three advisories on one
    "upcoming" page are three items, not one with a mix of their texts."""

    def tells_apart(item: Item) -> str:
        return str(item.metadata.get("guid") or item.title)

    entries_of: defaultdict[str, set[str]] = defaultdict(set)
    for item in items:
        entries_of[item.url].add(tells_apart(item))
    return [
        dataclasses.replace(item, key=f"{item.url}#{tells_apart(item)}")
        if len(entries_of[item.url]) > 1
        else item
        for item in items
    ]
