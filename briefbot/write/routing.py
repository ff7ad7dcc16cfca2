"""Routing: the configured backends in order, each behind retries with backoff and a cap on
concurrent calls."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from briefbot.config import BackendSettings, EmbeddedSettings, ModelSettings, OllamaSettings
from briefbot.write.backends import (
    Backend,
    BackendUnavailable,
    Completion,
    EmbeddedBackend,
    Messages,
    OllamaBackend,
    TransientError,
)
from briefbot.write.engine import Sampling, Section
from briefbot.write.openai_compat import OpenAIBackend

log = logging.getLogger(__name__)
_COUNTING = threading.Lock()

BACKOFF_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0


class ResilientBackend:
    """A backend with retries and a concurrency cap.

    A transient failure is tried again after an exponential, jittered pause (or the server's
    Retry-After); when the retries are spent, or the server asks for a longer wait than
    `max_wait_seconds`, it raises BackendUnavailable so the writer moves to the next backend.
    """

    def __init__(
        self,
        inner: Backend,
        *,
        retries: int = 1,
        max_concurrent: int = 1,
        backoff_seconds: float = BACKOFF_SECONDS,
        max_wait_seconds: float = MAX_WAIT_SECONDS,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.structured = inner.structured
        self.spreads = inner.spreads  # a server: shares the writing
        self.retries = retries
        self.capacity = max_concurrent
        self.in_flight = 0  # calls under way now: the writer sends new work to the least busy
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._backoff = backoff_seconds
        self._max_wait = max_wait_seconds

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        return self._retried(
            lambda: self.inner.complete(messages, schema, max_tokens, temperature, seed)
        )

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        return self._retried(
            lambda: self.inner.candidates(messages, samplings, max_tokens, schema, sections)
        )

    def _retried(self, call):
        attempt = 1
        with self._slots, self._counted():
            while True:
                try:
                    return call()
                except TransientError as error:
                    failure = f"{error} (attempt {attempt} of {self.retries + 1})"
                    wait = self.pause(attempt, error.retry_after)
                    if attempt > self.retries or wait > self._max_wait:
                        raise BackendUnavailable(failure) from error
                    log.info("%s (%s): %s; again in %.1fs", self.name, self.model, failure, wait)
                    time.sleep(wait)
                    attempt += 1

    @contextmanager
    def _counted(self) -> Iterator[None]:
        with _COUNTING:
            self.in_flight += 1
        try:
            yield
        finally:
            with _COUNTING:
                self.in_flight -= 1

    def pause(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before the next attempt: the server's wish, else 2^n backoff."""
        if retry_after is not None:
            return retry_after
        return self._backoff * 2 ** (attempt - 1) * random.uniform(1.0, 1.5)


def make_backend(settings: BackendSettings, temperature: float) -> Backend:
    """One configured backend behind its retries and concurrency cap."""
    if isinstance(settings, EmbeddedSettings):
        # In-process: nothing transient to retry, and llama.cpp runs one call at a time.
        return ResilientBackend(EmbeddedBackend(settings, temperature), retries=0)
    inner: Backend = (
        OllamaBackend(settings, temperature)
        if isinstance(settings, OllamaSettings)
        else OpenAIBackend(settings, temperature)
    )
    return ResilientBackend(inner, retries=settings.retries, max_concurrent=settings.max_concurrent)


def make_backends(settings: ModelSettings) -> list[Backend]:
    """The backends in the order to try them (see ModelSettings.route)."""
    return [make_backend(backend, settings.temperature) for backend in settings.route]
