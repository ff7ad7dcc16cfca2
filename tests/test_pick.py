"""Pick: items grouped by URL into stories, ranked by the documented score."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from briefbot.models import Item
from briefbot.pick import day_window, pick_stories, story_score

NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)


def item(url: str, hours_ago: float = 1, source: str = "Feed", **fields) -> Item:
    values = {
        "url": url,
        "title": url,
        "source": source,
        "source_type": "rss",
        "published": NOW - timedelta(hours=hours_ago),
    } | fields
    return Item(**values)


def test_fresher_item_outranks_older_and_weight_counts():
    fresh, old = item("https://x/fresh", 1), item("https://x/old", 30)
    assert [s.lead.url for s in pick_stories([old, fresh], 2, NOW)] == [
        "https://x/fresh",
        "https://x/old",
    ]
    heavy_old = item("https://x/old", 30, weight=3.0)
    assert pick_stories([heavy_old, fresh], 1, NOW)[0].lead.url == "https://x/old"


def test_same_url_from_reddit_and_feed_is_one_story_with_both_sources():
    article = item("https://x/a", 2, teaser="The article teaser, longer than the post.")
    post = item(
        "https://x/a",
        1,
        source="r/LocalLLaMA",
        source_type="reddit",
        score=900,
        comments=200,
        discussion_url="https://reddit.example/r/LocalLLaMA/comments/1",
    )
    other = item("https://x/b", 1)
    stories = pick_stories([post, article, other], 5, NOW)
    assert len(stories) == 2
    top = stories[0]
    assert top.lead is article
    assert top.sources == ["Feed", "r/LocalLLaMA"]
    assert story_score([article, post], NOW) > story_score([article], NOW)


def test_top_n_and_stable_order():
    items = [item(f"https://x/{n}", 5) for n in range(8)]
    picked = pick_stories(items, 3, NOW)
    assert [s.lead.url for s in picked] == ["https://x/0", "https://x/1", "https://x/2"]


def test_day_window_of_today_and_of_a_past_day():
    zone = ZoneInfo("Europe/Berlin")
    start, end = day_window(date(2026, 7, 3), zone, NOW, 36)
    assert end == datetime(2026, 7, 4, tzinfo=zone)
    assert start == NOW - timedelta(hours=36)
    start, end = day_window(date(2026, 7, 1), zone, NOW, 24)
    assert (start, end) == (datetime(2026, 7, 1, tzinfo=zone), datetime(2026, 7, 2, tzinfo=zone))
