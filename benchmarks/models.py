"""Compare the installed embedded models on a few demo stories, through the writer's engine.

For each model of MODEL_FILES whose weights are installed: file size, load time, prompt
evaluation and generation speed (tokens/s on this machine), seconds per story, and three text
checks of its one-candidate draft (the writer's own prompt and labelled parts): words per
Summary, the share of Summary words copied verbatim (8-word runs) from the article, and the
share of drafts whose Summary passes the writer's checks. Speeds are also given as ratios to the
default model, measured in the same run. Each story is timed twice on the same prompt: its
prompt alone (one token generated), then the draft, whose prompt is then in the cache, so that
call's time is the generation's.

    .venv/bin/python -m benchmarks.models [--stories 3] [--models NAME ...] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

from benchmarks.demo import demo_stories
from benchmarks.figures import Figure
from briefbot.config import EmbeddedSettings, ModelSettings
from briefbot.models import Story
from briefbot.write import checks
from briefbot.write import story as story_writing
from briefbot.write.engine import Engine
from briefbot.write.model_files import MODEL_FILES, ModelFileError, model_path
from briefbot.write.prompts import parse_draft, story_messages
from briefbot.write.select import check_summary

DEFAULT = EmbeddedSettings().model
MAX_TOKENS, SECTIONS = story_writing.STORY_MAX_TOKENS, story_writing.STORY_SECTIONS


@dataclass(frozen=True)
class Row:
    """One model's figures: MB, s, tokens/s, s, words, shares 0..1."""

    model: str
    size_mb: float
    load_s: float
    prompt_tok_s: float
    gen_tok_s: float
    s_per_story: float
    summary_words: float
    copied: float
    passed: float


def measure(name: str, stories: list[Story], threads: int | None) -> Row | None:
    """The model's row, or None (said why) when its weights are not installed."""
    try:
        path = model_path(MODEL_FILES[name])
    except ModelFileError as error:
        print(f"skip {name}: {error}")
        return None
    settings = EmbeddedSettings(model=name, threads=threads)
    started = time.perf_counter()
    engine = Engine(
        path,
        context_tokens=settings.context_tokens,
        threads=settings.threads or os.cpu_count() or 2,
        sequences=1,
    )
    load = time.perf_counter() - started
    evaluated = generated = 0
    prompt_seconds = generation_seconds = 0.0
    words, copied, passed = [], [], []
    try:
        for story in stories:
            work = story_writing.plan(story)
            messages = story_messages(story, work.facts, work.kind, structured=False)
            draws = story_writing.samplings(story, 1, ModelSettings().temperature)
            started = time.perf_counter()
            prompt = engine.generate(messages, draws, 1)
            prompt_seconds += time.perf_counter() - started
            evaluated += prompt.prompt_evaluated
            started = time.perf_counter()
            result = engine.generate(messages, draws, MAX_TOKENS, sections=SECTIONS)
            generation_seconds += time.perf_counter() - started
            draft = result.candidates[0]
            generated += draft.tokens
            summary = parse_draft(draft.text, structured=False).summary
            words.append(len(summary.split()))
            copied.append(checks.copied_share(summary, work.article))
            checked = check_summary(
                summary, work.verifier, work.article, work.subject_names, work.example_words
            )
            passed.append(checked.ok)
    finally:
        engine.close()
    count = len(stories)
    return Row(
        name,
        path.stat().st_size / 1e6,
        load,
        evaluated / prompt_seconds,
        generated / generation_seconds,
        (prompt_seconds + generation_seconds) / count,
        sum(words) / count,
        sum(copied) / count,
        sum(passed) / count,
    )


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=3)
    parser.add_argument("--models", nargs="*", default=list(MODEL_FILES), choices=MODEL_FILES)
    parser.add_argument("--threads", type=int, help="CPU threads (default: every core)")
    arguments = parser.parse_args(argv)
    stories = [demo.story for demo in demo_stories(arguments.stories)]
    rows = [row for name in arguments.models if (row := measure(name, stories, arguments.threads))]
    if not rows:
        return []
    base = next((row for row in rows if row.model == DEFAULT), rows[0])
    print(f"\n{len(stories)} demo stories, {os.cpu_count()} cores; ratios against {base.model}")
    print(
        f"{'model':<20}{'size MB':>9}{'load s':>8}{'prompt tok/s':>14}{'gen tok/s':>11}"
        f"{'gen x':>7}{'s/story':>9}{'story x':>9}{'words':>7}{'copied':>8}{'passed':>8}"
    )
    for row in rows:
        print(
            f"{row.model:<20}{row.size_mb:>9.0f}{row.load_s:>8.1f}{row.prompt_tok_s:>14.0f}"
            f"{row.gen_tok_s:>11.1f}{row.gen_tok_s / base.gen_tok_s:>7.2f}"
            f"{row.s_per_story:>9.1f}{base.s_per_story / row.s_per_story:>9.2f}"
            f"{row.summary_words:>7.0f}{row.copied:>8.0%}{row.passed:>8.0%}"
        )
    return [
        Figure(
            f"models: {row.model}, seconds per story (x {base.model}); Summary passed",
            f"{row.s_per_story:.1f} s ({base.s_per_story / row.s_per_story:.2f}x); "
            f"{row.passed:.0%}",
        )
        for row in rows
    ]


if __name__ == "__main__":
    main()
