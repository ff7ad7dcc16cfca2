"""Story threads across days: which story of an earlier brief a story of today follows up.

A thread is tied by a *specific name* that both stories' titles carry: a product or model name
that no unrelated story would share by chance ("Halcyon-R2", "Nova 2 32B", "TensorHarbor",
"CVE-2026-41207"). Company names ("Lumora AI"), benchmark and other acronyms ("MTEB", "GPU"),
licences ("Apache 2.0"), methods ("LoRA") and the story's own source names ("BenchLM") do not
tie a thread: each of them turns up in stories about different events. A name of today may be
more specific than the earlier one ("TensorHarbor" reported as flawed, then "TensorHarbor 1.7.3"
patched), never less ("TensorHarbor" today does not continue "TensorHarbor 2.0" of yesterday).

Own code, not a library's: event threading over a reader's own archive, with names chosen for
precision, is part of picking, which is briefbot's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefbot.models import EarlierStory, Story

THREAD_DAYS = 14  # how far back a story may find the one it continues

_CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b", re.IGNORECASE)
_SEGMENT = re.compile(r"[,:;!?()\"\u201c\u201d]|\s[-\u2013\u2014]\s")
_WORD = re.compile(r"[\w][\w.\-']*[\w]|\w")
# A version or size after a name: "2", "1.7.3", "32B", "600M", "v2".
_VERSION = re.compile(r"^v?\d+(\.\d+)*[a-zA-Z]?$|^\d+(\.\d+)?[BMKT]$", re.IGNORECASE)
_LICENCES = {"apache", "mit", "gpl", "agpl", "lgpl", "bsd", "mpl", "cc", "cc-by", "openrail"}
# Methods and words that look like names but recur across unrelated stories.
_COMMON = {"lora", "qlora", "dora", "moe", "top", "version", "part", "day", "week", "phase"}


# Benchmarks and units look like names ("KnowBench", "GPU-hours") but many events cite them.
_MEASURES = re.compile(r"(bench|eval|evals|arena|leaderboard|hours?|tokens?)$", re.I)


def _specific(word: str) -> bool:
    """A word that is a name on its own: inner capitals or letters joined to digits."""
    if _MEASURES.search(word):
        return False
    letters = [char for char in word.removesuffix("s") if char.isalpha()]
    if not letters or not word[0].isalpha() or not word[0].isupper():
        return False
    if all(char.isupper() for char in letters):
        return False  # an acronym: AI, GPUs, MTEB, GSM8K
    last = word.split("-")[-1]
    if "-" in word and last.isalpha() and last.islower():
        return False  # a word made with a name or an acronym: AI-only, LLM-based
    inner_capital = any(char.isupper() for char in word[1:] if char.isalpha())
    joined_digit = any(char.isdigit() for char in word)
    return inner_capital or joined_digit


def title_names(title: str, exclude: Iterable[str] = ()) -> frozenset[str]:
    """The specific names of a title, lower case, each with the versions that follow it.

    "Patch now: TensorHarbor 1.7.3 fixes ..." -> {"tensorharbor 1.7.3"};
    "Lumora AI ships Nova 2 32B under Apache 2.0" -> {"nova 2 32b"}."""
    excluded = {name.lower() for name in exclude} | _LICENCES | _COMMON
    names = {match.group(0) for match in _CVE.finditer(title)}
    for segment in _SEGMENT.split(title):
        words = [w.removesuffix("'s").removesuffix("\u2019s") for w in _WORD.findall(segment)]
        for position, word in enumerate(words):
            if word.lower() in excluded or _VERSION.match(word):
                continue
            end = position + 1
            while end < len(words) and _VERSION.match(words[end]):
                end += 1
            versioned = end > position + 1 and word[:1].isupper()
            if _specific(word) or versioned:
                names.add(" ".join(words[position:end]))
    return frozenset(name.lower() for name in names)


def story_names(story: Story) -> frozenset[str]:
    """The specific names of every title of the story, its sources' names left out."""
    sources = {part for source in story.sources for part in re.split(r"[\s/]+", source)}
    return frozenset().union(*(title_names(item.title, sources) for item in story.items))


def _ties(today: frozenset[str], earlier: frozenset[str]) -> set[str]:
    """Today's names that continue an earlier name: the same, or it with a version added."""
    return {
        name for name in today for before in earlier if name == before or _versioned(name, before)
    }


def _versioned(name: str, before: str) -> bool:
    """`name` is `before` with versions or sizes added ("tensorharbor 1.7.3", "tensorharbor")."""
    added = name.removeprefix(before + " ")
    return added != name and all(_VERSION.match(word) for word in added.split())


def continued(story: Story, earlier: Iterable[EarlierStory]) -> EarlierStory | None:
    """The earlier story this one follows up: most names shared, then the newest, else None."""
    names = story_names(story)
    best: tuple[int, object, int] | None = None
    found = None
    for candidate in earlier:
        shared = len(_ties(names, candidate.names))
        if not shared:
            continue
        rank = (shared, candidate.day, -candidate.position)
        if best is None or rank > best:
            best, found = rank, candidate
    return found
