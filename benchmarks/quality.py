"""Writing quality with the default model on the labelled claims set, judged by the fact oracle.

The writer (ModelSettings defaults: 3 candidates, every check, the extract fallback) writes each
invented story of tests/data/claims_set.yaml; tests/quality.py measures what it shows with the
independent fact oracle (tests/fact_oracle.py over tests/data/claims_facts.yaml), never with the
writer's own verifier. Figures: stories whose shown text misstates a fact (goal 0), stories with
a Why It Matters (goal >= 95%), summaries that are extracts (goal <= 10%), seconds per story,
drafts per story and the share whose Summary, and whose note, passed the writer's checks. The
tiny-model version of this check runs in the test suite (tests/test_quality.py).

    .venv/bin/python -m benchmarks.quality [--stories N] [--model NAME] [--threads N] [--show]
                                           [--db FILE]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.figures import Figure, table
from benchmarks.options import add_model_options, embedded_settings
from briefbot.config import ModelSettings
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.backends import EmbeddedBackend
from tests.quality import Report, load_cases, measure

MOST_COMMON = 25


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_options(parser)
    parser.add_argument("--stories", type=int, default=None, help="the first N (default: all)")
    parser.add_argument("--show", action="store_true", help="print every text written")
    parser.add_argument(
        "--db", type=Path, help="keep the model's answers in this SQLite file, reused on a re-run"
    )
    arguments = parser.parse_args(argv)
    cases = load_cases(arguments.stories)
    defaults = ModelSettings()
    backend = EmbeddedBackend(embedded_settings(arguments), defaults.temperature)
    with (
        tempfile.TemporaryDirectory() as folder,
        Store(arguments.db or Path(folder) / "quality.db") as store,
    ):
        writer = Writer(
            [backend], store, candidates=defaults.candidates, temperature=defaults.temperature
        )
        report = measure(writer, cases)
    stats = writer.stats
    print(
        f"writing quality, {arguments.model}, {defaults.candidates} candidates, "
        f"{report.stories} labelled stories"
    )
    for line in report.lines():
        print(f"  {line}")
    drafts = max(stats.drafts, 1)
    print(
        f"  drafts: {stats.drafts} ({stats.drafts / report.stories:.1f} a story), Summary passed "
        f"{stats.drafts_passed / drafts:.0%}, note passed {stats.notes_passed / drafts:.0%}; "
        f"{stats.model_calls} model calls, {stats.note_retries} note retries, "
        f"{stats.model_seconds:.0f} s in the model"
    )
    for problem in report.misstating:
        print(f"    misstates: {problem}")
    print("  why drafts were refused (each check failed, by kind):")
    for kind, count in refusal_kinds(stats.refusals).most_common(MOST_COMMON):
        print(f"    {count:4d}  {kind}")
    echoes = Counter(
        word
        for refusal in stats.refusals
        if (found := re.search(r"echoes the worked example \((.+)\)", refusal))
        for word in found.group(1).split(", ")
    )
    print(f"  the worked examples' words drafts echoed: {echoes.most_common(MOST_COMMON)}")
    if arguments.show:
        show(report)
    return figures(report, stats.drafts, stats.drafts_passed, stats.notes_passed)


def refusal_kinds(refusals: list[str]) -> Counter[str]:
    """The writer's refusal reasons counted by kind: a verdict's claim word ("71.0: the
    sources give it to kite, not heron") and quoted or listed words dropped, names and numbers
    masked ("summary: the sources give it to _, not _")."""
    kinds: Counter[str] = Counter()
    for refusal in refusals:
        part, _, reason = refusal.partition(": ")
        reason = re.sub(r"^[^ ]+: (?=the |not |it |no )", "", reason)
        reason = re.sub(r"\(.*?\)|'.*?'|: .*$", "…", reason)
        reason = re.sub(r"\b(to|not|of|from|than|in) (?!the\b|in\b|an?\b)[\w.%-]+", r"\1 _", reason)
        reason = re.sub(r"[0-9][\w.%]*", "N", reason)
        kinds[f"{part}: {reason}"] += 1
    return kinds


def show(report: Report) -> None:
    for written in report.written:
        text = written.text
        print(f"\n# {written.story.lead.title}\n  summary ({text.origin}): {text.summary}")
        origin = f" ({text.note_origin})" if text.why_it_matters else ""
        print(f"  why{origin}: {text.why_it_matters or '(left out)'}")


def figures(report: Report, drafts: int, summaries_passed: int, notes_passed: int) -> list[Figure]:
    count = max(report.stories, 1)
    with_note = report.with_note / count
    extracts = report.extracts / count
    misstating = report.misstating_stories
    return [
        Figure(
            f"write quality: {report.stories} labelled stories whose shown text misstates a fact "
            "(oracle)",
            str(misstating),
            "0",
            misstating == 0,
        ),
        Figure(
            "write quality: stories with a Why It Matters (the model's own; from the facts)",
            f"{with_note:.0%} ({with_note - report.fact_notes / count:.0%}; "
            f"{report.fact_notes / count:.0%})",
            ">= 95%",
            with_note >= 0.95,
        ),
        Figure(
            "write quality: summaries that are extracts",
            f"{extracts:.0%}",
            "<= 10%",
            extracts <= 0.10,
        ),
        Figure("write quality: seconds per story", f"{report.seconds / count:.1f} s"),
        Figure(
            "write quality: drafts per story; their Summary / note passed the checks",
            f"{drafts / count:.1f}; {summaries_passed / max(drafts, 1):.0%} / "
            f"{notes_passed / max(drafts, 1):.0%}",
        ),
    ]


if __name__ == "__main__":
    print(table(main()))
