"""A story's evidence: every sentence collected for it, numbered, with where it came from.

The writer shows the model a few of them (the lead article's most informative sentences) and the
verifier checks each written sentence against all of them. Sentences that read as instructions
to a machine (a prompt injection in a feed) are left out of both: they are not news.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from briefbot.models import Story
from briefbot.sentences import split_sentences
from briefbot.write.injection import looks_like_instructions

MAX_SENTENCES = 400  # per story: a giant article cannot make checking slow
PROMPT_WORDS = 160  # the lead's sentences shown to the model, at most (its prompt tokens cost time)

_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w-]*|\b\w*\d\w*\b")


@dataclass(frozen=True)
class SourceSentence:
    """One sentence of one item of a story: `item` indexes story.items, `index` the sentence in
    that item (the title is -1)."""

    text: str
    item: int
    index: int
    url: str


@dataclass(frozen=True)
class Evidence:
    """Every sentence collected for a story, titles first in each item."""

    sentences: tuple[SourceSentence, ...]

    @cached_property
    def _by_item(self) -> dict[int, list[SourceSentence]]:
        grouped: dict[int, list[SourceSentence]] = {}
        for sentence in self.sentences:
            grouped.setdefault(sentence.item, []).append(sentence)
        return grouped

    def before(self, sentence: SourceSentence, count: int) -> list[SourceSentence]:
        """Up to `count` sentences before `sentence` in its item, nearest first, then its
        title."""
        siblings = self._by_item[sentence.item]
        position = siblings.index(sentence)
        earlier = siblings[max(position - count, 0) : position][::-1]
        title = siblings[0] if siblings[0].index < 0 and siblings[0] not in earlier else None
        return earlier + ([title] if title and title is not sentence else [])

    def window(self, sentence: SourceSentence) -> list[SourceSentence]:
        """The sentence with its neighbours in the same item."""
        siblings = self._by_item[sentence.item]
        position = siblings.index(sentence)
        return siblings[max(position - 1, 0) : position + 2]

    @cached_property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


def story_evidence(story: Story) -> Evidence:
    """The story's sentences: each item's title, then its fullest text, split; instruction-like
    sentences left out."""
    sentences: list[SourceSentence] = []
    for number, item in enumerate(story.items):
        parts = [item.title, *split_sentences(item.best_text)]
        for index, text in enumerate(parts, start=-1):
            if len(sentences) >= MAX_SENTENCES:
                break
            if text and not looks_like_instructions(text):
                sentences.append(SourceSentence(text, number, index, item.url))
    return Evidence(tuple(sentences))


def prompt_sentences(evidence: Evidence, words: int = PROMPT_WORDS) -> list[SourceSentence]:
    """The lead article's most informative sentences, in their own order, within `words`.

    A sentence scores for its place (the opening says what happened), its numbers and its
    names; the lead item's title is not repeated (the prompt shows it)."""
    lead = [s for s in evidence.sentences if s.item == 0 and s.index >= 0]

    def score(sentence: SourceSentence) -> float:
        numbers = len(_NUMBER.findall(sentence.text))
        names = len(_NAME.findall(sentence.text))
        place = 3.0 if sentence.index == 0 else 1.5 if sentence.index < 3 else 0.0
        return place + min(numbers, 6) * 0.5 + min(names, 6) * 0.3

    chosen, used = set(), 0
    for sentence in sorted(lead, key=lambda s: (-score(s), s.index)):
        length = len(sentence.text.split())
        if used + length > words and chosen:
            continue
        chosen.add(sentence.index)
        used += length
    return [sentence for sentence in lead if sentence.index in chosen]


def has_news(story: Story) -> bool:
    """False for a story whose lead says nothing but instructions to a machine (a prompt
    injection dressed as an item): it is left out of the brief."""
    lead = story.lead
    parts = [lead.title, *split_sentences(lead.best_text)]
    return any(part and not looks_like_instructions(part) for part in parts) and not (
        looks_like_instructions(lead.title)
    )
