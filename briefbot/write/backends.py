"""Model backends behind one interface: the embedded model (llama.cpp in-process) and Ollama.

A backend either answers with a Completion or raises: TransientError for what may pass
(connection refused, timeout, 5xx, 429), BackendUnavailable for what will not (model missing).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Protocol

import httpx

from briefbot.config import EmbeddedSettings, OllamaSettings
from briefbot.write.model_files import MODEL_FILES, model_path

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
    """Turns chat messages into a JSON text that follows `schema`."""

    name: str
    model: str

    def complete(
        self, messages: Messages, schema: dict, max_tokens: int, temperature: float | None = None
    ) -> Completion:
        """JSON text for the messages; `temperature` overrides the configured one."""
        ...


def transport_reason(error: Exception, address: str, timeout: float) -> str:
    """A short reason for a failed connection: 'timed out after 5s', 'cannot connect to ...'."""
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {timeout:g}s"
    # The ollama client replaces httpx's ConnectError with a generic ConnectionError.
    cause = error.__context__ if isinstance(error.__context__, httpx.HTTPError) else error
    return f"cannot connect to {address}: {cause}"


class EmbeddedBackend:
    """The default writer: a small open model run in-process on the CPU, loaded on first use."""

    name = "embedded"

    def __init__(self, settings: EmbeddedSettings, temperature: float) -> None:
        self.model = settings.model
        self._settings = settings
        self._temperature = temperature
        self._llama = None

    def _load(self):
        from llama_cpp import Llama  # imported late: loading the native library takes a while

        path = model_path(MODEL_FILES[self.model])
        log.info("loading embedded model %s from %s", self.model, path)
        return Llama(
            model_path=str(path),
            n_ctx=self._settings.context_tokens,
            n_threads=self._settings.threads or os.cpu_count() or 2,
            seed=0,
            verbose=False,
        )

    def complete(
        self, messages: Messages, schema: dict, max_tokens: int, temperature: float | None = None
    ) -> Completion:
        if self._llama is None:
            self._llama = self._load()
        result = self._llama.create_chat_completion(
            messages=messages,
            response_format={"type": "json_object", "schema": schema},
            temperature=self._temperature if temperature is None else temperature,
            max_tokens=max_tokens,
        )
        usage = result.get("usage") or {}
        return Completion(
            text=result["choices"][0]["message"]["content"] or "",
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
        )


class OllamaBackend:
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
        self, messages: Messages, schema: dict, max_tokens: int, temperature: float | None = None
    ) -> Completion:
        options = {
            "temperature": self._temperature if temperature is None else temperature,
            "num_predict": max_tokens,
        }
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
