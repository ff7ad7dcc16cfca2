"""Model backends behind one interface: the embedded model (llama.cpp in-process) and Ollama."""

from __future__ import annotations

import logging
import os
from typing import Protocol

import httpx
import ollama

from briefbot.config import EmbeddedSettings, ModelSettings, OllamaSettings
from briefbot.write.model_files import MODEL_FILES, model_path

log = logging.getLogger(__name__)

Messages = list[dict[str, str]]


class BackendUnavailable(Exception):
    """A backend that cannot answer now (down, timed out, model missing): try the next one."""


class Backend(Protocol):
    """Turns chat messages into a JSON text that follows `schema`."""

    name: str
    model: str

    def complete(
        self, messages: Messages, schema: dict, max_tokens: int, temperature: float | None = None
    ) -> str:
        """JSON text for the messages; `temperature` overrides the configured one."""
        ...


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
    ) -> str:
        if self._llama is None:
            self._llama = self._load()
        result = self._llama.create_chat_completion(
            messages=messages,
            response_format={"type": "json_object", "schema": schema},
            temperature=self._temperature if temperature is None else temperature,
            max_tokens=max_tokens,
        )
        return result["choices"][0]["message"]["content"] or ""


class OllamaBackend:
    """A model served by Ollama, asked for JSON that follows the schema (`format`)."""

    name = "ollama"

    def __init__(self, settings: OllamaSettings, temperature: float) -> None:
        self.model = settings.model
        self.host = str(settings.host)
        self._temperature = temperature
        self._client = ollama.Client(host=self.host, timeout=settings.timeout_seconds)

    def complete(
        self, messages: Messages, schema: dict, max_tokens: int, temperature: float | None = None
    ) -> str:
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
            )
        except (ConnectionError, httpx.TransportError) as error:
            raise BackendUnavailable(f"ollama at {self.host}: {error}") from error
        except ollama.ResponseError as error:
            raise BackendUnavailable(f"ollama at {self.host}: {error.error}") from error
        return response.message.content or ""


def make_backends(settings: ModelSettings) -> list[Backend]:
    """Backends in the order to try: Ollama when configured, then the embedded model."""
    backends: list[Backend] = []
    if settings.ollama is not None:
        backends.append(OllamaBackend(settings.ollama, settings.temperature))
    backends.append(EmbeddedBackend(settings.embedded, settings.temperature))
    return backends
