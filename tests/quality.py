"""Measuring the writer on the labelled set of invented stories (tests/data/claims_set.yaml), with
the independent fact oracle (tests/fact_oracle.py, facts in tests/data/claims_facts.yaml) as the
judge: never the writer's own verifier. Used by tests/test_quality.py (the tiny model, a few
stories) and benchmarks/quality.py (the default model, every story)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from briefbot.models import Item, Story, TextOrigin, WrittenStory
from briefbot.write import Writer
from tests.fact_oracle import misstatements

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Case:
    story: Story
    facts: dict  # the oracle's entry: facts, names, subjects
    key_facts: tuple[str, ...]


def load_cases(count: int | None = None) -> list[Case]:
    stories = yaml.safe_load((DATA / "claims_set.yaml").read_text(encoding="utf-8"))["stories"]
    facts = yaml.safe_load((DATA / "claims_facts.yaml").read_text(encoding="utf-8"))["stories"]
    cases = []
    for number, entry in enumerate(stories[:count]):
        item = Item(
            url=f"https://quality.example/{entry['id']}",
            title=entry["title"],
            source="Quality Check",
            source_type="rss",
            published=datetime(2026, 7, 3, 8, number % 60, tzinfo=UTC),
            text=entry["text"],
        )
        cases.append(Case(Story(item, (item,), 1.0), facts[entry["id"]], tuple(entry["key_facts"])))
    return cases


def shown_misstatements(case: Case, written: WrittenStory) -> list[str]:
    """What the oracle finds wrong in what the brief shows of a story: the model's Summary (an
    extract is the article's own words) and its Why It Matters."""
    entry = case.facts
    texts = [written.text.why_it_matters]
    if written.text.origin == TextOrigin.MODEL:
        texts.append(written.text.summary)
    return [
        problem
        for text in texts
        if text
        for problem in misstatements(
            text, entry["facts"], entry.get("names", []), entry.get("subjects", [])
        )
    ]


@dataclass
class Report:
    stories: int = 0
    misstating: list[str] = field(default_factory=list)  # "story id: problem"
    with_note: int = 0
    fact_notes: int = 0  # of `with_note`: made from the facts, not by the model
    extracts: int = 0
    key_fact: int = 0
    seconds: float = 0.0
    written: list[WrittenStory] = field(default_factory=list)

    @property
    def misstating_stories(self) -> int:
        return len({m.split(":")[0] for m in self.misstating})

    def lines(self) -> list[str]:
        count = self.stories or 1
        return [
            f"stories: {self.stories}, {self.seconds / count:.1f} s a story",
            f"stories whose shown text misstates a fact (oracle): {self.misstating_stories}"
            " (goal 0)",
            f"stories with a Why It Matters: {self.with_note / count:.0%} (goal >= 95%), "
            f"the model's own {(self.with_note - self.fact_notes) / count:.0%}, from the facts "
            f"{self.fact_notes / count:.0%}",
            f"summaries that are extracts: {self.extracts / count:.0%} (goal <= 10%)",
            f"summaries naming a key fact: {self.key_fact / count:.0%}",
        ]


def measure(writer: Writer, cases: list[Case]) -> Report:
    report = Report(stories=len(cases))
    started = time.perf_counter()
    for case in cases:
        written = WrittenStory(case.story, writer.write_story(case.story))
        report.written.append(written)
        report.misstating += [
            f"{case.story.lead.url.rsplit('/', 1)[-1]}: {problem}"
            for problem in shown_misstatements(case, written)
        ]
        report.with_note += bool(written.text.why_it_matters)
        report.fact_notes += written.text.note_origin == TextOrigin.FACTS
        report.extracts += written.text.origin == TextOrigin.EXTRACT
        report.key_fact += any(
            fact.lower() in written.text.summary.lower() for fact in case.key_facts
        )
    report.seconds = time.perf_counter() - started
    return report
