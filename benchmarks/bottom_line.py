"""The Bottom Line with the default model on the 12 labelled days (bottom_line_days.yaml).

Each day's stories are written by the writer (ModelSettings defaults: 3 candidates, every
check), so their Why It Matters notes are the model's; then the day's Bottom Line by
`Writer.write_bottom_line`. Every story of the days file lists `facts`: names and numbers that
stand in that story only, the oracle of which stories a bullet draws on.

Figures:
- bullets that restate a story's summary sentence or title (goal 0). Stricter than the writer's
  own check (`bottom_line._Checker._restates`: word-set overlap over 0.55, or over 30% of the
  words in 6-word runs copied from the summaries and titles): overlap over RESTATED_OVERLAP,
  or over RESTATED_COPIED of the words in 6-word runs copied from one sentence;
- days with a bullet that draws on two stories or more (goal: every day);
- bullets whose "(from stories ...)" is exactly right (goal 100%): the stories whose listed facts
  the bullet uses are the stories it cites; a bullet that uses no listed fact is untraceable,
  counted apart, neither right nor wrong;
- the bullets the model wrote, against the plain fact lines (`bottom_line.fact_line`) that stand
  in for failed ones; ledes the model wrote, against the factual one;
- drafts' Why It Matters notes refused as generic ("the note is generic ..."): each story's
  drafts are re-checked as the writer checked them (`StoryPlan.check_note` against the shown
  Summary), from the answers a recording backend kept; then the stories left without a note.

Bullets the writer refused are counted by the reason its checker gave (`_Checker.judge`).

    .venv/bin/python -m benchmarks.bottom_line [--days N] [--model NAME] [--threads N] [--show]
                                               [--db FILE]

With `--db`, the model's answers are kept in that SQLite file and reused on a re-run; its
stored Bottom Lines are dropped first, so a change to the checks is measured on the same
answers, and a change to the prompt asks the model again for the Bottom Lines only.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import Figure, table
from benchmarks.options import add_model_options, embedded_settings
from benchmarks.recording import RecordingBackend
from briefbot.config import ModelSettings
from briefbot.models import BottomLine, Story, StoryText, WrittenStory
from briefbot.sentences import split_sentences
from briefbot.store import Store
from briefbot.write import Writer, bottom_line, checks
from briefbot.write import story as story_writing
from briefbot.write.backends import EmbeddedBackend
from briefbot.write.kinds import story_kind
from briefbot.write.prompts import parse_draft
from tests.test_bottom_line import days, written_day

RESTATED_OVERLAP = 0.45  # the writer refuses over 0.55
RESTATED_COPIED = 0.3  # the writer refuses the same, over the summaries together
GENERIC = "the note is generic"


@dataclass
class Notes:
    """The drafts' Why It Matters notes, as the writer checked them."""

    drafts: int = 0
    generic: int = 0  # of the drafts' notes, refused as generic
    retries: int = 0  # notes asked for once more, alone
    retries_generic: int = 0
    stories: int = 0
    without: int = 0  # stories shown without a note


@dataclass
class Bullets:
    """The Bottom Lines' bullets and ledes, as measured against the days file."""

    days: int = 0
    wide_days: int = 0  # days with a bullet drawing on 2+ stories
    bullets: int = 0
    by_model: int = 0  # the rest are fact lines
    restating: list[str] = field(default_factory=list)
    right: int = 0
    wrong: list[str] = field(default_factory=list)  # "bullet (cites [..], uses facts of [..])"
    untraceable: int = 0
    model_ledes: int = 0


def restates(text: str, written: list[WrittenStory]) -> bool:
    """True when the text is one of the stories' summary sentences or titles again (see the
    module's docstring for the measure)."""
    words = set(checks.words(text))
    for story in written:
        for sentence in [*split_sentences(story.text.summary), story.story.lead.title]:
            other = set(checks.words(sentence))
            if other and len(words & other) / len(words | other) > RESTATED_OVERLAP:
                return True
            if checks.copied_share(text, sentence, span=6) > RESTATED_COPIED:
                return True
    return False


def cited_by_facts(text: str, day: dict) -> set[int]:
    """The stories (from 1) whose listed facts stand in the text."""
    return {
        number
        for number, entry in enumerate(day["stories"], start=1)
        if any(fact in text for fact in entry["facts"])
    }


def write_day(
    writer: Writer, recorder: RecordingBackend, stories: list[Story], notes: Notes
) -> list[WrittenStory]:
    """Each story's texts, in the writer's order (by kind), its drafts' notes re-checked."""
    texts: dict[int, StoryText] = {}
    for number in sorted(range(len(stories)), key=lambda n: story_kind(stories[n]).value):
        story = stories[number]
        before = len(recorder.calls)
        texts[number] = text = writer.write_story(story)
        calls = recorder.calls[before:]
        work = story_writing.plan(story)
        for call in calls:
            retry = call.sections == story_writing.NOTE_SECTIONS
            for raw in call.texts:
                draft = parse_draft(raw, recorder.structured)
                note = draft.why_it_matters or (draft.summary if retry else "")
                generic = any(
                    problem.startswith(GENERIC)
                    for problem in work.check_note(note, text.summary).problems
                )
                if retry:
                    notes.retries += 1
                    notes.retries_generic += generic
                else:
                    notes.drafts += 1
                    notes.generic += generic
        notes.stories += 1
        notes.without += not text.why_it_matters
    return [WrittenStory(story, texts[n]) for n, story in enumerate(stories)]


