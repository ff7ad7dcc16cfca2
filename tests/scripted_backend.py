"""A backend that answers with drafts a test writes: for testing what the writer does with
good, wrong, copying or hostile drafts, which no real model can be made to write on demand.
It answers in the embedded model's labelled format (SUMMARY: / WHY IT MATTERS:), so the
writer parses it exactly as it parses the embedded model's answers, and records each call."""

from __future__ import annotations

from collections.abc import Callable

from briefbot.write.backends import Completion, Messages
from briefbot.write.engine import Sampling, Section


def draft(summary: str, why: str = "") -> str:
    return f"SUMMARY: {summary}\nWHY IT MATTERS: {why}"


class ScriptedBackend:
    """`answer(messages, count)` gives the raw texts of a call's drafts."""

    name = "scripted"
    model = "scripted-drafts"
    structured = False
    spreads = False
    capacity = 1
    in_flight = 0

    def __init__(self, answer: Callable[[Messages, int], list[str]]) -> None:
        self._answer = answer
        self.calls: list[Messages] = []

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        return self.candidates(
            messages, [Sampling(temperature or 0.0, seed or 0)], max_tokens, schema
        )[0]

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        self.calls.append(messages)
        texts = self._answer(messages, len(samplings))
        texts = (texts + [""] * len(samplings))[: len(samplings)]
        return [Completion(text, 10, 10) for text in texts]


def by_prompt(story_drafts: list[str], note_drafts: list[str] = (), bottom_line: str = ""):
    """An `answer` that gives `story_drafts` to a story prompt, `note_drafts` to a note retry
    and `bottom_line` to the Bottom Line."""

    def answer(messages: Messages, count: int) -> list[str]:
        prompt = messages[-1]["content"]
        if prompt.startswith("Today's stories"):
            return [bottom_line] * count
        if "Write only WHY IT MATTERS" in prompt:
            return list(note_drafts)
        return list(story_drafts)

    return answer
