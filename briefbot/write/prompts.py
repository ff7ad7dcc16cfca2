"""Prompts and output formats. The prompt texts live in templates/prompts/; their content is part
of PROMPT_VERSION, and so of the cache key: editing a prompt re-writes the next brief.

Static text comes first and the story last, so that consecutive calls share the longest prefix
(llama.cpp then evaluates only the story): the system prompt, then the worked example of the
story's kind, then what to write (the same words that open the example's message), then the
story's title and its most informative sentences. Stories are written
grouped by kind for the same reason. The embedded model answers in a plain labelled format
(`SUMMARY: ...` / `WHY IT MATTERS: ...`) that code parses, since a JSON grammar makes llama.cpp
generate about 40% slower; model servers get a JSON schema, which they apply cheaply.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from briefbot.models import Story, WrittenStory
from briefbot.render import templates_dir
from briefbot.write.evidence import SourceSentence
from briefbot.write.kinds import Kind

if TYPE_CHECKING:
    from briefbot.write.bottom_line import Link

PROMPT_LABEL = "v5"
TITLE_CHARS = 200  # a title longer than this is cut for the prompt (the rendered one is not)
_PROMPTS = templates_dir() / "prompts"

Messages = list[dict[str, str]]


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
NOTE_SCHEMA = {
    "type": "object",
    "properties": {"why_it_matters": {"type": "string", "maxLength": 240}},
    "required": ["why_it_matters"],
}
BOTTOM_LINE_SCHEMA = {
    "type": "object",
    "properties": {
        "lede": {"type": "string", "maxLength": 200},
        "bullets": {
            "type": "array",
            "items": {"type": "string", "minLength": 20, "maxLength": 220},
            "minItems": 1,
            "maxItems": 5,
        },
    },
    "required": ["lede", "bullets"],
}


@dataclass(frozen=True)
class Draft:
    """One candidate's texts as the model wrote them (empty where it wrote nothing usable)."""

    summary: str
    why_it_matters: str


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
def examples() -> dict[str, dict]:
    """The worked example of each kind (templates/prompts/story_examples.yaml)."""
    return yaml.safe_load((_PROMPTS / "story_examples.yaml").read_text(encoding="utf-8"))


def prompt_title(story: Story) -> str:
    return prompt_title_text(story.lead.title)


def earlier_line(story: Story) -> str:
    """The earlier story this one continues, as the prompt states it ("" when none)."""
    earlier = story.continues
    if earlier is None or story.lead.published is None:
        return ""
    days = (story.lead.published.date() - earlier.day).days
    ago = "the day before" if days <= 1 else f"{days} days before"
    return f"{prompt_title_text(earlier.title)} (an earlier brief, {ago}, on {earlier.day})"


