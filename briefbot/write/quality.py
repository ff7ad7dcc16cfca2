"""A quality check of the writer: stories written for it, with planted facts, and what the
writer made of them. Used by tests/test_quality.py (tiny model) and benchmarks/quality.py (the
default model)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from briefbot.models import BottomLinePoint, Brief, Item, Story, StoryText, WrittenStory
from briefbot.render import render_brief
from briefbot.write.grounding import SourceFacts
from briefbot.write.writer import Writer, story_texts


@dataclass(frozen=True)
class QualityCase:
    """An invented story and the facts a good summary mentions."""

    story: Story
    key_facts: tuple[str, ...]


@dataclass(frozen=True)
class QualityReport:
    stories: int
    grounded_first_answers: float  # share of first model answers with every claim in the source
    grounded_outputs: float  # share of final texts with every claim in the source (goal 1.0)
    key_fact_mentioned: float  # share of summaries that mention a key fact
    extracts: float  # share of summaries replaced by an extract
    notes_left_out: float  # share of "why it matters" notes left out
    mean_summary_words: float
    mean_note_words: float
    written: tuple[WrittenStory, ...]

    def lines(self) -> list[str]:
        return [
            f"stories: {self.stories}",
            f"first answers fully grounded: {self.grounded_first_answers:.0%}",
            f"outputs fully grounded after the gate: {self.grounded_outputs:.0%} (goal 100%)",
            f"summaries mentioning the key fact: {self.key_fact_mentioned:.0%}",
            f"summaries replaced by an extract: {self.extracts:.0%}",
            f"notes left out: {self.notes_left_out:.0%}",
            f"mean length: summary {self.mean_summary_words:.1f} words, "
            f"note {self.mean_note_words:.1f} words",
        ]


def load_cases(path: Path) -> list[QualityCase]:
    """The stories of a quality file (see tests/data/quality_stories.yaml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for number, entry in enumerate(data["stories"]):
        item = Item(
            url=f"https://quality.example/{entry['id']}",
            title=entry["title"],
            source=entry.get("source", "Quality Check"),
            source_type="rss",
            published=datetime(2026, 7, 3, 8, number % 60, tzinfo=UTC),
            text=" ".join(entry["text"].split()),
        )
        cases.append(QualityCase(Story(item, (item,), 1.0), tuple(entry["key_facts"])))
    return cases


def is_grounded(text: StoryText, story: Story) -> bool:
    facts = SourceFacts.of(story_texts(story))
    return not facts.unsupported(f"{text.summary} {text.why_it_matters}")


def measure(writer: Writer, cases: list[QualityCase]) -> QualityReport:
    """Write every case and score what came out."""
    written = tuple(WrittenStory(case.story, writer.write_story(case.story)) for case in cases)
    texts = [entry.text for entry in written]
    count = len(cases) or 1
    mentioned = sum(
        any(fact.lower() in text.summary.lower() for fact in case.key_facts)
        for case, text in zip(cases, texts, strict=True)
    )
    notes = [text.why_it_matters for text in texts if text.why_it_matters]
    stats = writer.stats
    return QualityReport(
        stories=len(cases),
        grounded_first_answers=stats.grounded_first_answers / max(stats.first_answers, 1),
        grounded_outputs=sum(is_grounded(e.text, e.story) for e in written) / count,
        key_fact_mentioned=mentioned / count,
        extracts=sum(text.extract for text in texts) / count,
        notes_left_out=(len(texts) - len(notes)) / count,
        mean_summary_words=sum(len(text.summary.split()) for text in texts) / count,
        mean_note_words=sum(len(note.split()) for note in notes) / max(len(notes), 1),
        written=written,
    )


_STORY_HEADING = re.compile(r"^### (\d+)\. ", re.M)
_STORY_FIELD = re.compile(r"^- \*\*(Summary|Why It Matters)[^:]*:\*\* (.*)$", re.M)
_BULLET = re.compile(r"^- (.*) \*\(from stor(?:y|ies) ([\d, ]+)\)\*$", re.M)


def ungrounded_in_brief(
    written: list[WrittenStory], bottom_line: list[BottomLinePoint]
) -> list[str]:
    """Render the brief as Markdown and read it back: every Summary, Why It Matters and Bottom
    Line bullet whose numbers, names or quotes its stories' sources lack, as 'where: text'."""
    brief = Brief(
        title="Quality Check",
        day=date(2026, 7, 3),
        posted_at=datetime(2026, 7, 3, 9, tzinfo=UTC),
        stories=written,
        bottom_line=bottom_line,
        written_by="the quality check",
    )
    top, bottom = render_brief(brief)["md"].split("## Bottom Line")
    found = []
    sections = _STORY_HEADING.split(top)[1:]
    for number, section in zip(sections[::2], sections[1::2], strict=True):
        facts = SourceFacts.of(story_texts(written[int(number) - 1].story))
        for field, text in _STORY_FIELD.findall(section):
            if facts.unsupported(_unescape(text)):
                found.append(f"story {number} {field}: {text}")
    for text, numbers in _BULLET.findall(bottom):
        origins = [written[int(n) - 1] for n in numbers.split(", ")]
        facts = SourceFacts.of(
            [part for w in origins for part in (w.story.lead.title, w.text.summary)]
            + [w.text.why_it_matters for w in origins]
        )
        if facts.unsupported(_unescape(text)):
            found.append(f"Bottom Line: {text}")
    if len(sections) // 2 != len(written):
        found.append(f"the brief shows {len(sections) // 2} of {len(written)} stories")
    return found


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)
