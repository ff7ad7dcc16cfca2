"""An in-process backend with fixed answers, for tests about runs (repeats, resuming, what is
published, routing) rather than about writing: it needs no model and answers at once, in the
JSON shape the writer asks for. Its texts name nothing of any story, so the writer's checks
refuse them: every summary becomes the article's labelled extract, and the Bottom Line its
factual lines, which is all such tests need."""

from __future__ import annotations

import json

from briefbot.write.backends import Completion, Messages
from briefbot.write.engine import Sampling, Section

SUMMARY = "The article below describes what was announced and what changes for its users."
WHY = "It changes what readers who follow this field can try out this week."
LEDE = "Several announcements today change what readers can try out."
BULLETS = [
    "Several announcements today change what readers can try out.",
    "The sources below give the details of each announcement.",
    "Each story links to its article and to its discussions.",
]


class CannedBackend:
    """Answers every story prompt with SUMMARY and WHY, every Bottom Line with BULLETS."""

    name = "canned"
    model = "canned-answers"
    structured = True
    spreads = False
    capacity = 1
    in_flight = 0

    def __init__(self) -> None:
        self.calls = 0

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        self.calls += 1
        fields = schema.get("properties", {})
        if "bullets" in fields:
            text = json.dumps({"lede": LEDE, "bullets": BULLETS})
        elif "summary" not in fields:
            text = json.dumps({"why_it_matters": WHY})
        else:
            text = json.dumps({"summary": SUMMARY, "why_it_matters": WHY})
        # tokens counted as words: what a server would report, near enough for the audit rows
        prompt = sum(len(message["content"].split()) for message in messages)
        return Completion(text, prompt, len(text.split()))

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        return [self.complete(messages, schema, max_tokens) for _ in samplings]
