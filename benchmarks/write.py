"""Writing speed: the new writing path against today's, both measured in this run on one model file.

- Today's path, emulated: one `Llama.create_chat_completion` per story with the JSON schema as
  the grammar (`response_format`, masking the whole vocabulary at every token) on a prompt that
  carries the whole article (every sentence of the lead's text), STORY_MAX_TOKENS at most.
- The new path: the embedded engine as the writer asks it (`EmbeddedBackend.candidates`): the
  lead's most informative sentences (`prompt_sentences`), the labelled STORY_SECTIONS, no
  grammar, one candidate. Its first pass starts with no saved prompt prefix (a first day); the
  second reads each kind's static part back from the first's (`write/prefixes.py`: any later
  day); then the same prompts with 3 candidates in one call.

Each pass starts from the same prompt cache (an untimed call on one more demo story), and
both reuse the longest cached prompt prefix, as they do in a brief. Figures: seconds per story
and generated tokens/s (prompt evaluation included), new against today's (goal: >= 2x faster
at one candidate); 3 candidates against one; the prompt tokens of a story's own part.

Then the whole brief: the demo day through the real pipeline (`benchmarks.demo.demo_day`, the
demo configuration, ModelSettings defaults: 3 candidates, every check, the planned Bottom
Line) against today's unverified path on the same 5 stories: one call per story and one JSON
Bottom Line call (goal: the write stage's wall time <= the sum of today's calls).

    .venv/bin/python -m benchmarks.write [--stories 4] [--model qwen2.5-coder-1.5b] [--threads N]
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from benchmarks.demo import demo_day, demo_stories
from benchmarks.figures import Figure, table
from benchmarks.options import add_model_options, embedded_settings
from briefbot.config import EmbeddedSettings, ModelSettings
from briefbot.models import Story, StoryText, WrittenStory
from briefbot.write import bottom_line
from briefbot.write import story as story_writing
from briefbot.write.backends import EmbeddedBackend
from briefbot.write.engine import Sampling
from briefbot.write.evidence import story_evidence
from briefbot.write.kinds import story_kind
from briefbot.write.model_files import MODEL_FILES, model_path
from briefbot.write.prompts import (
    BOTTOM_LINE_SCHEMA,
    STORY_SCHEMA,
    Messages,
    bottom_line_messages,
    parse_draft,
    story_messages,
)

OLD_BOTTOM_LINE_TOKENS = 260  # today's Bottom Line call (MAX_TOKENS before the planned one)
BATCH = 3  # candidates in one call, against one


@dataclass(frozen=True)
class Timed:
    """One model call: its wall time (s), the tokens it generated (all candidates), its
    answers."""

    seconds: float
    tokens: int
    texts: list[str]


INSTRUCTION_LINES = 2  # the story prompt's opening lines: what to write (story.txt.j2)


def new_messages(story: Story) -> Messages:
    """The writer's prompt for a story: its chosen sentences, the labelled format."""
    work = story_writing.plan(story)
    return story_messages(story, work.facts, work.kind, structured=False)


def old_messages(story: Story) -> Messages:
    """Today's prompt: the same instructions and worked example, JSON answers, every sentence
    of the lead article, and the instructions after the article (where they were before they
    moved ahead of it to join the reused prefix)."""
    whole = [s for s in story_evidence(story).sentences if s.item == 0 and s.index >= 0]
    messages = story_messages(story, whole, story_kind(story), structured=True)
    return [_instructions_last(m) if m["role"] == "user" else m for m in messages]


def _instructions_last(message: dict[str, str]) -> dict[str, str]:
    lines = message["content"].split("\n")
    return {
        **message,
        "content": "\n".join([*lines[INSTRUCTION_LINES:], *lines[:INSTRUCTION_LINES]]),
    }


def new_call(backend: EmbeddedBackend, story: Story, candidates: int) -> Timed:
    draws = story_writing.samplings(story, candidates, ModelSettings().temperature)
    started = time.perf_counter()
    completions = backend.candidates(
        new_messages(story),
        draws,
        story_writing.STORY_MAX_TOKENS,
        STORY_SCHEMA,
        story_writing.STORY_SECTIONS,
    )
    seconds = time.perf_counter() - started
    tokens = sum(completion.completion_tokens for completion in completions)
    return Timed(seconds, tokens, [completion.text for completion in completions])