def measure_line(
    day: dict, written: list[WrittenStory], line: BottomLine, bullets: Bullets
) -> None:
    """Add one day's Bottom Line to the counts."""
    kinds = [story_kind(w.story) for w in written]
    fact_lines = {
        bottom_line.fact_line(written, kinds, link).text
        for link in bottom_line.plan(written, kinds)
    }
    bullets.days += 1
    bullets.wide_days += any(len(point.stories) > 1 for point in line.points)
    bullets.model_ledes += line.lede != bottom_line.factual_lede(kinds)
    for point in line.points:
        bullets.bullets += 1
        bullets.by_model += point.text not in fact_lines
        if restates(point.text, written):
            bullets.restating.append(point.text)
        used = cited_by_facts(point.text, day)
        if not used:
            bullets.untraceable += 1
        elif used == set(point.stories):
            bullets.right += 1
        else:
            cited = list(point.stories)
            bullets.wrong.append(f"{point.text} (cites {cited}, uses facts of {sorted(used)})")


class Refusals(logging.Handler):
    """Counts the bullets the writer's checker refused, by reason (its debug log records)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.reasons: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Bottom Line: a bullet") and isinstance(record.args, tuple):
            _, reason, text = record.args
            reason = str(reason).split(" (")[0]
            self.reasons[reason] += 1
            self.examples.setdefault(reason, str(text))


def forget_bottom_lines(path: Path) -> None:
    """Drop the stored Bottom Lines of a kept database, keeping the model's raw answers."""
    if path.exists():
        with sqlite3.connect(path) as db:
            db.execute("DELETE FROM model_outputs WHERE kind = 'bottom_line'")


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_options(parser)
    parser.add_argument("--days", type=int, default=None, help="the first N days (default: all)")
    parser.add_argument("--show", action="store_true", help="print every Bottom Line")
    parser.add_argument(
        "--db", type=Path, help="keep the model's answers in this SQLite file, reused on a re-run"
    )
    arguments = parser.parse_args(argv)
    if arguments.db:
        forget_bottom_lines(arguments.db)
    refusals = Refusals()
    checker_log = logging.getLogger(bottom_line.__name__)
    checker_log.addHandler(refusals)
    checker_log.setLevel(logging.DEBUG)
    defaults = ModelSettings()
    recorder = RecordingBackend(EmbeddedBackend(embedded_settings(arguments), defaults.temperature))
    notes, bullets = Notes(), Bullets()
    with (
        tempfile.TemporaryDirectory() as folder,
        Store(arguments.db or Path(folder) / "bottom.db") as store,
    ):
        writer = Writer(
            [recorder], store, candidates=defaults.candidates, temperature=defaults.temperature
        )
        for day in days()[: arguments.days]:
            stories = [written.story for written in written_day(day)]
            written = write_day(writer, recorder, stories, notes)
            line = writer.write_bottom_line(written)
            measure_line(day, written, line, bullets)
            if arguments.show:
                show(day, written, line)
    print(f"Bottom Line, {arguments.model}, {bullets.days} labelled days")
    print(f"  {writer.stats.model_calls} model calls, {writer.stats.model_seconds:.0f} s")
    for text in bullets.restating:
        print(f"    restates: {text}")
    for text in bullets.wrong:
        print(f"    attributed wrongly: {text}")
    print(f"  model bullets refused: {sum(refusals.reasons.values())}")
    for reason, count in refusals.reasons.most_common():
        print(f"    {count:3d} {reason}, e.g. {refusals.examples[reason]}")
    return figures(notes, bullets)


def show(day: dict, written: list[WrittenStory], line: BottomLine) -> None:
    print(f"\n# {day['day']}")
    for number, story in enumerate(written, start=1):
        print(f"  [{number}] {story.story.lead.title}")
        print(f"      why: {story.text.why_it_matters or '(left out)'}")
    print(f"  lede: {line.lede}")
    for point in line.points:
        print(f"  - {point.text} (from {list(point.stories)})")


def figures(notes: Notes, bullets: Bullets) -> list[Figure]:
    count = max(bullets.bullets, 1)
    traced = bullets.right + len(bullets.wrong)
    right = bullets.right / traced if traced else 0.0
    drafts = max(notes.drafts, 1)
    print(
        f"  notes: {notes.generic} of {notes.drafts} drafts' notes generic, "
        f"{notes.retries_generic} of {notes.retries} retries; "
        f"{notes.without} of {notes.stories} stories without a note"
    )
    return [
        Figure(
            "bottom line: bullets restating a summary sentence or title (stricter than the check)",
            f"{len(bullets.restating)} of {bullets.bullets}",
            "0",
            not bullets.restating,
        ),
        Figure(
            "bottom line: days with a bullet drawing on 2+ stories",
            f"{bullets.wide_days} of {bullets.days}",
            "all",
            bullets.wide_days == bullets.days,
        ),
        Figure(
            "bottom line: bullets whose cited stories are exactly those of the facts it uses",
            f"{right:.0%} ({bullets.right} of {traced}; {bullets.untraceable} untraceable)",
            "100%",
            traced > 0 and not bullets.wrong,
        ),
        Figure(
            "bottom line: bullets the model wrote (the rest plain fact lines); ledes it wrote",
            f"{bullets.by_model / count:.0%} ({bullets.by_model} of {bullets.bullets}); "
            f"{bullets.model_ledes} of {bullets.days} ledes",
        ),
        Figure(
            "bottom line days: drafts' Why It Matters refused as generic; stories without a note",
            f"{notes.generic / drafts:.0%} ({notes.generic} of {notes.drafts}); "
            f"{notes.without} of {notes.stories} ({notes.without / max(notes.stories, 1):.0%})",
        ),
    ]


if __name__ == "__main__":
    print(table(main()))
