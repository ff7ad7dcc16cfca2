"""The writer: prompts a backend, checks and repairs what comes back, caches the result."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from briefbot.models import ModelCall, Story, StoryText, WrittenStory
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


# The kind of output ("story", "bottom_line") being produced, for the audit rows of its calls.
_KIND: ContextVar[str] = ContextVar("kind", default="")


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
    cache_hits: int = 0
    retries: int = 0
    model_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    written_by: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # "ollama (m) unavailable: why"


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Writer:
    """Writes story texts and the Bottom Line through the first backend that answers."""

    def __init__(self, backends: list[Backend], store: Store, run_id: int | None = None) -> None:
        self._backends = backends
        self._down: set[int] = set()
        self._store = store
        self._run_id = run_id
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
        """The backend's raw text for the messages; every call is a row in the audit trail."""
        started = time.perf_counter()
        call = ModelCall(
            backend=backend.name,
            model=backend.model,
            prompt_version=PROMPT_VERSION,
            kind=_KIND.get(),
            input_hash=_digest(messages),
            cached=False,
            run_id=self._run_id,
        )
        try:
            completion = backend.complete(messages, schema, max_tokens, temperature)
        except Exception as error:
            call = replace(call, ok=False, error=str(error) or type(error).__name__)
            raise
        else:
            call = replace(
                call,
                output=completion.text,
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
            )
            self.stats.prompt_tokens += completion.prompt_tokens
            self.stats.completion_tokens += completion.completion_tokens
            return completion.text
        finally:
            seconds = time.perf_counter() - started
            self.stats.model_calls += 1
            self.stats.model_seconds += seconds
            self._store.record_model_call(replace(call, seconds=seconds))

    def _cached(self, kind: str, messages: Messages, produce: Callable[[Backend], dict]) -> dict:
        """The stored output for this input, or a new one from the first backend that answers.

        A stored output of any configured backend is reused before any model is called, so a
        re-run makes no call even while a backend earlier in the list is down. A backend that
        fails is skipped for the rest of the run, and named in `stats.unavailable`.
        """
        input_hash = _digest(messages)
        keys = [
            _digest([backend.name, backend.model, PROMPT_VERSION, kind, input_hash])
            for backend in self._backends
        ]
        for backend, key in zip(self._backends, keys, strict=True):
            cached = self._store.cached_output(key)
            if cached is not None:
                self._note_cache_hit(backend, kind, input_hash, cached)
                return cached
        for index, (backend, key) in enumerate(zip(self._backends, keys, strict=True)):
            if index in self._down:
                continue
            started = time.perf_counter()
            token = _KIND.set(kind)
            try:
                output = produce(backend)
            except BackendUnavailable as error:
                log.warning(
                    "%s (%s) is unavailable, trying the next backend: %s",
                    backend.name,
                    backend.model,
                    error,
                )
                self._down.add(index)
                self.stats.unavailable.append(
                    f"{backend.name} ({backend.model}) unavailable: {error}"
                )
                continue
            finally:
                _KIND.reset(token)
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
            + "; ".join(self.stats.unavailable or [f"{b.name} ({b.model})" for b in self._backends])
        )

    def _note_cache_hit(self, backend: Backend, kind: str, input_hash: str, output: dict) -> None:
        """Count a cache hit and log it as a call that cost nothing."""
        self.stats.cache_hits += 1
        self._store.record_model_call(
            ModelCall(
                backend=backend.name,
                model=backend.model,
                prompt_version=PROMPT_VERSION,
                kind=kind,
                input_hash=input_hash,
                cached=True,
                output=json.dumps(output, ensure_ascii=False),
                run_id=self._run_id,
            )
        )
        self._note_writer(backend)

    def _note_writer(self, backend: Backend) -> None:
        label = f"{backend.model} ({backend.name})"
        if label not in self.stats.written_by:
            self.stats.written_by.append(label)
