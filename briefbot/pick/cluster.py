"""Items about the same event -> one story, even with different titles and URLs.

Near-linear: an item is only compared with the items that mention one of the names its title
gives (a model, organisation, version, size, CVE), found through an inverted index that skips
words too common to tell events apart, instead of with all items. Two items are the same event
when the IDF-weighted overlap of their words (title and lead) is high enough; groups join
strongest link first, and only when their members also match on average, so "Nova 2 32B
released" and "Nova 1 licence dispute", which share a product name, stay apart.
"""

from __future__ import annotations

import gc
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import NamedTuple

from briefbot.models import Item

SIMILARITY_THRESHOLD = 0.17
BACKGROUND_ITEMS = 50
NAMES_PER_ITEM = 3  # an item is compared through its this-many rarest names
MAX_POSTING = 40  # a word in more items than this is too common to tell events apart
AVERAGE_SAMPLE = 64  # cross pairs checked when two groups would join
AVERAGE_LINK_SHARE = 0.9  # groups join when members match on average at this share of the bar
LEAD_WORDS = 40

_TOKEN = re.compile(r"[a-z0-9][a-z0-9.+\-]*[a-z0-9+]")  # two characters or more
_STOPWORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for
    from had has have how i if in into is it its just more most my new no not now of on one or
    our out over says said so than that the their them then there these they this to up us was
    we were what when which who why will with would you your via vs per just today week""".split()
)
_NUMBERISH = re.compile(r"\d")
# Names that many unrelated events share: a licence ("under Apache 2.0") names no event.
_SHARED_NAMES = frozenset(
    "apache mit gpl agpl lgpl bsd mpl cc-by cc-by-sa openrail creative commons".split()
)


def item_text(item: Item) -> str:
    """Title and lead: what an event's coverage shares, without each outlet's full prose."""
    return f"{item.title} {_lead(item)}"


def _lead(item: Item) -> str:
    return " ".join((item.teaser or item.text).split()[:LEAD_WORDS])


def words(text: str) -> set[str]:
    found = set(_TOKEN.findall(text.lower().replace("'s ", " ")))
    found -= _STOPWORDS
    return found


_NAME_CANDIDATES = re.compile(r"\b[a-z]*[A-Z0-9][\w.+-]*")  # a capital or a digit in it
_SENTENCE_OPENERS = re.compile(r"(?:^|[.!?:|-] )([A-Z][\w.+-]*)")
# Names even where a sentence starts: TensorHarbor, Sparrow-Coder, Qwen3
_NAME_EVEN_AT_START = re.compile(r"[A-Z][a-z]+[A-Z]|[A-Z]\w*-[A-Z]|.*\d")


def identifiers(text: str) -> set[str]:
    """Words that name one thing: with digits (32b, 1.7.3, cve-2026-41207), in CamelCase
    (TensorHarbor, vLLM), or capitalised where a sentence does not start (Nova, Lumora), in
    the title or the lead (`text`)."""
    found = _NAME_CANDIDATES.findall(text)
    openers = [
        word for word in _SENTENCE_OPENERS.findall(text) if not _NAME_EVEN_AT_START.match(word)
    ]
    for word in openers:  # "Researchers said ...": a name only if also capitalised elsewhere
        found.remove(word)
    names = {raw.strip(".,:;!?-+").lower().removesuffix("'s") for raw in found}
    names -= _STOPWORDS
    return {word for word in names if len(word) > 1}


_KINDS_OF_NUMBER = (
    re.compile(r"^\d+(\.\d+)?[bmk]$"),  # model sizes: 7b, 1.5b, 600m
    re.compile(r"^cve-\d{4}-\d+$"),  # security advisories
    re.compile(r"^v?\d+\.\d+\.\d+"),  # release versions: 1.7.3, 2.0.0-rc1
)


class Profile(NamedTuple):
    words: set[str]
    identifiers: set[str]
    numbers: tuple[frozenset[str], ...]  # per kind of number: sizes, CVEs, versions
    versions: frozenset[str]  # named versions: nova#2
    headline_names: set[str]  # names in the title that are not bare numbers: nova, lumora


def _profile(item: Item) -> Profile:
    title_names = identifiers(item.title)
    lead = _lead(item)
    names = title_names | identifiers(lead)
    with_digits = [word for word in names if _NUMBERISH.search(word)]
    numbers = tuple(
        frozenset(word for word in with_digits if kind.match(word)) for kind in _KINDS_OF_NUMBER
    )
    text = f"{item.title} {lead}"
    headline_names = {word for word in title_names if not _BARE_NUMBER.match(word)} - _SHARED_NAMES
    return Profile(words(text), names, numbers, versioned_names(text), headline_names)


_BARE_NUMBER = re.compile(r"v?[\d.,]+[a-z]?$")  # 3b, 400, 4.0, 1.7.3: shared by many events


def name_different_things(a: Profile, b: Profile) -> bool:
    """True when each title names something (a product, an organisation) the other item never
    mentions and no title name is in both: items that share only a size or a month ("3B",
    "January") are two events."""
    only_a = a.headline_names - b.words
    only_b = b.headline_names - a.words
    if not (only_a and only_b):
        return False
    return not ((a.headline_names | b.headline_names) & a.words & b.words)


def similarity(a: Profile, b: Profile, idf: dict[str, float], totals: tuple[float, float]) -> float:
    """IDF-weighted overlap of two items' words, relative to the item with less to say (a
    terse Reddit title and a full lead about the same event still match). `totals` are the
    two items' own word weights."""
    shared = a.words & b.words
    if not shared:
        return 0.0
    return sum(map(idf.__getitem__, shared)) / min(totals)