def old_call(llama, messages: Messages, schema: dict, max_tokens: int) -> Timed:
    started = time.perf_counter()
    result = llama.create_chat_completion(
        messages=messages,
        response_format={"type": "json_object", "schema": schema},
        temperature=ModelSettings().temperature,
        max_tokens=max_tokens,
    )
    seconds = time.perf_counter() - started
    text = result["choices"][0]["message"]["content"] or ""
    return Timed(seconds, result["usage"]["completion_tokens"], [text])


@dataclass(frozen=True)
class Pass:
    """The calls of one path over the stories."""

    calls: list[Timed]

    @property
    def seconds(self) -> float:
        return sum(call.seconds for call in self.calls)

    @property
    def per_story(self) -> float:
        return self.seconds / len(self.calls)

    @property
    def tokens_per_second(self) -> float:
        return sum(call.tokens for call in self.calls) / self.seconds


def new_pass(backend: EmbeddedBackend, stories: list[Story], warm: Story, count: int) -> Pass:
    """The new path over the stories with `count` candidates, after an untimed call on `warm`
    (which loads the model on first use and leaves the same prompt in the cache each time)."""
    backend.candidates(new_messages(warm), [Sampling(0.0, 0)], 1, STORY_SCHEMA)
    return Pass([new_call(backend, story, count) for story in stories])


def old_pass(llama, stories: list[Story], warm: Story) -> Pass:
    llama.create_chat_completion(messages=old_messages(warm), max_tokens=1)
    max_tokens = story_writing.STORY_MAX_TOKENS
    return Pass([old_call(llama, old_messages(s), STORY_SCHEMA, max_tokens) for s in stories])


def old_brief(llama, stories: list[Story]) -> Pass:
    """Today's unverified brief on the stories: one call each, then one JSON Bottom Line call
    over what they wrote (planned connections, as the Bottom Line prompt now takes them)."""
    max_tokens = story_writing.STORY_MAX_TOKENS
    calls = [old_call(llama, old_messages(story), STORY_SCHEMA, max_tokens) for story in stories]
    drafts = [parse_draft(call.texts[0], structured=True) for call in calls]
    written = [
        WrittenStory(story, StoryText(draft.summary, draft.why_it_matters))
        for story, draft in zip(stories, drafts, strict=True)
    ]
    kinds = [story_kind(story) for story in stories]
    links = bottom_line.plan(written, kinds)
    messages = bottom_line_messages(written, kinds, links, structured=True)
    calls.append(old_call(llama, messages, BOTTOM_LINE_SCHEMA, OLD_BOTTOM_LINE_TOKENS))
    return Pass(calls)


def story_part_tokens(llama, messages: Messages) -> int:
    """Tokens of the prompt's last message: the story's own part (title and facts)."""
    return len(llama.tokenize(messages[-1]["content"].encode(), add_bos=False))


@dataclass(frozen=True)
class BriefRun:
    """The whole brief both ways: the new write stage's wall time and model time (s), its
    model calls, today's calls, and how many stories."""

    write_seconds: float
    model_seconds: float
    model_calls: int
    old: Pass
    stories: int


@dataclass(frozen=True)
class Runs:
    """Everything measured: the three passes, the whole brief, and per story the prompt
    tokens of its own part (new, today's) and of its article's HTML page."""

    model: str
    titles: list[str]
    cold: Pass  # one candidate, no prompt prefix saved yet (a first day)
    one: Pass  # one candidate, each kind's static part saved by the pass before (a later day)
    batched: Pass
    old: Pass
    brief: BriefRun
    new_part: list[int]
    old_part: list[int]
    pages: list[int]


def measure(settings: EmbeddedSettings, count: int) -> Runs:
    """The new path's passes and brief, then today's (loaded only once the new path is done,
    so the two never run side by side)."""
    *shown, warm_up = demo_stories(count + 1)
    stories = [demo.story for demo in shown]
    warm = warm_up.story
    with tempfile.TemporaryDirectory() as folder:
        backend = EmbeddedBackend(
            settings, ModelSettings().temperature, prefixes=Path(folder) / "prefixes"
        )
        cold = new_pass(backend, stories, warm, 1)
        one = new_pass(backend, stories, warm, 1)
        batched = new_pass(backend, stories, warm, BATCH)
        outcome = demo_day(Path(folder) / "out", Path(folder) / "demo.db", [backend])
    report = outcome.report
    brief_stories = [written.story for written in outcome.brief.stories]

    from llama_cpp import Llama  # imported late, like the engine's native library

    llama = Llama(
        model_path=str(settings.path or model_path(MODEL_FILES[settings.model])),
        n_ctx=settings.context_tokens,
        n_threads=settings.threads or os.cpu_count() or 2,
        seed=0,
        verbose=False,
    )
    old = old_pass(llama, stories, warm)
    old_whole = old_brief(llama, brief_stories)
    runs = Runs(
        settings.label,
        [story.lead.title for story in stories],
        cold,
        one,
        batched,
        old,
        BriefRun(
            report.stage_seconds["write"],
            report.model_seconds,
            report.model_calls,
            old_whole,
            len(brief_stories),
        ),
        [story_part_tokens(llama, new_messages(story)) for story in stories],
        [story_part_tokens(llama, old_messages(story)) for story in stories],
        [len(llama.tokenize(demo.page, add_bos=False)) for demo in shown],
    )
    del llama
    gc.collect()
    return runs


