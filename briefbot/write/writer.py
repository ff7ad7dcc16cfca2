"""The writer: prompts a backend, checks and repairs what comes back, caches the result."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from briefbot.models import BottomLinePoint, ModelCall, Story, StoryText, WrittenStory
from briefbot.store import Store
from briefbot.write import checks
from briefbot.write.backends import Backend, BackendUnavailable, Messages
from briefbot.write.grounding import SourceFacts, claims
from briefbot.write.prompts import (
    BOTTOM_LINE_SCHEMA,
    PROMPT_VERSION,
    STORY_SCHEMA,
    bottom_line_messages,
    story_messages,
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
    ungrounded: int  # claims (numbers, names, quotes) the sources do not contain

    @property
    def badness(self) -> tuple[int, int, float]:
        """Grounded first, then fewer problems, then less copied text."""
        return (self.ungrounded, len(self.problems), self.copied)


@dataclass
class WriterStats:
    model_calls: int = 0
    calls_reused: int = 0  # raw answers saved by an earlier, unfinished run
    cache_hits: int = 0
    retries: int = 0
    first_answers: int = 0
    grounded_first_answers: int = 0  # first answers with every claim found in the sources
    extracts: int = 0  # summaries replaced by the article's opening: the model's were ungrounded
    notes_dropped: int = 0  # "why it matters" notes left out: ungrounded
    model_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    written_by: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # "ollama (m) unavailable: why"


def story_texts(story: Story) -> list[str]:
    """Everything collected for a story: each item's title and text."""
    return [part for item in story.items for part in (item.title, item.best_text)]


def _through_the_gate(output: dict, source: str, facts: SourceFacts) -> dict:
    """The output with a summary that names anything the sources lack replaced by the
    article's opening (labelled an extract), and such a note left out."""
    summary, why = output["summary"], output["why_it_matters"]
    extract = len(summary.split()) < 8 or bool(facts.unsupported(summary))
    if extract:
        log.warning("summary not grounded in the sources, using an extract: %s", summary)
        summary = checks.extract(source, SUMMARY_SENTENCES)
    if why and facts.unsupported(why):
        log.warning("why-it-matters note not grounded in the sources, left out: %s", why)
        why = ""
    return {"summary": summary, "why_it_matters": why, "extract": extract}


