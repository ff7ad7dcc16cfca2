"""Story threads: which earlier story a story of today follows up, and the store's record."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from briefbot.models import EarlierStory, Item, Story
from briefbot.pick.threads import continued, story_names, title_names
from briefbot.store import Store

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def story(*titles: str, source: str = "Feed") -> Story:
    items = tuple(
        Item(f"https://news.example/{n}", title, source, "rss", NOW, text=title)
        for n, title in enumerate(titles)
    )
    return Story(items[0], items, 1.0)


def earlier(title: str, day: date, position: int = 1, source: str = "Feed") -> EarlierStory:
    return EarlierStory(
        day, position, title, "https://news.example/old", story_names(story(title, source=source))
    )


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("Halcyon Labs open-sources Halcyon-R2, a 236B model", {"halcyon-r2"}),
        ("Lumora AI ships Nova 2 32B under Apache 2.0", {"nova 2 32b"}),
        ("Patch now: TensorHarbor 1.7.3 fixes remote code execution", {"tensorharbor 1.7.3"}),
        ("Critical TensorHarbor flaw lets attackers run code", {"tensorharbor"}),
        ("Inside Halcyon-R2: 128 experts, 21B active", {"halcyon-r2"}),  # not across the colon
        ("Fix for CVE-2026-41207 lands in LoRA loader", {"cve-2026-41207"}),
        # companies, acronyms, benchmarks, licences and methods recur across events
        ("Zürich's Tessellate Labs raises $180 million", set()),
        ("H100 rental prices fall below $1.50 an hour on the EU's GPU markets", set()),
        ("A model tops MTEB and GSM8K under an MIT licence with LoRA", set()),
        # a word made with an acronym is no name (a Bottom Line line read "Policy: AI-only.")
        ("Kestwick court upholds a ban on AI-only hiring and LLM-based screening", set()),
        ("Cobalt-X and Mixer-2 trade places", {"cobalt-x", "mixer-2"}),
    ],
)
def test_a_thread_is_tied_by_specific_names_only(title, names):
    assert title_names(title) == names


def test_a_story_continues_the_earlier_story_that_shares_a_name():
    release = earlier("Halcyon Labs open-sources Halcyon-R2, a 236B model", date(2026, 11, 29), 2)
    other = earlier("Lumora AI ships Nova 2 32B under Apache 2.0", date(2026, 11, 29), 1)
    climbs = story(
        "Halcyon-R2 enters the BenchLM top 10 at #4",
        "Halcyon-R2 climbs to fourth on BenchLM",
        source="BenchLM",
    )
    assert continued(climbs, [other, release]) == release
    # the source's own name ties nothing: another BenchLM story is no continuation
    standing = earlier("Kairos-3 Large is the best open-weight model on BenchLM", release.day)
    assert (
        continued(story("Halcyon-R2 is the best model on BenchLM", source="BenchLM"), [standing])
        is None
    )


def test_a_name_may_grow_more_specific_but_never_less():
    flaw = earlier("Critical TensorHarbor flaw lets attackers run code", date(2026, 11, 29))
    patch = story("Patch now: TensorHarbor 1.7.3 fixes the flaw")
    assert continued(patch, [flaw]) == flaw
    candidate = earlier("TensorHarbor 2.0 release candidate brings a scheduler", date(2026, 11, 29))
    assert (
        continued(story("Critical TensorHarbor flaw lets attackers run code"), [candidate]) is None
    )
    assert continued(patch, [candidate]) is None  # 1.7.3 is not 2.0
    nova_1 = earlier("Lumora sends takedown over Nova 1 fine-tune", date(2026, 11, 29))
    assert continued(story("Lumora AI ships Nova 2 32B"), [nova_1]) is None


def test_of_several_earlier_stories_the_newest_with_most_names_is_continued():
    older = earlier("Halcyon-R2 arrives", date(2026, 11, 20))
    newer = earlier("Halcyon-R2 gets a 4-bit build", date(2026, 11, 28), 3)
    both = earlier("Halcyon-R2 and Nova 2 32B meet in a bake-off", date(2026, 11, 25))
    today = story("Halcyon-R2 beats Nova 2 32B on coding")
    assert continued(today, [older, newer, both]) == both
    assert continued(story("Halcyon-R2 climbs"), [older, newer]) == newer


def test_the_store_keeps_each_days_stories_per_brief_and_a_rerun_replaces_them(database):
    day = date(2026, 11, 29)
    first = EarlierStory(
        day, 1, "Halcyon-R2 arrives", "https://a.example/1", frozenset({"halcyon-r2"})
    )
    second = EarlierStory(
        day, 2, "Nova 2 32B lands", "https://a.example/2", frozenset({"nova 2 32b"})
    )
    with Store(database) as store:
        store.mark_briefed(day, [("https://a.example/1", "Feed")], "", [first, second])
        store.mark_briefed(day, [("https://a.example/1", "Feed")], "security", [first])
        store.mark_briefed(day, [("https://a.example/1", "Feed")], "", [second])  # a re-run
        assert store.stories_between(date(2026, 11, 15), date(2026, 11, 30)) == [second]
        assert store.stories_between(date(2026, 11, 15), day) == []  # the end is excluded
        assert store.stories_between(day, date(2026, 11, 30), "security") == [first]
    assert second.page == "2026-11-29.html#story-2"
