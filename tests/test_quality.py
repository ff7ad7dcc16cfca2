"""The writer's quality check: 24 invented stories with planted facts, written by a real model
(the tiny one here: it invents freely, which is what the gate is for), scored, and rendered;
no ungrounded number, name or quote may reach the brief. benchmarks/quality.py runs the same
check with the default model."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from briefbot.config import EmbeddedSettings
from briefbot.models import Brief
from briefbot.render import render_brief
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.backends import EmbeddedBackend
from briefbot.write.grounding import SourceFacts
from briefbot.write.quality import load_cases, measure
from briefbot.write.writer import story_texts

QUALITY_FILE = Path(__file__).parent / "data" / "quality_stories.yaml"
_STORY = re.compile(r"^### (\d+)\. ", re.M)
_FIELD = re.compile(r"^- \*\*(Summary|Why It Matters)[^:]*:\*\* (.*)$", re.M)
_BULLET = re.compile(r"^- (.*) \*\(from stor(?:y|ies) ([\d, ]+)\)\*$", re.M)


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_no_ungrounded_text_reaches_the_brief(tmp_path):
    cases = load_cases(QUALITY_FILE)
    assert len(cases) >= 20
    backend = EmbeddedBackend(EmbeddedSettings(model="smollm2-135m"), temperature=0.2)
    with Store(tmp_path / "quality.db") as store:
        writer = Writer([backend], store)
        report = measure(writer, cases)
        bottom_line = writer.write_bottom_line(list(report.written))
    print("\n" + "\n".join(report.lines()))
    assert report.grounded_outputs == 1.0

    brief = Brief(
        title="Quality Check",
        day=datetime(2026, 7, 3).date(),
        posted_at=datetime(2026, 7, 3, 9, tzinfo=UTC),
        stories=list(report.written),
        bottom_line=bottom_line,
        written_by="smollm2-135m (embedded)",
    )
    markdown = render_brief(brief)["md"]
    sections = _STORY.split(markdown.split("## Bottom Line")[0])[1:]
    assert len(sections) // 2 == len(cases)
    for number, section in zip(sections[::2], sections[1::2], strict=True):
        facts = SourceFacts.of(story_texts(report.written[int(number) - 1].story))
        for field, text in _FIELD.findall(section):
            assert facts.unsupported(unescape(text)) == [], f"story {number}, {field}: {text}"

    bullets = _BULLET.findall(markdown.split("## Bottom Line")[1])
    assert 3 <= len(bullets) <= 5
    for text, numbers in bullets:
        drawn_from = [report.written[int(n) - 1] for n in numbers.split(", ")]
        facts = SourceFacts.of(
            [part for w in drawn_from for part in (w.story.lead.title, w.text.summary)]
            + [w.text.why_it_matters for w in drawn_from]
        )
        assert facts.unsupported(unescape(text)) == [], text
