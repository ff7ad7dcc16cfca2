"""The writer: prompts a backend, checks and repairs what comes back, caches the result."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from briefbot.models import Story, StoryText, WrittenStory
from briefbot.store import Store
from briefbot.write import checks
from briefbot.write.backends import Backend, BackendUnavailable, Messages
from briefbot.write.prompts import (
    BOTTOM_LINE_SCHEMA,
    PROMPT_VERSION,
    STORY_SCHEMA,
    bottom_line_messages,
    story_messages,
    story_retry_messages,
    story_source_text,
)

log = logging.getLogger(__name__)

COPIED_SHARE_LIMIT = 0.35
SUMMARY_SENTENCES = 2
WHY_SENTENCES = 2
RETRY_TEMPERATURE = 0.7
STORY_MAX_TOKENS = 320
BOTTOM_LINE_MAX_TOKENS = 400


class NoBackendAvailable(Exception):
    """Every configured backend failed."""


@dataclass(frozen=True)
class StoryAttempt:
    output: dict
    problems: list[str]
    copied: float

    @property
    def badness(self) -> tuple[int, float]:
        """Fewer problems first, then less copied text."""
        return (len(self.problems), self.copied)


@dataclass
class WriterStats:
    model_calls: int = 0
    calls_reused: int = 0  # raw answers saved by an earlier, unfinished run
    cache_hits: int = 0
    retries: int = 0
    model_seconds: float = 0.0
    written_by: list[str] = field(default_factory=list)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Writer:
    """Writes story texts and the Bottom Line through the first backend that answers."""

    def __init__(self, backends: list[Backend], store: Store) -> None:
        self._backends = backends
        self._down: set[int] = set()
        self._store = store
        self.stats = WriterStats()

    def write_story(self, story: Story) -> StoryText:
        source = story_source_text(story)
        first_messages = story_messages(story)

        def produce(backend: Backend) -> dict:
            first = self._story_attempt(backend, first_messages, source, story.lead.title)
            if not first.problems:
                return first.output
            self.stats.retries += 1
            retry_messages = story_retry_messages(story, first.problems)
            second = self._story_attempt(
                backend, retry_messages, source, story.lead.title, RETRY_TEMPERATURE
            )
            return min(first, second, key=lambda attempt: attempt.badness).output

        output = self._cached("story", first_messages, produce)
        return StoryText(summary=output["summary"], why_it_matters=output["why_it_matters"])

    def write_bottom_line(self, stories: list[WrittenStory]) -> list[str]:
        messages = bottom_line_messages(stories)

        def produce(backend: Backend) -> dict:
            raw = self._call(backend, messages, BOTTOM_LINE_SCHEMA, BOTTOM_LINE_MAX_TOKENS)
            parsed = checks.parse_json_object(raw) or {}
            bullets = [
                checks.limit_sentences(bullet, 1)
                for bullet in parsed.get("bullets", [])
                if isinstance(bullet, str) and bullet.strip()
            ]
            # Too few distinct bullets: top up with each story's lead sentence.
            bullets += [checks.limit_sentences(w.text.summary, 1) for w in stories]
            return {"bullets": checks.distinct(bullets)[:5]}

        return self._cached("bottom_line", messages, produce)["bullets"]

    def _story_attempt(
        self,
        backend: Backend,
        messages: Messages,
        source: str,
        title: str,
        temperature: float | None = None,
    ) -> StoryAttempt:
        raw = self._call(backend, messages, STORY_SCHEMA, STORY_MAX_TOKENS, temperature)
        parsed = checks.parse_json_object(raw) or {}
        summary = checks.limit_sentences(str(parsed.get("summary", "")), SUMMARY_SENTENCES)
        why = checks.limit_sentences(str(parsed.get("why_it_matters", "")), WHY_SENTENCES)
        copied = checks.copied_share(summary, source)
        problems = []
        if len(summary.split()) < 8:
            problems.append("the summary is missing or too short")
            summary = summary or checks.limit_sentences(source, SUMMARY_SENTENCES)
        elif copied > COPIED_SHARE_LIMIT:
            problems.append(
                "the summary copies whole sentences from the article; "
                "say it in fewer words of your own"
            )
        if checks.is_generic(why, title, source):
            problems.append(
                "why_it_matters is generic; name the model or tool and what changes for its users"
            )
        return StoryAttempt({"summary": summary, "why_it_matters": why}, problems, copied)

    def _call(
        self,
        backend: Backend,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
    ) -> str:
        """One model call. Its answer is saved at once, so a run killed before the text is done
        does not make this call again when it is started anew."""
        request = [messages, schema, max_tokens, temperature]
        key = _digest([backend.name, backend.model, PROMPT_VERSION, "call", _digest(request)])
        saved = self._store.cached_output(key)
        if saved is not None:
            self.stats.calls_reused += 1
            return saved["text"]
        started = time.perf_counter()
        try:
            text = backend.complete(messages, schema, max_tokens, temperature)
        finally:
            seconds = time.perf_counter() - started
            self.stats.model_calls += 1
            self.stats.model_seconds += seconds
        self._store.save_output(
            cache_key=key,
            backend=backend.name,
            model=backend.model,
            prompt_version=PROMPT_VERSION,
            kind="call",
            input_hash=_digest(request),
            output={"text": text},
            seconds=seconds,
        )
        return text

    def _cached(self, kind: str, messages: Messages, produce: Callable[[Backend], dict]) -> dict:
        """The stored output for this input, or a new one from the first backend that answers."""
        input_hash = _digest(messages)
        for index, backend in enumerate(self._backends):
            if index in self._down:
                continue
            key = _digest([backend.name, backend.model, PROMPT_VERSION, kind, input_hash])
            cached = self._store.cached_output(key)
            if cached is not None:
                self.stats.cache_hits += 1
                self._note_writer(backend)
                return cached
            started = time.perf_counter()
            try:
                output = produce(backend)
            except BackendUnavailable as error:
                log.warning("%s is unavailable, trying the next backend: %s", backend.name, error)
                self._down.add(index)
                continue
            self._store.save_output(
                cache_key=key,
                backend=backend.name,
                model=backend.model,
                prompt_version=PROMPT_VERSION,
                kind=kind,
                input_hash=input_hash,
                output=output,
                seconds=time.perf_counter() - started,
            )
            self._note_writer(backend)
            return output
        raise NoBackendAvailable(
            "no model backend could write: "
            + ", ".join(f"{b.name} ({b.model})" for b in self._backends)
        )

    def _note_writer(self, backend: Backend) -> None:
        label = f"{backend.model} ({backend.name})"
        if label not in self.stats.written_by:
            self.stats.written_by.append(label)