def figures(runs: Runs) -> list[Figure]:
    """Print the runs and return their figures."""
    one, batched, old, brief = runs.one, runs.batched, runs.old, runs.brief
    speedup = old.per_story / one.per_story
    first_day = old.per_story / runs.cold.per_story
    print(f"writing, {runs.model}, {len(runs.titles)} demo stories, {os.cpu_count()} cores")
    for number, title in enumerate(runs.titles):
        print(
            f"  {title[:60]:<60} new {runs.cold.calls[number].seconds:5.1f} s, "
            f"prefix saved {one.calls[number].seconds:5.1f} s, "
            f"{BATCH} candidates {batched.calls[number].seconds:5.1f} s, "
            f"today's {old.calls[number].seconds:5.1f} s"
        )
    print(
        f"  per story: new {one.per_story:.1f} s ({one.tokens_per_second:.1f} tok/s), today's "
        f"{old.per_story:.1f} s ({old.tokens_per_second:.1f} tok/s): {speedup:.2f}x (goal >= 2x); "
        f"with no prompt prefix saved yet {runs.cold.per_story:.1f} s: {first_day:.2f}x"
    )
    batch_ratio = batched.per_story / one.per_story
    print(
        f"  {BATCH} candidates in one call: {batched.per_story:.1f} s a story, {batch_ratio:.2f}x "
        f"one candidate ({batched.tokens_per_second:.1f} tok/s over all sequences)"
    )
    new_part, old_part, page = fmean(runs.new_part), fmean(runs.old_part), fmean(runs.pages)
    print(
        f"  prompt tokens of the story's part: new {new_part:.0f}, today's {old_part:.0f} "
        f"(whole article); the article's HTML page {page:.0f}"
    )
    print(
        f"  whole brief ({brief.stories} stories and the Bottom Line): new write stage "
        f"{brief.write_seconds:.1f} s ({brief.model_seconds:.1f} s in {brief.model_calls} model "
        f"calls), today's {brief.old.seconds:.1f} s in {len(brief.old.calls)} calls "
        "(goal: new <= today's)"
    )
    return [
        Figure(
            "write: seconds per story, new path (1 candidate, each kind's prompt prefix saved "
            "by an earlier run) vs today's (JSON grammar, whole article)",
            f"{speedup:.2f}x faster ({one.per_story:.1f} s vs {old.per_story:.1f} s)",
            ">= 2x",
            speedup >= 2,
        ),
        Figure(
            "write: the same on a first day (no prompt prefix saved yet)",
            f"{first_day:.2f}x faster ({runs.cold.per_story:.1f} s vs {old.per_story:.1f} s)",
        ),
        Figure(
            "write: generated tokens/s, new path vs today's",
            f"{one.tokens_per_second:.1f} vs {old.tokens_per_second:.1f} tok/s "
            f"({one.tokens_per_second / old.tokens_per_second:.2f}x)",
        ),
        Figure(
            f"write: {BATCH} candidates in one call vs 1 (seconds per story)",
            f"{batch_ratio:.2f}x ({batched.per_story:.1f} s vs {one.per_story:.1f} s)",
        ),
        Figure(
            "write: prompt tokens of a story's part: chosen sentences vs whole article (HTML page)",
            f"{new_part:.0f} vs {old_part:.0f} ({page:.0f})",
            "fewer than the whole article",
            new_part < old_part,
        ),
        Figure(
            f"whole brief: writing {brief.stories} stories and the Bottom Line, verified with "
            "the defaults vs today's unverified calls",
            f"{brief.write_seconds:.0f} s ({brief.model_seconds:.0f} s in the model) vs "
            f"{brief.old.seconds:.0f} s",
            "new <= today's",
            brief.write_seconds <= brief.old.seconds,
        ),
    ]


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=4)
    add_model_options(parser)
    arguments = parser.parse_args(argv)
    return figures(measure(embedded_settings(arguments), arguments.stories))


if __name__ == "__main__":
    print(table(main()))
