"""A backend for any server with OpenAI's chat-completions API (vLLM, llama.cpp server,
LM Studio, a gateway), over httpx."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from briefbot.config import OpenAISettings
from briefbot.write.backends import (
    BackendUnavailable,
    Completion,
    Messages,
    ServerDrafts,
    TransientError,
    transport_reason,
)


class OpenAIBackend(ServerDrafts):
    """POSTs `{base_url}/chat/completions`, asking for JSON by schema (or JSON mode)."""

    name = "openai"

    def __init__(self, settings: OpenAISettings, temperature: float) -> None:
        self.model = settings.model
        self.base_url = str(settings.base_url).rstrip("/")
        self._settings = settings
        self._temperature = temperature
        self._client = httpx.Client(timeout=settings.timeout_seconds)

    def complete(
        self,
        messages: Messages,
        schema: dict,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> Completion:
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": self._temperature if temperature is None else temperature,
            "max_tokens": max_tokens,
            "response_format": self._response_format(schema),
        }
        if seed is not None:
            body["seed"] = seed
        url = f"{self.base_url}/chat/completions"
        try:
            response = self._client.post(url, json=body, headers=self._headers())
        except httpx.TransportError as error:
            reason = transport_reason(error, self.base_url, self._settings.timeout_seconds)
            raise TransientError(reason) from error
        if response.status_code != 200:
            reason = f"HTTP {response.status_code}: {_error_message(response)}"
            if response.status_code == 429 or response.status_code >= 500:
                raise TransientError(reason, retry_after_seconds(response.headers))
            raise BackendUnavailable(reason)
        try:
            payload = response.json()
            text = payload["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise TransientError("the server's reply is not a chat completion") from error
        usage = payload.get("usage") or {}
        return Completion(
            text=text,
            prompt_tokens=usage.get("prompt_tokens") or 0,
            completion_tokens=usage.get("completion_tokens") or 0,
        )

    def _response_format(self, schema: dict) -> dict:
        if self._settings.structured == "json_object":
            return {"type": "json_object"}
        return {
            "type": "json_schema",
            "json_schema": {"name": "briefbot_output", "schema": schema, "strict": True},
        }

    def _headers(self) -> dict[str, str]:
        key = self._settings.api_key
        if self._settings.api_key_env:
            key = os.environ.get(self._settings.api_key_env)
            if not key:
                raise BackendUnavailable(
                    f"the environment variable {self._settings.api_key_env} is not set"
                )
        return {"Authorization": f"Bearer {key}"} if key else {}


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Retry-After as seconds to wait: a number of seconds or an HTTP date; None if absent."""
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _error_message(response: httpx.Response) -> str:
    """The error a server sent, as OpenAI shapes it ({"error": {"message": ...}}) or as text."""
    try:
        error = response.json().get("error")
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(error or response.reason_phrase)