def prompt_title_text(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def answer_text(draft: Draft, structured: bool) -> str:
    """A draft as the model is asked to write it: JSON, or the two labelled lines."""
    if structured:
        return json.dumps({"summary": draft.summary, "why_it_matters": draft.why_it_matters})
    return f"SUMMARY: {draft.summary}\nWHY IT MATTERS: {draft.why_it_matters}"


def story_messages(
    story: Story,
    facts: list[SourceSentence],
    kind: Kind,
    *,
    structured: bool,
    problems: list[str] | None = None,
) -> Messages:
    """The system prompt, the kind's worked example, then the story's title and facts."""
    example = examples()[kind.value]
    common = {"why_instruction": example["why"], "subject_word": example["subject"]}
    return [
        {"role": "system", "content": _render("system.txt.j2", structured=structured)},
        {
            "role": "user",
            "content": _render(
                "story.txt.j2",
                title=example["title"],
                facts=example["facts"],
                earlier="",
                problems=[],
                **common,
            ),
        },
        {
            "role": "assistant",
            "content": answer_text(
                Draft(example["summary"], example["why_it_matters"]), structured
            ),
        },
        {
            "role": "user",
            "content": _render(
                "story.txt.j2",
                title=prompt_title(story),
                facts=[fact.text for fact in facts],
                earlier=earlier_line(story),
                problems=problems or [],
                **common,
            ),
        },
    ]


def note_messages(
    story: Story,
    facts: list[SourceSentence],
    kind: Kind,
    summary: str,
    problems: list[str],
    *,
    structured: bool,
) -> Messages:
    """One more try at "Why It Matters" alone, with what was wrong before named."""
    example = examples()[kind.value]
    return [
        {"role": "system", "content": _render("system.txt.j2", structured=structured)},
        {
            "role": "user",
            "content": _render(
                "why.txt.j2",
                title=prompt_title(story),
                facts=[fact.text for fact in facts],
                earlier=earlier_line(story),
                summary=summary,
                problems=problems,
                why_instruction=example["why"],
                subject_word=example["subject"],
                structured=structured,
            ),
        },
    ]


_LABEL = re.compile(
    r"^[\s*#>_-]*(summary|why it matters|why_it_matters)\s*[*_]*\s*:\s*", re.I | re.M
)


def parse_draft(raw: str, structured: bool) -> Draft:
    """The texts of a model's answer: JSON (repaired when cut off) or the labelled lines."""
    if structured or raw.lstrip().startswith("{"):
        parsed = parse_json(raw) or {}
        return Draft(
            str(parsed.get("summary", "")).strip(), str(parsed.get("why_it_matters", "")).strip()
        )
    parts = _LABEL.split(raw)
    fields: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2], strict=False):
        key = "summary" if label.lower().startswith("summary") else "why"
        fields.setdefault(key, " ".join(value.replace("**", "").split()))
    return Draft(fields.get("summary", ""), fields.get("why", ""))


@cache
def bottom_line_example() -> dict:
    """The Bottom Line's worked example (templates/prompts/bottom_line_example.yaml)."""
    return yaml.safe_load((_PROMPTS / "bottom_line_example.yaml").read_text(encoding="utf-8"))


def bottom_line_messages(
    stories: list[WrittenStory], kinds: list[Kind], links: list[Link], *, structured: bool
) -> Messages:
    """The worked example (bottom_line_example.yaml), then the day's stories and the planned
    bullets (`bottom_line.plan`) to write."""
    example = bottom_line_example()
    listing = [
        {
            "number": number,
            "kind": kind.value,
            "title": prompt_title(written.story),
            "summary": written.text.summary,
            "why": written.text.why_it_matters,
        }
        for number, (written, kind) in enumerate(zip(stories, kinds, strict=True), start=1)
    ]
    shown = [
        {"number": n, "kind": s["kind"], "title": s["title"], "summary": s["summary"], "why": ""}
        for n, s in enumerate(example["stories"], start=1)
    ]
    example_links = [
        _Connection(tuple(link["stories"]), link["reason"]) for link in example["links"]
    ]
    if structured:
        answer = json.dumps({"lede": example["lede"], "bullets": example["bullets"]})
    else:
        answer = "\n".join(
            [f"LEDE: {example['lede']}"]
            + [
                f"{link.header} {text}"
                for link, text in zip(example_links, example["bullets"], strict=True)
            ]
        )
    return [
        {"role": "system", "content": _render("system.txt.j2", structured=structured)},
        {
            "role": "user",
            "content": _render(
                "bottom_line.txt.j2", stories=shown, links=example_links, structured=structured
            ),
        },
        {"role": "assistant", "content": answer},
        {
            "role": "user",
            "content": _render(
                "bottom_line.txt.j2", stories=listing, links=links, structured=structured
            ),
        },
    ]


def bullet_header(stories: tuple[int, ...], reason: str) -> str:
    """The label a Bottom Line bullet is written after: "BULLET (stories 1, 5; both name X):"."""
    numbers = ", ".join(str(n) for n in stories)
    which = "story" if len(stories) == 1 else "stories"
    return f"BULLET ({which} {numbers}; {reason}):"


@dataclass(frozen=True)
class _Connection:
    """A planned bullet of the worked example, shaped like `bottom_line.Link`."""

    stories: tuple[int, ...]
    reason: str

    @property
    def header(self) -> str:
        return bullet_header(self.stories, self.reason)


def parse_json(raw: str) -> dict | None:
    from briefbot.write.checks import parse_json_object

    return parse_json_object(raw)