_VERSIONED_NAME = re.compile(r"\b([A-Z][\w-]+)[ -](v?\d+(?:\.\d+)*)\b")


def versioned_names(text: str) -> frozenset[str]:
    """'Nova 2', 'Harbor 1.0', 'Corvid C1'-style name and number pairs, as 'nova#2'."""
    return frozenset(
        f"{name.lower()}#{number.lower().lstrip('v')}"
        for name, number in _VERSIONED_NAME.findall(text)
    )


def different_versions(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when both name the same product with different numbers and never the same one."""
    names_a = {entry.split("#")[0] for entry in a}
    for name in names_a & {entry.split("#")[0] for entry in b}:
        versions_a = {entry for entry in a if entry.startswith(name + "#")}
        versions_b = {entry for entry in b if entry.startswith(name + "#")}
        if not versions_a & versions_b:
            return True
    return False


def different_numbers(a: Profile, b: Profile) -> bool:
    """True when both items give a model size, CVE or version and none of them match: two
    releases worded alike ("X 7B under Apache 2.0", "Y 8B under Apache 2.0") are two events."""
    return different_versions(a.versions, b.versions) or any(
        numbers_a and numbers_b and not numbers_a & numbers_b
        for numbers_a, numbers_b in zip(a.numbers, b.numbers, strict=True)
    )


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Clustering makes many small acyclic objects (sets, tuples); Python's cycle collector
    would scan them again and again for nothing, costing about a tenth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def story_clusters(
    items: Sequence[Item], threshold: float = SIMILARITY_THRESHOLD
) -> list[list[int]]:
    """Indexes of `items` grouped by event. Items known by their canonical URL are one group
    when their URL is the same, whatever their sources; entries a feed keyed by GUID because
    they share one link (`Item.key`) are grouped by their words alone.

    The same items in any order give the same groups: they are clustered in one canonical
    order (URL, key, source, title), so every tie between equally strong links is broken the
    same way; each group lists its indexes in ascending order, groups by their first index."""
    order = sorted(range(len(items)), key=lambda i: _canonical(items[i]))
    with _collector_paused():
        clusters = _clusters([items[i] for i in order], threshold)
    return sorted(sorted(order[i] for i in cluster) for cluster in clusters)


def _canonical(item: Item) -> tuple[str, str, str, str, str]:
    return (item.url, item.key, item.source, item.title, item.teaser or item.text)


def _clusters(items: Sequence[Item], threshold: float) -> list[list[int]]:
    count = len(items)
    groups = _UnionFind(count)
    first_with_url: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.key:
            continue  # one of several entries on one page: its URL says nothing of its event
        if item.url in first_with_url:
            groups.union(index, first_with_url[item.url])
        else:
            first_with_url[item.url] = index

    profiles = [_profile(item) for item in items]
    document_frequency = Counter(chain.from_iterable(profile.words for profile in profiles))
    # Smoothed as if BACKGROUND_ITEMS unrelated items were present too, so that in a small
    # batch a name every item shares still counts.
    idf_of = {df: math.log((count + BACKGROUND_ITEMS) / (df + 0.5)) for df in range(count + 1)}
    idf = {word: idf_of[df] for word, df in document_frequency.items()}

    # Candidates: only items that mention a name another item's title gives (the inverted
    # index holds each word's items; words in too many items tell no events apart).
    names = set().union(*(profile.identifiers for profile in profiles))
    postings: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for word in profile.words & names:
            if document_frequency[word] <= MAX_POSTING:
                postings[word].append(index)
    weight = idf.__getitem__
    totals = [sum(map(weight, profile.words)) or 1.0 for profile in profiles]

    def pair_similarity(x: int, y: int) -> float:
        pair = (x, y) if x < y else (y, x)
        if pair not in scores:
            scores[pair] = similarity(profiles[x], profiles[y], idf, (totals[x], totals[y]))
        return scores[pair]

    candidates = []
    for profile in profiles:
        rarest = sorted(
            (document_frequency[w], w) for w in profile.identifiers if document_frequency[w] > 1
        )
        candidates.append(
            {b for _, name in rarest[:NAMES_PER_ITEM] for b in postings.get(name, ())}
        )
    links: list[tuple[float, int, int]] = []
    scores: dict[tuple[int, int], float] = {}
    for a, profile in enumerate(profiles):
        words_a, total_a = profile.words, totals[a]
        for b in candidates[a]:
            if b <= a and (b == a or a in candidates[b]):
                continue  # the same pair, scored from the other side
            score = sum(map(weight, words_a & profiles[b].words)) / min(total_a, totals[b])
            if (
                score >= threshold
                and not name_different_things(profile, profiles[b])
                and not different_numbers(profile, profiles[b])
            ):
                pair = (a, b) if a < b else (b, a)
                scores[pair] = score
                links.append((score, *pair))

    # Strongest links first; two groups join only when their members match on average too,
    # so one ambiguous item (a post about two releases) cannot chain two events together.
    members_of = {index: [index] for index in range(count)}
    for _, a, b in sorted(links, reverse=True):
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a == root_b:
            continue
        left, right = members_of[root_a], members_of[root_b]
        if len(left) == len(right) == 1:
            average = 1.0  # two single items: their link is the whole match
        else:
            pairs = [(x, y) for x in left for y in right][:AVERAGE_SAMPLE]
            average = sum(pair_similarity(x, y) for x, y in pairs) / len(pairs)
        if average >= threshold * AVERAGE_LINK_SHARE:
            groups.union(root_a, root_b)
            members_of[groups.find(root_a)] = left + right

    clusters: dict[int, list[int]] = defaultdict(list)
    for index in range(count):
        clusters[groups.find(index)].append(index)
    return list(clusters.values())
