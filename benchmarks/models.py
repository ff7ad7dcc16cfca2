"""Compare the embedded model candidates on the demo day's stories.

For each installed candidate: install size, load time, prompt and generation speed (tokens/s
on this machine), seconds per story, and two text checks: words per summary and the share of
summary words copied verbatim (8-word runs) from the article. Speeds are also given as ratios
to the default model, measured in the same run.

    .venv/bin/python -m benchmarks.models [--stories 3]
"""

from __future__ import annotations

import argparse
import os
import time

from llama_cpp import Llama

from benchmarks.write import demo_stories
from briefbot.models import Story
from briefbot.write import checks
from briefbot.write.model_files import MODEL_FILES, ModelFileError, model_path
from briefbot.write.prompts import STORY_SCHEMA, story_messages

DEFAULT = "qwen2.5-coder-1.5b"


def measure(name: str, stories: list[Story]) -> dict | None:
    try:
        path = model_path(MODEL_FILES[name])
    except ModelFileError as error:
        print(f"skip {name}: {error}")
        return None
    started = time.perf_counter()
    llm = Llama(model_path=str(path), n_ctx=4096, n_threads=os.cpu_count(), seed=0, verbose=False)
    load = time.perf_counter() - started
    prompt_tokens = completion_tokens = 0
    prompt_seconds = generation_seconds = 0.0
    words, copied = [], []
    story_seconds = []
    for story in stories:
        messages = story_messages(story)
        llm.reset()  # no prompt cache between calls: each is measured cold
        started = time.perf_counter()
        llm.create_chat_completion(messages=messages, max_tokens=1)
        prompt_only = time.perf_counter() - started
        llm.reset()
        started = time.perf_counter()
        result = llm.create_chat_completion(
            messages=messages,
            response_format={"type": "json_object", "schema": STORY_SCHEMA},
            temperature=0.2,
            max_tokens=320,
        )
        elapsed = time.perf_counter() - started
        story_seconds.append(elapsed)
        prompt_tokens += result["usage"]["prompt_tokens"]
        prompt_seconds += prompt_only
        completion_tokens += result["usage"]["completion_tokens"]
        generation_seconds += max(elapsed - prompt_only, 1e-6)
        text = result["choices"][0]["message"]["content"] or ""
        summary = str((checks.parse_json_object(text) or {}).get("summary", ""))
        words.append(len(summary.split()))
        copied.append(checks.copied_share(summary, story.lead.text))
    return {
        "model": name,
        "size_mb": path.stat().st_size / 1e6,
        "load_s": load,
        "prompt_tok_s": prompt_tokens / prompt_seconds,
        "gen_tok_s": completion_tokens / generation_seconds if generation_seconds else 0.0,
        "s_per_story": sum(story_seconds) / len(story_seconds),
        "summary_words": sum(words) / len(words),
        "copied": sum(copied) / len(copied),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=3)
    arguments = parser.parse_args()
    stories = [story for story, _ in demo_stories(arguments.stories)]
    rows = [row for name in MODEL_FILES if (row := measure(name, stories))]
    baseline = next((row for row in rows if row["model"] == DEFAULT), rows[0])
    print(
        f"\n{len(stories)} demo stories, {os.cpu_count()} cores; ratios against {baseline['model']}"
    )
    print(
        f"{'model':<20}{'size MB':>9}{'load s':>8}{'prompt tok/s':>14}{'gen tok/s':>11}"
        f"{'gen x':>7}{'s/story':>9}{'story x':>9}{'words':>7}{'copied':>8}"
    )
    for row in rows:
        print(
            f"{row['model']:<20}{row['size_mb']:>9.0f}{row['load_s']:>8.1f}{row['prompt_tok_s']:>14.0f}"
            f"{row['gen_tok_s']:>11.1f}{row['gen_tok_s'] / baseline['gen_tok_s']:>7.2f}"
            f"{row['s_per_story']:>9.1f}{baseline['s_per_story'] / row['s_per_story']:>9.2f}"
            f"{row['summary_words']:>7.0f}{row['copied']:>8.0%}"
        )


if __name__ == "__main__":
    main()
