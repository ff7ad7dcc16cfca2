"""The writer's quality check with the default model: 24 invented stories with planted facts.

Reports the share of first answers whose every number, name and quote is in the source (before
the grounding gate), the share after the gate (goal 100%), the share of summaries that mention
the story's key fact, how often the gate fell back to an extract or left a note out, and the
mean length. The tiny-model version of this check runs in the test suite (tests/test_quality.py).

    .venv/bin/python -m benchmarks.quality [--model qwen2.5-coder-1.5b] [--stories 24]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from briefbot.write.quality import load_cases, measure, ungrounded_in_brief

from benchmarks.figures import Figure
from briefbot.config import EmbeddedSettings
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.backends import EmbeddedBackend

QUALITY_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "quality_stories.yaml"


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--stories", type=int, default=24)
    parser.add_argument("--show", action="store_true", help="print every text written")
    arguments = parser.parse_args(argv)
    cases = load_cases(QUALITY_FILE)[: arguments.stories]
    backend = EmbeddedBackend(EmbeddedSettings(model=arguments.model), temperature=0.2)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "quality.db") as store:
        writer = Writer([backend], store)
        started = time.perf_counter()
        report = measure(writer, cases)
        seconds = time.perf_counter() - started
        bottom_line = writer.write_bottom_line(list(report.written))
    leaks = ungrounded_in_brief(list(report.written), bottom_line)
    print(f"writer quality, {arguments.model}, {seconds / len(cases):.1f} s a story")
    for line in report.lines():
        print(f"  {line}")
    print(f"  model calls: {writer.stats.model_calls} ({writer.stats.retries} retries)")
    print(f"  ungrounded text in the rendered brief: {len(leaks)}")
    for leak in leaks:
        print(f"    {leak}")
    if arguments.show:
        for written in report.written:
            text = written.text
            label = " [extract]" if text.extract else ""
            print(f"\n# {written.story.lead.title}\n  summary{label}: {text.summary}")
            print(f"  why: {text.why_it_matters or '(left out)'}")
    return [
        Figure(
            f"write quality: {report.stories} planted-fact stories, first answers grounded",
            f"{report.grounded_first_answers:.0%}",
        ),
        Figure(
            "write quality: outputs grounded after the gate",
            f"{report.grounded_outputs:.0%}",
            "100%",
            report.grounded_outputs == 1.0,
        ),
        Figure(
            "write quality: ungrounded texts in the rendered brief",
            str(len(leaks)),
            "0",
            not leaks,
        ),
        Figure("write quality: summaries with the key fact", f"{report.key_fact_mentioned:.0%}"),
        Figure(
            "write quality: extracts / notes left out",
            f"{report.extracts:.0%} / {report.notes_left_out:.0%}",
        ),
        Figure(
            "write quality: mean words, summary / note",
            f"{report.mean_summary_words:.0f} / {report.mean_note_words:.0f}",
        ),
    ]


if __name__ == "__main__":
    main()
