"""A backend that passes every call to another and keeps what each answered: for benchmarks
that re-check the drafts the writer saw, without reaching into the writer."""

from __future__ import annotations

from dataclasses import dataclass

from briefbot.write.backends import Backend, Completion, Messages
from briefbot.write.engine import Sampling, Section


@dataclass(frozen=True)
class Call:
    """One `candidates` call: the labelled parts asked for, and each draft's raw text."""

    sections: tuple[Section, ...]
    texts: list[str]


class RecordingBackend:
    """`inner` under the same name and model (so the cache keys are the same), recording each
    `candidates` call in `calls`, in order."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.structured = inner.structured
        self.spreads = inner.spreads
        self.capacity = inner.capacity
        self.in_flight = 0
        self.calls: list[Call] = []

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        return self.inner.complete(messages, schema, max_tokens, temperature, seed)

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        completions = self.inner.candidates(messages, samplings, max_tokens, schema, sections)
        self.calls.append(Call(tuple(sections), [completion.text for completion in completions]))
        return completions
