"""Pick the day's stories: items about one event clustered into one story, stories scored,
the top N kept.

The score of a story is

    weight x freshness x (1 + engagement) x coverage x change

- weight: the highest configured ``weight`` among the story's sources (default 1.0);
- freshness: 0.5 ** (age in hours / 24) for the story's newest item: a day-old story counts half;
- engagement: log10(1 + score + 2 x comments) / 4 over the story's Reddit posts (0 without);
- coverage: 1 + 0.5 for each further independent source reporting the event;
- change: 1.5 for a leaderboard change (a model entering the top N or moving), else 1.

A topic filter (``topic_keywords`` in the config) keeps a brief on subject: a story is only
picked when a word of its titles or leads starts with one of the keywords. A story that an
earlier brief already carried is only picked again when at least two sources that brief did
not have now cover it (materially new coverage).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from briefbot.models import Item, Story
from briefbot.pick.cluster import item_text, story_clusters

FRESHNESS_HALF_LIFE_HOURS = 24.0
LEADERBOARD_CHANGE_BONUS = 1.5
NEW_SOURCES_FOR_A_REPEAT = 2


def day_window(
    day: date, zone: ZoneInfo, now: datetime, lookback_hours: int
) -> tuple[datetime, datetime]:
    """[start, end) of the items a brief for `day` considers."""
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    reference = min(now, end)
    return reference - timedelta(hours=lookback_hours), end


def lead_item(items: Iterable[Item]) -> Item:
    """The item to headline a story: the one with the most text, articles before threads."""
    return min(
        items,
        key=lambda item: (
            item.source_type == "reddit",
            -item.weight,
            -len(item.best_text),
            item.url,
            item.source,
        ),
    )


def score_parts(items: list[Item], reference: datetime) -> dict[str, float]:
    """The factors of a story's score (see the module's docstring)."""
    times = [item.published for item in items if item.published]
    age_hours = max((reference - max(times)).total_seconds() / 3600, 0) if times else 24.0
    reactions = sum(item.score + 2 * item.comments for item in items)
    change = any(item.metadata.get("leaderboard") in ("enters", "moves") for item in items)
    return {
        "weight": max(item.weight for item in items),
        "freshness": 0.5 ** (age_hours / FRESHNESS_HALF_LIFE_HOURS),
        "engagement": math.log10(1 + reactions) / 4,
        "coverage": 1 + 0.5 * (len({item.source for item in items}) - 1),
        "change": LEADERBOARD_CHANGE_BONUS if change else 1.0,
    }


def story_score(items: list[Item], reference: datetime) -> float:
    parts = score_parts(items, reference)
    return (
        parts["weight"]
        * parts["freshness"]
        * (1 + parts["engagement"])
        * parts["coverage"]
        * parts["change"]
    )


def on_topic(items: list[Item], keywords: Iterable[str]) -> bool:
    """True without keywords, or when a word of the titles and leads starts with one."""
    wanted = [keyword.lower() for keyword in keywords]
    if not wanted:
        return True
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in wanted) + ")", re.IGNORECASE)
    return any(pattern.search(item_text(item)) for item in items)


def latest_snapshots(items: list[Item]) -> list[Item]:
    """The items without those of a leaderboard snapshot that a newer one of the same source
    replaces: yesterday's standings are not today's news."""
    newest: dict[str, datetime] = {}
    for item in items:
        if item.source_type == "leaderboard" and item.published:
            newest[item.source] = max(item.published, newest.get(item.source, item.published))
    return [
        item
        for item in items
        if item.source_type != "leaderboard"
        or item.published is None
        or item.published >= newest[item.source]
    ]


def is_repeat(items: list[Item], briefed: dict[str, set[str]]) -> bool:
    """True when an earlier brief carried this story and too few new sources cover it since."""
    earlier = [briefed[item.identity] for item in items if item.identity in briefed]
    if not earlier:
        return False
    seen_sources = set().union(*earlier)
    new_sources = {item.source for item in items} - seen_sources
    return len(new_sources) < NEW_SOURCES_FOR_A_REPEAT


def rank_stories(
    items: list[Item],
    reference: datetime,
    *,
    keywords: Iterable[str] = (),
    briefed: dict[str, set[str]] | None = None,
) -> list[Story]:
    """Every story of the day, best first; ties broken by URL for a stable order. A story an
    earlier brief carried is led by its new coverage."""
    briefed = briefed or {}
    items = latest_snapshots(items)
    stories = []
    for cluster in story_clusters(items):
        members = sorted((items[index] for index in cluster), key=lambda i: (i.url, i.source))
        if not on_topic(members, keywords) or is_repeat(members, briefed):
            continue
        fresh = [i for i in members if i.source not in briefed.get(i.identity, ())]
        lead = lead_item(fresh or members)
        ordered = (lead, *(item for item in members if item is not lead))
        parts = score_parts(members, reference)
        stories.append(
            Story(
                lead=lead, items=ordered, score=story_score(members, reference), score_parts=parts
            )
        )
    stories.sort(key=lambda story: (-story.score, story.lead.url))
    return stories


def pick_stories(
    items: list[Item],
    top_n: int,
    reference: datetime,
    *,
    keywords: Iterable[str] = (),
    briefed: dict[str, set[str]] | None = None,
) -> list[Story]:
    """The top_n stories by score, one per event."""
    return rank_stories(items, reference, keywords=keywords, briefed=briefed)[:top_n]
