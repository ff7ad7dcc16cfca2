"""Writing one story: drafts -> checks -> the best draft -> what is shown when none passes.

1. The model writes `candidates` drafts of the Summary and "Why It Matters" from the story's
   most informative sentences (one call: the embedded model decodes them together).
2. Each draft is checked sentence by sentence against everything collected for the story
   (`verify.py`) and by the writer's rules (`select.py`); the best passing Summary and the best
   passing note are kept, each on its own.
3. No Summary passed: the article's own opening sentences, labelled as an extract (or, failing
   that, the verified first sentence of a draft). No note passed: for a security story, a
   release, a dataset, a tool's release or a leaderboard story, a fixed sentence of its kind
   filled with its facts (fact_notes.py), checked like any note and labelled; failing that, one
   more call for the note alone, with what was wrong named and as many candidates as the first;
   else it is left out.

Leaderboard stories state their facts from the snapshot itself: the Summary is the data's own
text, and the model writes only why it matters.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property

from briefbot.models import Item, SentenceSource, Story, StoryText, TextOrigin
from briefbot.sentences import split_sentences
from briefbot.write.engine import Sampling, Section
from briefbot.write.evidence import Evidence, SourceSentence, prompt_sentences, story_evidence
from briefbot.write.fact_notes import fact_note
from briefbot.write.grounding import GENERAL_TERMS, NUMBER_WORDS, name_spans
from briefbot.write.injection import without_links
from briefbot.write.kinds import Kind, story_kind
from briefbot.write.prompts import NOTE_SCHEMA, STORY_SCHEMA, examples, note_messages, parse_draft
from briefbot.write.prompts import story_messages as story_prompt
from briefbot.write.select import (
    Checked,
    best_note,
    best_summary,
    check_note,
    check_summary,
    content_stems,
    shortened,
    without_setting,
)
from briefbot.write.verify import STOPWORDS, Verifier

STORY_MAX_TOKENS = 160
NOTE_MAX_TOKENS = 70
EXTRACT_SENTENCES = 2
EXTRACT_WORDS = 60
_MONTHS = {month.lower() for month in [*calendar.month_name[1:], *calendar.month_abbr[1:]]}
TEMPERATURE_STEPS = (0.0, 0.4, 0.7, 0.9)  # added to the configured temperature, per candidate

# (messages, samplings, max_tokens, schema, sections) -> the raw text of each draft
Ask = Callable[[list[dict[str, str]], list[Sampling], int, dict, tuple[Section, ...]], list[str]]
# The labelled parts the embedded model writes (a server answers JSON by the schema instead).
STORY_SECTIONS = (Section("SUMMARY:", 2, 110), Section("WHY IT MATTERS:", 1, 60))
NOTE_SECTIONS = (Section("WHY IT MATTERS:", 1, 60),)

_FULL_VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")  # "1.9.4", not "551.20"


@dataclass
class StoryWork:
    """What writing one story took: for the run's figures."""

    drafts: int = 0
    summaries_passed: int = 0  # drafts whose Summary passed every check
    notes_passed: int = 0
    note_retries: int = 0
    refusals: list[str] = field(default_factory=list)  # "summary: why", "note: why", each draft


@dataclass
class StoryPlan:
    """A story ready to write: its evidence, the sentences the model sees, its kind."""

    story: Story
    evidence: Evidence
    facts: list[SourceSentence]
    kind: Kind
    verifier: Verifier

    @property
    def article(self) -> str:
        """What a draft may not copy: the sentences shown to the model and everything the lead
        item gives (its teaser and its text)."""
        lead = self.story.lead
        return "\n".join([*(fact.text for fact in self.facts), lead.teaser, lead.text])

    @cached_property
    def subject_names(self) -> set[str]:
        """What the story is about, as the texts must name it: the names of its title and of
        its lead's opening sentence ("Bastion Collective"), its sources' own names left out."""
        opening = next((f.text for f in self.evidence.sentences if f.index == 0), "")
        return (
            title_names(self.story.lead.title, self._lower_case)
            | title_names(opening, self._lower_case)
        ) - self._source_words

    @cached_property
    def note_names(self) -> set[str]:
        """What a note may name to be this story's and no other's: the subject's names, or a
        name the facts shown to the model give ("Vantor" where the title speaks of "GPU
        drivers"), or a release's full version they give ("upgrade to 1.9.4"); a bare number
        or size ("551.20", "4-bit") is not a name."""
        named = {
            word.lower().removesuffix("'s").removesuffix("\u2019s")
            for fact in self.facts
            for _, _, name in name_spans(fact.text)
            for word in name.split()
            if word[:1].isalpha()
            and not (word.isupper() and len(word) <= 3)  # a unit or a licence: GB, MIT
            and word.lower() not in _MONTHS
        }
        versions = {v for fact in self.facts for v in _FULL_VERSION.findall(fact.text)}
        return self.subject_names | versions | (named - self._source_words - GENERAL_TERMS)

    @cached_property
    def _source_words(self) -> set[str]:
        """The words of the story's sources' own names ("the inference"): never its subject."""
        return {part.lower() for name in self.story.sources for part in name.split()}

    @cached_property
    def _lower_case(self) -> set[str]:
        """The words the sources write in lower case: never a name's first word."""
        return {
            word
            for sentence in self.evidence.sentences
            for word in re.findall(r"\b[a-z][\w-]*", sentence.text)
        }

    def check_note(self, text: str, summary: str) -> Checked:
        return check_note(
            text,
            self.verifier,
            summary,
            self.note_names,
            self.article,
            self.kind,
            self.example_words,
        )

    @cached_property
    def example_words(self) -> set[str]:
        """The content words of this kind's worked example that are its news (its title, facts
        and summary): copied into another story, they carry the example's facts. The words its
        note adds are the frame a note of this kind may reuse ("anyone choosing a model")."""
        example = examples()[self.kind.value]
        texts = [example["title"], *example["facts"], example["summary"]]
        return set().union(*(content_stems(text) for text in texts))


