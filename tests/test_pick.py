"""Pick: items clustered into one story per event, ranked by the documented score."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from briefbot.models import Item
from briefbot.pick import day_window, pick_stories, rank_stories, story_score

NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)
TITLES = [
    "Lumora ships Nova 2 32B under Apache 2.0",
    "TensorHarbor patches a remote code execution bug",
    "ETH Zurich shrinks the KV cache sixfold",
    "Klangwerk releases the Cadenza music model",
    "FineCode 2 dataset adds 86 languages",
    "Tessellate Labs raises a Series B",
    "EU AI Office drafts open-weight guidance",
    "Relay 1.0 agent framework is out",
]


def item(url: str, hours_ago: float = 1, source: str = "Feed", title: str = "", **fields) -> Item:
    values = {
        "url": url,
        "title": title or TITLES[int(url.rsplit("/", 1)[-1]) % len(TITLES)],
        "source": source,
        "source_type": "rss",
        "published": NOW - timedelta(hours=hours_ago),
    } | fields
    return Item(**values)


def test_fresher_item_outranks_older_and_weight_counts():
    fresh, old = item("https://x/0", 1), item("https://x/1", 30)
    assert [s.lead.url for s in pick_stories([old, fresh], 2, NOW)] == [
        "https://x/0",
        "https://x/1",
    ]
    heavy_old = item("https://x/1", 30, weight=3.0)
    assert pick_stories([heavy_old, fresh], 1, NOW)[0].lead.url == "https://x/1"


def test_same_url_from_reddit_and_feed_is_one_story_with_both_sources():
    article = item("https://x/0", 2, teaser="The article teaser, longer than the post.")
    post = item(
        "https://x/0",
        1,
        source="r/LocalLLaMA",
        source_type="reddit",
        score=900,
        comments=200,
        title="Nova 2 is here",
        discussion_url="https://reddit.example/c/1",
    )
    other = item("https://x/1", 1)
    stories = pick_stories([post, article, other], 5, NOW)
    assert len(stories) == 2
    top = stories[0]
    assert top.lead is article
    assert top.sources == ["Feed", "r/LocalLLaMA"]
    assert story_score([article, post], NOW) > story_score([article], NOW)


def test_the_same_event_under_different_urls_is_one_story_listing_every_source():
    items = [
        item("https://a/0", 2, source="Open Weights Weekly"),
        item(
            "https://b/9",
            3,
            source="Model Card Daily",
            title="Nova 2 32B from Lumora: Apache 2.0 and a 128k context",
        ),
        item("https://c/1", 1, source="The Inference"),
    ]
    stories = pick_stories(items, 5, NOW)
    assert len(stories) == 2
    nova = next(s for s in stories if "Nova" in s.lead.title)
    assert set(nova.sources) == {"Open Weights Weekly", "Model Card Daily"}
    assert set(nova.urls) == {"https://a/0", "https://b/9"}
    assert nova.score_parts["coverage"] == 1.5


def test_a_leaderboard_change_counts_more_than_the_standing():
    standing = item("https://lb/0", source_type="leaderboard", metadata={"leaderboard": "standing"})
    entry = item("https://lb/1", source_type="leaderboard", metadata={"leaderboard": "enters"})
    [first, second] = rank_stories([standing, entry], NOW)
    assert first.lead is entry and first.score_parts["change"] == 1.5
    assert second.score_parts["change"] == 1.0


def test_top_n_and_stable_order():
    items = [item(f"https://x/{n}", 5) for n in range(8)]
    picked = pick_stories(items, 3, NOW)
    assert [s.lead.url for s in picked] == ["https://x/0", "https://x/1", "https://x/2"]


def test_topic_keywords_keep_the_brief_on_subject():
    items = [item("https://x/0"), item("https://x/5")]
    kept = rank_stories(items, NOW, keywords=["apache", "open-weight"])
    assert [s.lead.url for s in kept] == ["https://x/0"]


def test_an_earlier_brief_story_returns_only_with_new_coverage():
    first = item("https://x/0", 20, source="A")
    briefed = {"https://x/0": {"A"}}
    assert rank_stories([first], NOW, briefed=briefed) == []
    one_more = item("https://y/0", 2, source="B", title="Lumora Nova 2 32B ships under Apache 2.0")
    assert rank_stories([first, one_more], NOW, briefed=briefed) == []
    two_more = item("https://z/0", 1, source="C", title="Nova 2 32B: Lumora ships under Apache 2.0")
    [story] = rank_stories([first, one_more, two_more], NOW, briefed=briefed)
    assert set(story.sources) == {"A", "B", "C"}


def test_day_window_of_today_and_of_a_past_day():
    zone = ZoneInfo("Europe/Berlin")
    start, end = day_window(date(2026, 7, 3), zone, NOW, 36)
    assert end == datetime(2026, 7, 4, tzinfo=zone)
    assert start == NOW - timedelta(hours=36)
    start, end = day_window(date(2026, 7, 1), zone, NOW, 24)
    assert (start, end) == (datetime(2026, 7, 1, tzinfo=zone), datetime(2026, 7, 2, tzinfo=zone))
