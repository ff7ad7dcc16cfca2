"""Pick the day's stories: items grouped by canonical URL, scored, the top N kept.

The score of a story is

    weight x freshness x (1 + engagement) x coverage

- weight: the highest configured ``weight`` among the story's sources (default 1.0);
- freshness: 0.5 ** (age in hours / 24), so a day-old story counts half;
- engagement: log10(1 + score + 2 x comments) / 4 over the story's Reddit items (0 without);
- coverage: 1 + 0.5 for each further distinct source reporting the same URL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from briefbot.models import Item, Story

FRESHNESS_HALF_LIFE_HOURS = 24.0


def day_window(
    day: date, zone: ZoneInfo, now: datetime, lookback_hours: int
) -> tuple[datetime, datetime]:
    """[start, end) of the items a brief for `day` considers."""
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    reference = min(now, end)
    return reference - timedelta(hours=lookback_hours), end


def group_by_url(items: list[Item]) -> list[list[Item]]:
    """Items that point at the same canonical URL, as one group each."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[item.url].append(item)
    return list(groups.values())


def lead_item(items: list[Item]) -> Item:
    """The item to headline a story: the one with the most text, articles before threads."""
    return max(items, key=lambda item: (item.source_type != "reddit", len(item.best_text)))


def story_score(items: list[Item], reference: datetime) -> float:
    weight = max(item.weight for item in items)
    times = [item.published for item in items if item.published]
    age_hours = max((reference - max(times)).total_seconds() / 3600, 0) if times else 24.0
    freshness = 0.5 ** (age_hours / FRESHNESS_HALF_LIFE_HOURS)
    reactions = sum(item.score + 2 * item.comments for item in items)
    engagement = math.log10(1 + reactions) / 4
    coverage = 1 + 0.5 * (len({item.source for item in items}) - 1)
    return weight * freshness * (1 + engagement) * coverage


def pick_stories(items: list[Item], top_n: int, reference: datetime) -> list[Story]:
    """The top_n stories by score, best first; ties broken by URL for a stable order."""
    stories = []
    for group in group_by_url(items):
        lead = lead_item(group)
        ordered = (lead, *(item for item in group if item is not lead))
        stories.append(Story(lead=lead, items=ordered, score=story_score(group, reference)))
    stories.sort(key=lambda story: (-story.score, story.lead.url))
    return stories[:top_n]
