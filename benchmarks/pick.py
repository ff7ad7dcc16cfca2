"""Clustering speed: items about many events, at 1k, 5k, 10k and 50k items.

Synthetic items in the shape of a day's news: each event has its own names (a model, an
organisation, a version) and numbers, and is covered by 1 to 8 differently worded items drawn
from its words and from a shared vocabulary. Prints seconds and microseconds per item at each
size; per-item time that stays flat means near-linear growth. The baseline is the 1k run.

    .venv/bin/python -m benchmarks.pick [--sizes 1000 5000 10000 50000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime

from benchmarks.figures import Figure, table
from briefbot.models import Item
from briefbot.pick.cluster import story_clusters


def _letters(number: int) -> str:
    """A made-up lower-case word for a number: 0 -> 'ba', 1 -> 'ca', ..."""
    letters = "bcdfghjklmnpqrstvwxz"
    word = ""
    while True:
        number, digit = divmod(number, len(letters))
        word += letters[digit] + "aeiou"[number % 5]
        if not number:
            return word


def synthetic_items(count: int, seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    # a Zipf-like shared vocabulary: a few words everywhere, most words rare
    vocabulary = [_letters(n) for n in range(5000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    items: list[Item] = []
    event = 0
    while len(items) < count:
        event += 1
        own = [f"Model{event}", f"Org{_letters(rng.randrange(count))}", f"{rng.randrange(1, 400)}b"]
        own += [_letters(10_000 + rng.randrange(count * 2)) for _ in range(5)]
        for copy in range(rng.randint(1, 8)):
            event_words = own[:1] + rng.sample(own[1:], 4)
            shared = rng.choices(vocabulary, weights, k=25)
            title = " ".join([own[0], *rng.sample(event_words[1:], 2), *shared[:4]])
            lead = " ".join(event_words + shared[4:])
            items.append(
                Item(
                    url=f"https://site{copy}.example/{event}/{copy}",
                    title=title,
                    source=f"site{copy}",
                    source_type="rss",
                    published=datetime.now(UTC),
                    teaser=lead,
                )
            )
    return items[:count]


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 50000])
    arguments = parser.parse_args(argv)
    print(f"{'items':>8}{'seconds':>10}{'us/item':>10}{'vs 1k per item':>16}{'stories':>10}")
    baseline = None
    seconds_at: dict[int, float] = {}
    ratios: dict[int, float] = {}
    for size in arguments.sizes:
        items = synthetic_items(size)
        started = time.perf_counter()
        clusters = story_clusters(items)
        seconds = time.perf_counter() - started
        per_item = seconds / size * 1e6
        baseline = baseline or per_item
        ratio = per_item / baseline
        seconds_at[size], ratios[size] = seconds, ratio
        print(f"{size:>8}{seconds:>10.3f}{per_item:>10.1f}{ratio:>15.2f}x{len(clusters):>10}")
    print("goals: 10,000 items under 1 s; per-item time flat within 2x from 1k to 10k")
    figures = []
    if 10_000 in seconds_at:
        figures.append(
            Figure(
                "pick: cluster 10,000 items",
                f"{seconds_at[10_000]:.2f} s",
                "< 1 s",
                seconds_at[10_000] < 1,
            )
        )
    largest = max(ratios)
    figures.append(
        Figure(
            f"pick: time per item at {largest:,} vs {min(ratios):,} items",
            f"{ratios[largest]:.2f}x",
            "< 2x",
            ratios[largest] < 2,
        )
    )
    return figures


if __name__ == "__main__":
    print(table(main()))
