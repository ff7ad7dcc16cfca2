"""The writer's quality check, quick form: 6 of the 24 invented stories with planted facts,
written by a real model (the tiny one: it invents freely, which is what the gate is for),
rendered and read back; no ungrounded number, name or quote may reach the brief.
benchmarks/quality.py runs all 24 with the default model."""

from __future__ import annotations

from pathlib import Path

from briefbot.config import EmbeddedSettings
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.backends import EmbeddedBackend
from briefbot.write.quality import load_cases, measure, ungrounded_in_brief

QUALITY_FILE = Path(__file__).parent / "data" / "quality_stories.yaml"


def test_the_quality_file_has_enough_planted_facts():
    cases = load_cases(QUALITY_FILE)
    assert len(cases) >= 20
    for case in cases:  # every key fact is in its story, so a summary can mention it
        assert case.key_facts
        assert all(fact.lower() in case.story.lead.text.lower() for fact in case.key_facts)


def test_no_ungrounded_text_reaches_the_brief(tmp_path):
    cases = load_cases(QUALITY_FILE)[::4]  # six stories of different kinds
    backend = EmbeddedBackend(EmbeddedSettings(model="smollm2-135m"), temperature=0.2)
    with Store(tmp_path / "quality.db") as store:
        writer = Writer([backend], store)
        report = measure(writer, cases)
        bottom_line = writer.write_bottom_line(list(report.written))
    print("\n" + "\n".join(report.lines()))
    assert report.grounded_outputs == 1.0
    assert 3 <= len(bottom_line) <= 5
    assert ungrounded_in_brief(list(report.written), bottom_line) == []