def plan(story: Story) -> StoryPlan:
    evidence = story_evidence(story)
    return StoryPlan(
        story, evidence, prompt_sentences(evidence), story_kind(story), Verifier(evidence)
    )


def samplings(story: Story, count: int, temperature: float) -> list[Sampling]:
    """`count` draws: the configured temperature first, then warmer ones, each with a seed of
    its own that depends only on the story (a re-run draws the same drafts)."""
    seed = int.from_bytes(hashlib.sha256(story.lead.url.encode()).digest()[:4], "big")
    return [Sampling(min(temperature + TEMPERATURE_STEPS[n], 1.2), seed + n) for n in range(count)]


def write(
    work_plan: StoryPlan,
    ask: Ask,
    *,
    structured: bool,
    candidates: int,
    temperature: float,
    work: StoryWork | None = None,
) -> StoryText:
    """The story's texts (see the module's docstring)."""
    work = work if work is not None else StoryWork()
    story, kind = work_plan.story, work_plan.kind
    draws = samplings(story, candidates, temperature)
    messages = story_prompt(story, work_plan.facts, kind, structured=structured)
    drafts = [
        parse_draft(raw, structured)
        for raw in ask(messages, draws, STORY_MAX_TOKENS, STORY_SCHEMA, STORY_SECTIONS)
    ]
    work.drafts += len(drafts)
    names = work_plan.subject_names
    if kind is Kind.LEADERBOARD and _snapshot_items(story):
        summary = _from_data(story)
    else:

        def recheck(text: str) -> Checked:
            return check_summary(
                text, work_plan.verifier, work_plan.article, names, work_plan.example_words
            )

        checked = [recheck(draft.summary) for draft in drafts]
        work.summaries_passed += sum(draft.ok for draft in checked)
        work.refusals += [f"summary: {problem}" for draft in checked for problem in draft.problems]
        chosen = best_summary(checked, recheck)
        summary = _from_model(chosen) if chosen else _extract(work_plan)
    notes = [work_plan.check_note(draft.why_it_matters, summary.summary) for draft in drafts]
    work.notes_passed += sum(note.ok for note in notes)
    work.refusals += [f"note: {problem}" for note in notes for problem in note.problems]
    note = best_note(notes) or _salvaged(notes, work_plan, summary.summary)
    note_origin = TextOrigin.MODEL
    if note is None and (note := _from_facts(work_plan, summary.summary, work)):
        note_origin = TextOrigin.FACTS
    if note is None:
        note = _retry_note(work_plan, ask, summary.summary, notes, draws, structured, work)
    return StoryText(
        summary.summary, note.text if note else "", summary.origin, summary.sources, note_origin
    )


def _from_facts(work_plan: StoryPlan, summary: str, work: StoryWork) -> Checked | None:
    """The story's note from its facts (fact_notes.py) where its kind has one and it passes
    every note check. Asked before the note's retry: a retry rarely passes (2 of 25 on the
    labelled set, 2026-12-06) and costs a model call, where this sentence is true by making."""
    if not (drafted := fact_note(work_plan.story, work_plan.kind, work_plan.verifier)):
        return None
    checked = work_plan.check_note(drafted, summary)
    work.refusals += [f"fact note: {problem}" for problem in checked.problems]
    return checked if checked.ok else None


def _retry_note(
    work_plan: StoryPlan,
    ask: Ask,
    summary: str,
    failed: list[Checked],
    draws: list[Sampling],
    structured: bool,
    work: StoryWork,
) -> Checked | None:
    """One more call for the note alone, told what was wrong with the best of the failed
    ones; it draws as many candidates as the story's call did (decoded together, they cost
    little more than one), and the best that passes is kept."""
    attempted = [note for note in failed if note.text]
    closest = min(attempted, key=lambda note: len(note.problems), default=None)
    problems = [f"'{closest.text}' ({'; '.join(closest.problems[:2])})"] if closest else []
    messages = note_messages(
        work_plan.story, work_plan.facts, work_plan.kind, summary, problems, structured=structured
    )
    work.note_retries += 1
    raws = ask(messages, draws, NOTE_MAX_TOKENS, NOTE_SCHEMA, NOTE_SECTIONS)
    drafts = [parse_draft(raw, structured) for raw in raws]
    checked = [
        work_plan.check_note(draft.why_it_matters or draft.summary, summary) for draft in drafts
    ]
    return best_note(checked) or _salvaged(checked, work_plan, summary)


