"""An in-process backend with fixed answers, for tests about runs (repeats, resuming, what is
published) rather than about writing: it needs no model and answers at once, in the JSON shape
the writer asks for. Its texts name nothing, so the grounding gate has nothing to refuse."""

from __future__ import annotations

import json

from briefbot.write.backends import Completion, Messages

SUMMARY = "The article below describes what was announced and what changes for its users."
WHY = "It changes what readers who follow this field can try out this week."
BULLETS = [
    "Several announcements today change what readers can try out.",
    "The sources below give the details of each announcement.",
    "Each story links to its article and to its discussions.",
]


class CannedBackend:
    """Answers every story prompt with SUMMARY and WHY, every Bottom Line with BULLETS."""

    name = "canned"
    model = "canned-answers"

    def __init__(self) -> None:
        self.calls = 0

    def complete(
        self, messages: Messages, schema: dict, max_tokens: int, temperature: float | None = None
    ) -> Completion:
        self.calls += 1
        if "bullets" in schema.get("properties", {}):
            return Completion(json.dumps({"bullets": BULLETS}))
        return Completion(json.dumps({"summary": SUMMARY, "why_it_matters": WHY}))