def traced_stories(text: str, story_facts: list[SourceFacts]) -> list[int]:
    """The stories (numbered from 1) a Bottom Line bullet is drawn from: those that contain
    one of its names (else numbers); empty when no story does or one of its claims is in none
    of those stories."""
    found = claims(text)
    for kind in ("name", "number"):
        wanted = [claim for claim in found if claim.kind == kind]
        origins = [
            number
            for number, facts in enumerate(story_facts, start=1)
            if any(facts.supports(claim) for claim in wanted)
        ]
        if origins:
            grounded = all(
                any(story_facts[number - 1].supports(claim) for number in origins)
                for claim in found
            )
            return origins if grounded else []
    return []


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
        self._counting = threading.Lock()  # stories may be written in several threads

    def write_story(self, story: Story) -> StoryText:
        """Summary and "why it matters" for a story, every number, name and quote in them
        found in the story's sources; otherwise the article's opening, labelled as such."""
        log.info("writing: %s", story.lead.title)
        source = story_source_text(story)
        facts = SourceFacts.of(story_texts(story))
        first_messages = story_messages(story)

        def produce(backend: Backend) -> dict:
            best = self._story_attempt(backend, first_messages, source, facts, story.lead.title)
            with self._counting:
                self.stats.first_answers += 1
                self.stats.grounded_first_answers += not best.ungrounded
                self.stats.retries += bool(best.problems)
            if best.problems:
                retry = story_messages(story, best.problems)
                second = self._story_attempt(
                    backend, retry, source, facts, story.lead.title, RETRY_TEMPERATURE
                )
                best = min(best, second, key=lambda attempt: attempt.badness)
            return _through_the_gate(best.output, source, facts)

        output = self._cached("story", first_messages, produce)
        text = StoryText(**output)
        with self._counting:
            self.stats.extracts += text.extract
            self.stats.notes_dropped += not text.why_it_matters
        return text

    def write_bottom_line(self, stories: list[WrittenStory]) -> list[BottomLinePoint]:
        """3 to 5 takeaways, each drawn from one or more of the day's stories and grounded in
        them; a story's own first sentence fills a gap."""
        messages = bottom_line_messages(stories)
        story_facts = [
            SourceFacts.of(
                [written.story.lead.title, written.text.summary, written.text.why_it_matters]
            )
            for written in stories
        ]

        def produce(backend: Backend) -> dict:
            raw = self._call(backend, messages, BOTTOM_LINE_SCHEMA, BOTTOM_LINE_MAX_TOKENS)
            parsed = checks.parse_json_object(raw) or {}
            points = []
            for bullet in parsed.get("bullets", []):
                if isinstance(bullet, str) and bullet.strip():
                    text = checks.limit_sentences(bullet, 1)
                    if origins := traced_stories(text, story_facts):
                        points.append({"text": text, "stories": origins})
            points += [
                {"text": checks.limit_sentences(written.text.summary, 1), "stories": [number]}
                for number, written in enumerate(stories, start=1)
            ]
            texts = checks.distinct([point["text"] for point in points])[:5]
            kept = {point["text"]: point for point in reversed(points)}
            return {"points": [kept[text] for text in texts]}

        points = self._cached("bottom_line", messages, produce)["points"]
        return [BottomLinePoint(point["text"], tuple(point["stories"])) for point in points]

    def _story_attempt(
        self,
        backend: Backend,
        messages: Messages,
        source: str,
        facts: SourceFacts,
        title: str,
        temperature: float | None = None,
    ) -> StoryAttempt:
        raw = self._call(backend, messages, STORY_SCHEMA, STORY_MAX_TOKENS, temperature)
        parsed = checks.parse_json_object(raw) or {}
        summary = checks.limit_sentences(str(parsed.get("summary", "")), SUMMARY_SENTENCES)
        why = checks.limit_sentences(str(parsed.get("why_it_matters", "")), WHY_SENTENCES)
        copied = checks.copied_share(summary, source)
        problems = []
        ungrounded = facts.unsupported(f"{summary} {why}")
        if ungrounded:
            problems.append(
                "these numbers or names are not in the article, leave them out: "
                + ", ".join(ungrounded)
            )
        if len(summary.split()) < 8:
            problems.append("the summary is missing or too short")
        elif copied > COPIED_SHARE_LIMIT:
            problems.append(
                "the summary copies whole sentences from the article; "
                "say it in fewer words of your own"
            )
        if checks.is_generic(why, title, source):
            problems.append(
                "why_it_matters is generic; name the model or tool and what changes for its users"
            )
        output = {"summary": summary, "why_it_matters": why}
        return StoryAttempt(output, problems, copied, len(ungrounded))

    def _call(
        self,
        backend: Backend,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
    ) -> str:
        """One model call, a row in the audit trail. Its answer is saved at once, so a run
        killed before the text is done does not make this call again when it is started anew."""
        request = [messages, schema, max_tokens, temperature]
        key = _digest([backend.name, backend.model, PROMPT_VERSION, "call", _digest(request)])
        saved = self._store.cached_output(key)
        if saved is not None:
            with self._counting:
                self.stats.calls_reused += 1
            return saved["text"]
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
            with self._counting:
                self.stats.prompt_tokens += completion.prompt_tokens
                self.stats.completion_tokens += completion.completion_tokens
        finally:
            seconds = time.perf_counter() - started
            with self._counting:
                self.stats.model_calls += 1
                self.stats.model_seconds += seconds
            self._store.record_model_call(replace(call, seconds=seconds))
        self._store.save_output(
            cache_key=key,
            backend=backend.name,
            model=backend.model,
            prompt_version=PROMPT_VERSION,
            kind="call",
            input_hash=_digest(request),
            output={"text": completion.text},
            seconds=seconds,
        )
        return completion.text

    def write_stories(
        self, stories: list[Story], written: Callable[[int], None] = lambda number: None
    ) -> list[StoryText]:
        """Every story's texts, in order. Several at once when the first backends are model
        servers with room for more than one call (`max_concurrent`, or several servers): each
        new story goes to the least busy of them. `written` hears each story's number."""
        slots = sum(getattr(self._backends[index], "capacity", 1) for index in self._pool())
        if slots <= 1 or len(stories) <= 1:
            texts = []
            for number, story in enumerate(stories, start=1):
                texts.append(self.write_story(story))
                written(number)
            return texts
        with ThreadPoolExecutor(max_workers=min(slots, len(stories))) as workers:
            texts = []
            for number, text in enumerate(workers.map(self.write_story, stories), start=1):
                texts.append(text)
                written(number)
            return texts

    def _pool(self) -> list[int]:
        """The leading backends that share the writing: model servers, up to the first backend
        that does not spread (the embedded model, a fallback only)."""
        pool = []
        for index, backend in enumerate(self._backends):
            if not getattr(backend, "spreads", False):
                break
            pool.append(index)
        return pool

    def _order(self) -> list[int]:
        """Backends in the order to try: the pool's least busy first, then the rest as listed."""
        pool = self._pool()
        busy = sorted(
            pool,
            key=lambda i: (
                getattr(self._backends[i], "in_flight", 0)
                / getattr(self._backends[i], "capacity", 1)
            ),
        )
        return busy + [index for index in range(len(self._backends)) if index not in pool]

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
        for index in self._order():
            backend, key = self._backends[index], keys[index]
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
                with self._counting:  # several stories in flight may see it fail at once
                    if index not in self._down:
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
        with self._counting:
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