def _salvaged(failed: list[Checked], work_plan: StoryPlan, summary: str) -> Checked | None:
    """The best of the failed notes' whole-clause beginnings, or of the notes less a setting
    said only of another build, that pass every check."""
    return best_note(
        [
            work_plan.check_note(text, summary)
            for note in failed
            if note.text and not _fatal_note(note)
            for text in [*shortened(note.text), *without_setting(note.text, note.problems)]
        ]
    )


def _fatal_note(note: Checked) -> bool:
    """A note no cut can save: a link, instructions, the summary again."""
    return any(
        problem.startswith(("it carries a link", "it reads as instructions", "the note only"))
        for problem in note.problems
    )


def title_names(title: str, lower_case: Collection[str] = ()) -> set[str]:
    """The title's names (capitalised words after the first, words with digits), lower case.
    The first word is a name too when the sources never write it in lower case (`lower_case`:
    the words they do): "Shardsync 1.2 adds ...", not "Poisoned copies found ..."."""
    found = set()
    for position, word in enumerate(title.split()):
        bare = word.strip(".,:;!?'\"()").removesuffix("'s").removesuffix("\u2019s")
        if (
            any(char.isdigit() for char in word)
            or (position and word[:1].isupper())
            or (word[1:] != word[1:].lower())
            or (
                not position
                and bare[:1].isupper()
                and bare.lower() not in lower_case
                and bare.lower() not in STOPWORDS
                and bare.lower() not in NUMBER_WORDS
            )
        ):
            key = word.lower().strip(".,:;!?'\"()").removesuffix("'s")
            if key and key not in GENERAL_TERMS:
                found.add(key)
    return found


@dataclass(frozen=True)
class _Summary:
    summary: str
    origin: str
    sources: tuple[SentenceSource | None, ...]


def _source(sentence: SourceSentence | None) -> SentenceSource | None:
    return SentenceSource(sentence.url, sentence.text) if sentence is not None else None


def _from_model(chosen: Checked) -> _Summary:
    return _Summary(chosen.text, TextOrigin.MODEL, tuple(_source(s) for s in chosen.sources))


def _extract(work_plan: StoryPlan) -> _Summary:
    """The lead article's opening sentences (never instruction-like ones, never links), cut to
    EXTRACT_WORDS; the title when the article gives no sentence."""
    opening = [s for s in work_plan.evidence.sentences if s.item == 0 and s.index >= 0]
    opening = opening or [s for s in work_plan.evidence.sentences if s.index >= 0]
    kept: list[SourceSentence] = []
    for sentence in opening[:EXTRACT_SENTENCES]:
        if kept and len(" ".join(s.text for s in [*kept, sentence]).split()) > EXTRACT_WORDS:
            break
        kept.append(sentence)
    if not kept:
        title = work_plan.evidence.sentences[:1]
        kept = list(title)
    text = without_links(" ".join(sentence.text for sentence in kept))
    if len(text.split()) > EXTRACT_WORDS:
        text = " ".join(text.split()[:EXTRACT_WORDS]).rstrip(",;:") + " …"
    return _Summary(text, TextOrigin.EXTRACT, tuple(_source(s) for s in kept))


def _snapshot_items(story: Story) -> list[Item]:
    return [item for item in story.items if item.source_type == "leaderboard"]


def _first_paragraph(item: Item) -> str:
    return " ".join(re.split(r"\n\s*\n", item.text.strip(), maxsplit=1)[0].split())


def _from_data(story: Story) -> _Summary:
    """The story's facts as the leaderboard snapshot states them (collect/leaderboard.py): the
    move or entry the story is about (the one its title names, else the first), with the
    standing's gap and count beside it; the standing alone when nothing moved."""
    items = _snapshot_items(story)
    changes = [item for item in items if item.metadata.get("leaderboard") in ("enters", "moves")]
    standing = next((i for i in items if i.metadata.get("leaderboard") == "standing"), None)
    title = story.lead.title.lower()
    named = [
        item
        for item in changes
        if (model := str(item.metadata.get("model", ""))) and model.lower() in title
    ]
    chosen = (named or changes or [standing or items[0]])[0]
    text = _first_paragraph(chosen)
    if standing is not None and chosen is not standing:
        model = str(chosen.metadata.get("model", ""))
        text += " " + " ".join(
            sentence
            for sentence in split_sentences(_first_paragraph(standing))
            if not model or model not in sentence
        )
    return _Summary(text.strip(), TextOrigin.DATA, ())
