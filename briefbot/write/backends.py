"""Model backends behind one interface: the embedded model (llama.cpp in-process) and Ollama.

A backend either answers or raises: TransientError for what may pass (connection refused,
timeout, 5xx, 429), BackendUnavailable for what will not (model missing).

Two ways to ask: `complete` for one answer that follows a JSON schema, and `candidates` for
several drafts of one prompt, each with its own temperature and seed. The embedded model decodes
the drafts together and in its plain labelled format (`structured = False`); a server is asked
once per draft, with the schema (`structured = True`).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from briefbot.config import EmbeddedSettings, OllamaSettings
from briefbot.write.engine import Engine, EngineError, Sampling, Section
from briefbot.write.model_files import MODEL_FILES, cache_dir, model_path

log = logging.getLogger(__name__)

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Completion:
    """A model's answer and what it cost in tokens (0 where the server does not say)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class BackendUnavailable(Exception):
    """A backend that cannot answer now (down, timed out, model missing): try the next one."""


class TransientError(BackendUnavailable):
    """A failure worth another try after a pause; `retry_after` is the server's wish, if any."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Backend(Protocol):
    """Turns chat messages into text: JSON by a schema, or several drafts of one prompt."""

    name: str
    model: str
    structured: bool  # drafts come as JSON by the schema (else in the labelled format)
    spreads: bool  # a server that can share the writing with others at its head of the list
    capacity: int  # calls it takes at once
    in_flight: int

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        """JSON text for the messages; `temperature` overrides the configured one."""
        ...

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        """One draft per sampling (temperature and seed), in order; `sections` are the parts
        of a labelled answer, for a backend that writes them (not `structured`)."""
        ...


def transport_reason(error: Exception, address: str, timeout: float) -> str:
    """A short reason for a failed connection: 'timed out after 5s', 'cannot connect to ...'."""
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {timeout:g}s"
    # The ollama client replaces httpx's ConnectError with a generic ConnectionError.
    cause = error.__context__ if isinstance(error.__context__, httpx.HTTPError) else error
    return f"cannot connect to {address}: {cause}"


class ServerDrafts:
    """Drafts from a model server: one call per draft, each with its temperature and seed."""

    structured = True
    spreads = True
    capacity = 1  # ResilientBackend sets the configured cap
    in_flight = 0

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        return [
            self.complete(messages, schema, max_tokens, sampling.temperature, sampling.seed)
            for sampling in samplings
        ]


class EmbeddedBackend:
    """The default writer: a small open model run in-process on the CPU, loaded on first use."""

    name = "embedded"
    structured = False
    spreads = False
    capacity = 1
    in_flight = 0

    def __init__(
        self,
        settings: EmbeddedSettings,
        temperature: float,
        sequences: int = 4,
        prefixes: Path | None = None,
    ) -> None:
        """`prefixes`: where saved prompt prefixes live (default: the cache folder's
        `prefixes`), unless `settings.saved_prefixes` is off."""
        self.model = settings.label
        self._settings = settings
        self._prefixes = (prefixes or cache_dir() / "prefixes") if settings.saved_prefixes else None
        self._temperature = temperature
        self._sequences = sequences
        self._engine: Engine | None = None

    def _load(self) -> Engine:
        if self._engine is None:
            path = self._settings.path or model_path(MODEL_FILES[self._settings.model])
            log.info("loading embedded model %s from %s", self.model, path)
            try:
                self._engine = Engine(
                    path,
                    context_tokens=self._settings.context_tokens,
                    threads=self._settings.threads or os.cpu_count() or 2,
                    sequences=self._sequences,
                    prefixes=self._prefixes,
                )
            except EngineError as error:
                raise BackendUnavailable(str(error)) from error
        return self._engine

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        """One answer constrained by the schema's grammar (for callers that need JSON)."""
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        sampling = Sampling(self._temperature if temperature is None else temperature, seed or 0)
        grammar = json_schema_to_gbnf(json.dumps(schema))
        generated = self._generate(messages, [sampling], max_tokens, grammar)
        return generated[0]

    def candidates(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        schema: dict,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        return self._generate(messages, samplings, max_tokens, None, sections)

    def _generate(
        self,
        messages: Messages,
        samplings: list[Sampling],
        max_tokens: int,
        grammar: str | None,
        sections: tuple[Section, ...] = (),
    ) -> list[Completion]:
        engine = self._load()
        try:
            generated = engine.generate(
                messages, samplings, max_tokens, sections=sections, grammar=grammar
            )
        except EngineError as error:
            raise BackendUnavailable(str(error)) from error
        return [
            Completion(draft.text, generated.prompt_evaluated if number == 0 else 0, draft.tokens)
            for number, draft in enumerate(generated.candidates)
        ]


class OllamaBackend(ServerDrafts):
    """A model served by Ollama, asked for JSON that follows the schema (`format`)."""

    name = "ollama"

    def __init__(self, settings: OllamaSettings, temperature: float) -> None:
        self.model = settings.model
        self.host = str(settings.host)
        self._timeout = settings.timeout_seconds
        self._temperature = temperature
        import ollama  # imported late, like llama_cpp: a run that writes nothing never needs it

        self._ollama = ollama
        self._client = ollama.Client(host=self.host, timeout=settings.timeout_seconds)

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        options = {
            "temperature": self._temperature if temperature is None else temperature,
            "num_predict": max_tokens,
        }
        if seed is not None:
            options["seed"] = seed
        try:
            response = self._client.chat(
                model=self.model,
                messages=messages,
                format=schema,
                options=options,
                stream=False,
            )
        except (ConnectionError, httpx.TransportError) as error:
            raise TransientError(transport_reason(error, self.host, self._timeout)) from error
        except self._ollama.ResponseError as error:
            reason = f"HTTP {error.status_code}: {error.error}"
            if error.status_code == 429 or error.status_code >= 500:
                raise TransientError(reason) from error
            raise BackendUnavailable(reason) from error
        return Completion(
            text=response.message.content or "",
            prompt_tokens=response.prompt_eval_count or 0,
            completion_tokens=response.eval_count or 0,
        )
