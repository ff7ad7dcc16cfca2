"""Prompts and output schemas. The prompt texts live in templates/prompts/; their content is
part of PROMPT_VERSION, and so of the cache key: editing a prompt re-writes the next brief."""

from __future__ import annotations

import hashlib
import json
from functools import cache

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from briefbot.models import Story, WrittenStory
from briefbot.render import templates_dir
from briefbot.write.backends import Messages

PROMPT_LABEL = "v4"
SOURCE_CHARS = 2400
_PROMPTS = templates_dir() / "prompts"


def _prompt_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PROMPTS.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{PROMPT_LABEL}-{digest.hexdigest()[:8]}"


PROMPT_VERSION = _prompt_version()

STORY_SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": 360},
        "why_it_matters": {"type": "string", "maxLength": 240},
    },
    "required": ["summary", "why_it_matters"],
}

BOTTOM_LINE_SCHEMA = {
    "type": "object",
    "properties": {
        "bullets": {
            "type": "array",
            "items": {"type": "string", "minLength": 20, "maxLength": 200},
            "minItems": 3,
            "maxItems": 5,
        }
    },
    "required": ["bullets"],
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_PROMPTS),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,  # plain text for a model, never HTML
    )


def _render(name: str, **values: object) -> str:
    return _environment().get_template(name).render(**values).strip()


@cache
def _example() -> dict:
    return yaml.safe_load((_PROMPTS / "story_example.yaml").read_text(encoding="utf-8"))


def story_source_text(story: Story) -> str:
    """The text the writer sees for a story, cut to a size a small model reads well."""
    text = story.lead.best_text.strip() or story.lead.title
    if len(text) > SOURCE_CHARS:
        text = text[:SOURCE_CHARS].rsplit(" ", 1)[0] + " ..."
    return text


def story_messages(story: Story, problems: list[str] | None = None) -> Messages:
    """The worked example, then the story; `problems` of an earlier answer are named.

    A retry is a fresh conversation rather than a follow-up turn: shown its own answer, a
    small model tends to repeat it.
    """
    example = _example()
    return [
        {"role": "system", "content": _render("system.txt.j2")},
        {
            "role": "user",
            "content": _render(
                "story.txt.j2", title=example["title"], article=example["article"], problems=[]
            ),
        },
        {"role": "assistant", "content": json.dumps(example["answer"])},
        {
            "role": "user",
            "content": _render(
                "story.txt.j2",
                title=story.lead.title,
                article=story_source_text(story),
                problems=problems or [],
            ),
        },
    ]


def bottom_line_messages(stories: list[WrittenStory]) -> Messages:
    listing = [
        {"title": written.story.lead.title, "summary": written.text.summary} for written in stories
    ]
    return [
        {"role": "system", "content": _render("system.txt.j2")},
        {"role": "user", "content": _render("bottom_line.txt.j2", stories=listing)},
    ]
