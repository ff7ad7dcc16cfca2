"""The writer: routes each text to the first backend that answers, caches what it wrote, and
keeps the audit trail of model calls. How one story is written is `story.py`; the Bottom Line
is `bottom_line.py`."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from briefbot.models import (
    BottomLine,
    ModelCall,
    SentenceSource,
    Story,
    StoryText,
    TextOrigin,
    WrittenStory,
)
from briefbot.store import Store
from briefbot.write import bottom_line
from briefbot.write import story as story_writing
from briefbot.write.backends import Backend, BackendUnavailable, Messages
from briefbot.write.engine import Sampling, Section
from briefbot.write.kinds import story_kind
from briefbot.write.prompts import PROMPT_VERSION

log = logging.getLogger(__name__)


def _checks_version() -> str:
    """A digest of the writing code (this package's modules): a change to the checks or the
    choosing re-writes each story's texts from the model's stored answers, no call made."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


CHECKS_VERSION = _checks_version()

# The kind of output ("story", "bottom_line") being produced, for the audit rows of its calls.
_KIND: ContextVar[str] = ContextVar("kind", default="")


class NoBackendAvailable(Exception):
    """Every configured backend failed."""


@dataclass
class WriterStats:
    model_calls: int = 0
    calls_reused: int = 0  # raw answers saved by an earlier, unfinished run
    cache_hits: int = 0
    drafts: int = 0  # story drafts written
    drafts_passed: int = 0  # drafts whose Summary passed every check
    notes_passed: int = 0  # drafts whose "Why It Matters" passed every check
    note_retries: int = 0  # notes asked for once more, alone
    refusals: list[str] = field(default_factory=list)  # each check a draft failed: StoryWork's
    extracts: int = 0  # summaries that are the article's opening: no draft passed
    notes_dropped: int = 0  # "Why It Matters" notes left out: none passed
    fact_notes: int = 0  # notes made from the facts (fact_notes.py): no draft passed
    model_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    written_by: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # "ollama (m) unavailable: why"


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Writer:
    """Writes story texts and the Bottom Line through the first backend that answers."""

    def __init__(
        self,
        backends: list[Backend],
        store: Store,
        run_id: int | None = None,
        *,
        candidates: int = 3,
        temperature: float = 0.2,
    ) -> None:
        self._backends = backends
        self._down: set[int] = set()
        self._store = store
        self._run_id = run_id
        self._candidates = candidates
        self._temperature = temperature
        self.stats = WriterStats()
        self._counting = threading.Lock()  # stories may be written in several threads

    # stories ---------------------------------------------------------------

    def write_story(self, story: Story) -> StoryText:
        """Summary and "Why It Matters" for a story, each sentence verified against the story's
        sources; otherwise the article's opening, labelled, and the note left out."""
        log.info("writing: %s", story.lead.title)
        plan = story_writing.plan(story)
        request = {
            "evidence": [sentence.text for sentence in plan.evidence.sentences],
            "kind": plan.kind.value,
            "candidates": self._candidates,
            "temperature": self._temperature,
            "checks": CHECKS_VERSION,
        }

        def produce(backend: Backend) -> dict:
            work = story_writing.StoryWork()
            text = story_writing.write(
                plan,
                self._asker(backend),
                structured=backend.structured,
                candidates=self._candidates,
                temperature=self._temperature,
                work=work,
            )
            with self._counting:
                self.stats.drafts += work.drafts
                self.stats.drafts_passed += work.summaries_passed
                self.stats.notes_passed += work.notes_passed
                self.stats.note_retries += work.note_retries
                self.stats.refusals += work.refusals
            for refusal in work.refusals:  # `briefbot run -v`: why a story has no note
                log.debug("writing: a draft for %r refused, %s", story.lead.title, refusal)
            return asdict(text)

        output = self._cached("story", request, produce)
        text = StoryText(
            output["summary"],
            output["why_it_matters"],
            output["origin"],
            tuple(SentenceSource(**s) if s else None for s in output["sources"]),
            output.get("note_origin", TextOrigin.MODEL),  # answers kept before notes had one
        )
        with self._counting:
            self.stats.extracts += text.extract
            self.stats.notes_dropped += not text.why_it_matters
            self.stats.fact_notes += text.note_origin == TextOrigin.FACTS
        return text

    def write_stories(
        self, stories: list[Story], written: Callable[[int], None] = lambda number: None
    ) -> list[StoryText]:
        """Every story's texts, in order. Stories of one kind are written one after another, so
        their prompts share the longest prefix. Several at once when the first backends are
        model servers with room for more than one call (`max_concurrent`, or several
        servers): each new story goes to the least busy of them. `written` hears how many
        are done."""
        order = sorted(range(len(stories)), key=lambda n: story_kind(stories[n]).value)
        texts: dict[int, StoryText] = {}
        slots = sum(self._backends[index].capacity for index in self._pool())
        if slots <= 1 or len(stories) <= 1:
            for done, number in enumerate(order, start=1):
                texts[number] = self.write_story(stories[number])
                written(done)
        else:
            with ThreadPoolExecutor(max_workers=min(slots, len(stories))) as workers:
                results = workers.map(self.write_story, [stories[n] for n in order])
                for done, (number, text) in enumerate(zip(order, results, strict=True), start=1):
                    texts[number] = text
                    written(done)
        return [texts[number] for number in range(len(stories))]

    def write_bottom_line(self, stories: list[WrittenStory]) -> BottomLine:
        """The day's lede and takeaways (see bottom_line.py)."""
        request = bottom_line.request(stories)

        def produce(backend: Backend) -> dict:
            written = bottom_line.write(
                stories, self._asker(backend), backend.structured, self._candidates
            )
            return written.to_dict()

        return BottomLine.from_dict(self._cached("bottom_line", request, produce))

    # model calls -------------------------------------------------------------

    def _asker(self, backend: Backend) -> story_writing.Ask:
        def ask(
            messages: Messages,
            draws: list[Sampling],
            max_tokens: int,
            schema: dict,
            sections: tuple[Section, ...] = (),
        ) -> list[str]:
            return self._call(backend, messages, draws, max_tokens, schema, sections)

        return ask

    def _call(
        self,
        backend: Backend,
        messages: Messages,
        draws: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...],
    ) -> list[str]:
        """One model call for one or more drafts, a row in the audit trail. Its answers are
        saved at once, so a run killed before the text is done does not make this call again
        when it is started anew."""
        request = [
            messages,
            [asdict(draw) for draw in draws],
            max_tokens,
            schema,
            [asdict(section) for section in sections],
        ]
        key = _digest([backend.name, backend.model, PROMPT_VERSION, "call", _digest(request)])
        saved = self._store.cached_output(key)
        if saved is not None:
            with self._counting:
                self.stats.calls_reused += 1
            return saved["texts"]
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
            completions = backend.candidates(messages, draws, max_tokens, schema, sections)
        except Exception as error:
            call = replace(call, ok=False, error=str(error) or type(error).__name__)
            raise
        else:
            texts = [completion.text for completion in completions]
            prompt_tokens = sum(completion.prompt_tokens for completion in completions)
            completion_tokens = sum(completion.completion_tokens for completion in completions)
            call = replace(
                call,
                output=json.dumps(texts, ensure_ascii=False),
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
            )
            with self._counting:
                self.stats.prompt_tokens += prompt_tokens
                self.stats.completion_tokens += completion_tokens
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
            output={"texts": texts},
            seconds=seconds,
        )
        return texts

    # routing and the cache ---------------------------------------------------

    def _pool(self) -> list[int]:
        """The leading backends that share the writing: model servers, up to the first backend
        that does not spread (the embedded model, a fallback only)."""
        pool = []
        for index, backend in enumerate(self._backends):
            if not backend.spreads:
                break
            pool.append(index)
        return pool

    def _order(self) -> list[int]:
        """Backends in the order to try: the pool's least busy first, then the rest as listed."""
        pool = self._pool()
        busy = sorted(pool, key=lambda i: self._backends[i].in_flight / self._backends[i].capacity)
        return busy + [index for index in range(len(self._backends)) if index not in pool]

    def _cached(self, kind: str, request: object, produce: Callable[[Backend], dict]) -> dict:
        """The stored output for this input, or a new one from the first backend that answers.

        A stored output of any configured backend is reused before any model is called, so a
        re-run makes no call even while a backend earlier in the list is down. A backend that
        fails is skipped for the rest of the run, and named in `stats.unavailable`.
        """
        input_hash = _digest(request)
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
        with self._counting:
            if label not in self.stats.written_by:
                self.stats.written_by.append(label)
