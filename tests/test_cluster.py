"""Clustering: items about one event become one story, near misses stay apart.
Pairwise precision and recall are printed (run pytest with -s to see them)."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from briefbot.collect import collect_all
from briefbot.demo import demo_settings
from briefbot.demo.site import NEWS_FILE
from briefbot.models import Item
from briefbot.pick.cluster import story_clusters

LABELLED_SET = Path(__file__).parent / "data" / "clustering_set.yaml"
NOW = datetime(2026, 7, 3, 12, tzinfo=UTC)


def pairwise_precision_recall(labels: list[str], clusters: list[list[int]]) -> tuple[float, float]:
    cluster_of = {index: number for number, members in enumerate(clusters) for index in members}
    true_positive = false_positive = false_negative = 0
    for a, b in itertools.combinations(range(len(labels)), 2):
        same_event, same_cluster = labels[a] == labels[b], cluster_of[a] == cluster_of[b]
        true_positive += same_event and same_cluster
        false_positive += same_cluster and not same_event
        false_negative += same_event and not same_cluster
    precision = (
        true_positive / (true_positive + false_positive) if true_positive + false_positive else 1.0
    )
    recall = (
        true_positive / (true_positive + false_negative) if true_positive + false_negative else 1.0
    )
    return precision, recall


def labelled_items() -> tuple[list[Item], list[str]]:
    records = yaml.safe_load(LABELLED_SET.read_text(encoding="utf-8"))["items"]
    items = [
        Item(
            url=f"https://source{abs(hash(record['source'])) % 10_000}.example/{record['id']}",
            title=record["title"],
            source=record["source"],
            source_type="reddit" if record["source"].startswith("r/") else "rss",
            published=NOW,
            teaser=record["lead"],
        )
        for record in records
    ]
    return items, [record["event"] for record in records]


def test_labelled_set_is_clustered_with_precision_and_recall_of_090():
    items, labels = labelled_items()
    assert len(items) >= 200 and len(set(labels)) >= 40
    precision, recall = pairwise_precision_recall(labels, story_clusters(items))
    print(
        f"\nlabelled set: {len(items)} items, {len(set(labels))} events: "
        f"pairwise precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.9 and recall >= 0.9


def demo_event_labels(base: str) -> dict[str, str]:
    """The event of each demo item, by article URL and by Reddit post title."""
    news = yaml.safe_load(NEWS_FILE.read_text(encoding="utf-8"))
    labels = {
        f"{base}/articles/{outlet['slug']}/{item['slug']}.html": item["event"]
        for outlet in news["outlets"]
        for item in outlet["items"]
    }
    return labels | {
        post["title"]: post["event"] for sub in news["reddit"] for post in sub["posts"]
    }


def event_of(item: Item, labels: dict[str, str]) -> str:
    # the leaderboard's own story is the day's BenchLM update
    return labels.get(item.url) or labels.get(item.title) or "benchlm-may-update"


@pytest.fixture(scope="module")
def demo_items(demo_site) -> tuple[list[Item], list[str]]:
    settings = demo_settings(demo_site)
    results = asyncio.run(collect_all(settings.sources, settings.fetch))
    events = demo_event_labels(demo_site)
    items = [item for result in results for item in result.items]
    return items, [event_of(item, events) for item in items]


def test_demo_day_is_clustered_by_event(demo_items):
    items, labels = demo_items
    precision, recall = pairwise_precision_recall(labels, story_clusters(items))
    print(
        f"\ndemo day: {len(items)} items: pairwise precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.97 and recall >= 0.9


def stories(items: list[Item]) -> set[frozenset[tuple[str, str, str]]]:
    return {
        frozenset((items[i].url, items[i].source, items[i].title) for i in cluster)
        for cluster in story_clusters(items)
    }


@pytest.mark.parametrize("which", ["demo day", "labelled set"])
def test_the_same_items_in_any_order_make_the_same_stories(which, demo_items):
    items, _ = demo_items if which == "demo day" else labelled_items()
    expected = stories(items)
    for seed in range(12):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert stories(shuffled) == expected, seed
    assert stories(items[::-1]) == expected


def item(title: str, lead: str, number: int) -> Item:
    return Item(
        url=f"https://site{number}.example/{number}",
        title=title,
        source=f"site{number}",
        source_type="rss",
        published=NOW,
        teaser=lead,
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            (
                "Lumora releases Nova 2 32B under Apache 2.0",
                "Lumora's Nova 2 32B ships with a 128k context.",
            ),
            (
                "Lumora sends takedown over Nova 1 fine-tune",
                "Lumora is enforcing the Nova 1 licence cap.",
            ),
        ),
        (
            (
                "Acme releases Falcon 7B under Apache 2.0",
                "Acme's new 7B model is Apache 2.0 licensed.",
            ),
            (
                "Zeta releases Heron 8B under Apache 2.0",
                "Zeta's new 8B model is Apache 2.0 licensed.",
            ),
        ),
        (  # the same size and a shared vocabulary, two different products
            (
                "Sparrow-Coder 3B targets code completion inside the editor",
                "A 3-billion-parameter model for on-device code completion, 61.0 on HumanEval.",
            ),
            (
                "PocketLM app brings an offline 3B assistant to Android phones",
                "The 3-billion-parameter on-device model completion runs in 4 GB of RAM.",
            ),
        ),
    ],
)
def test_near_misses_stay_apart(first, second):
    items = [item(*first, 1), item(*second, 2)]
    assert len(story_clusters(items)) == 2


def test_differently_worded_coverage_is_one_story():
    items = [
        item(
            "Lumora releases Nova 2 32B under Apache 2.0",
            "Lumora AI released Nova 2 32B, a 32-billion-parameter model with a 128k context.",
            1,
        ),
        item(
            "Nova 2 32B just dropped, Apache 2.0!",
            "Lumora's new 32B model has a 128k context and hybrid thinking.",
            2,
        ),
        item(
            "Running Nova 2 32B at home",
            "Lumora's Nova 2 32B model runs on a 24 GB GPU at 4-bit with its 128k context.",
            3,
        ),
    ]
    assert story_clusters(items) == [[0, 1, 2]]
