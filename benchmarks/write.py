"""Writing: briefbot's writer against the same model called directly with the same prompt.

For the first demo stories of a few outlets: generated tokens per second through the writer
(its checks, grounding gate, retries, cache and audit rows included) and through a bare
llama.cpp call with the writer's first prompt; the writer's overhead is the shortfall (goal
under 5%), and its time outside the model. Also the prompt tokens a story costs, against the
tokens of the article's HTML page (the writer should send the story's useful text, not the page).

    .venv/bin/python -m benchmarks.write [--stories 4] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml
from llama_cpp import Llama

from benchmarks.figures import Figure
from briefbot.config import EmbeddedSettings
from briefbot.demo.site import NEWS_FILE, build_site
from briefbot.models import Item, Story
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.backends import EmbeddedBackend
from briefbot.write.model_files import MODEL_FILES, model_path
from briefbot.write.prompts import STORY_SCHEMA, story_messages
from briefbot.write.writer import STORY_MAX_TOKENS


def demo_stories(count: int) -> list[tuple[Story, bytes]]:
    """The first story of `count` demo outlets, each with its article page's HTML."""
    news = yaml.safe_load(NEWS_FILE.read_text(encoding="utf-8"))
    site = build_site("http://127.0.0.1:8737")
    stories = []
    for outlet in news["outlets"][:count]:
        raw = outlet["items"][0]
        item = Item(
            url=f"http://127.0.0.1:8737/articles/{outlet['slug']}/{raw['slug']}.html",
            title=raw["title"],
            source=outlet["name"],
            source_type="rss",
            published=datetime.now(UTC),
            text=raw["body"],
        )
        page = site[f"/articles/{outlet['slug']}/{raw['slug']}.html"].body
        stories.append((Story(item, (item,), 1.0), page))
    return stories


def _article_tokens(llama: Llama, story: Story) -> int:
    """Tokens the story's own text adds to a prompt."""
    article = story_messages(story)[-1]["content"]
    return len(llama.tokenize(article.encode())) - len(
        llama.tokenize(story_messages(_without_text(story))[-1]["content"].encode())
    )


def _without_text(story: Story) -> Story:
    lead = dataclasses.replace(story.lead, text=" ", title="")
    return dataclasses.replace(story, lead=lead, items=(lead,))


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=4)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    arguments = parser.parse_args(argv)
    stories = demo_stories(arguments.stories)
    settings = EmbeddedSettings(model=arguments.model)

    backend = EmbeddedBackend(settings, temperature=0.2)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "write.db") as store:
        writer = Writer([backend], store)
        writer.write_story(stories[0][0])  # loads the model; not timed
        writer.stats = type(writer.stats)()
        started = time.perf_counter()
        for story, _ in stories[1:] or stories:
            writer.write_story(story)
        wall = time.perf_counter() - started
    stats = writer.stats
    through = stats.completion_tokens / wall
    outside_model = (wall - stats.model_seconds) / wall

    llama = Llama(
        model_path=str(model_path(MODEL_FILES[arguments.model])),
        n_ctx=settings.context_tokens,
        n_threads=settings.threads or os.cpu_count() or 2,
        seed=0,
        verbose=False,
    )
    tokens, seconds = 0, 0.0
    for story, _ in stories[1:] or stories:
        started = time.perf_counter()
        result = llama.create_chat_completion(
            messages=story_messages(story),
            response_format={"type": "json_object", "schema": STORY_SCHEMA},
            temperature=0.2,
            max_tokens=STORY_MAX_TOKENS,
        )
        seconds += time.perf_counter() - started
        tokens += result["usage"]["completion_tokens"]
    direct = tokens / seconds
    shortfall = 1 - through / direct
    prompt_per_call = stats.prompt_tokens / max(stats.model_calls, 1)
    article_tokens = sum(_article_tokens(llama, story) for story, _ in stories) / len(stories)
    page_tokens = sum(len(llama.tokenize(page)) for _, page in stories) / len(stories)
    instructions = prompt_per_call - article_tokens

    print(f"writer vs a direct llama.cpp call, {arguments.model}, {len(stories)} demo stories")
    print(
        f"  through the writer: {stats.completion_tokens} tokens in {wall:.1f} s = "
        f"{through:.1f} tok/s ({stats.model_calls} calls, {stats.retries} retries)"
    )
    print(f"  direct: {tokens} tokens in {seconds:.1f} s = {direct:.1f} tok/s")
    print(
        f"  writer's shortfall in tokens/s: {shortfall:.1%}; its time outside the model: "
        f"{outside_model:.2%} (goal for both < 5%; retries reuse the cached prompt prefix, "
        "so the writer can come out faster)"
    )
    print(
        f"  prompt tokens per call: {prompt_per_call:.0f}: the story's text {article_tokens:.0f}, "
        f"instructions and the worked example {instructions:.0f}; the article's HTML page "
        f"would be {page_tokens:.0f}"
    )
    return [
        Figure(
            "write: the writer's time outside the model (tokens/s: writer vs a direct call)",
            f"{outside_model:.2%} ({through:.1f} vs {direct:.1f} tok/s)",
            "overhead < 5%",
            outside_model < 0.05 and shortfall < 0.05,
        ),
        Figure(
            "write: prompt tokens per call: the story's text (its HTML page)",
            f"{prompt_per_call:.0f}: {article_tokens:.0f} ({page_tokens:.0f}) + "
            f"{instructions:.0f} instructions and example",
            "the text, not the page",
            article_tokens < page_tokens,
        ),
    ]


if __name__ == "__main__":
    main()
