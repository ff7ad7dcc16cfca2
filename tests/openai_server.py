"""A local server that speaks OpenAI's chat-completions API (as vLLM, llama.cpp server and
LM Studio do), answering with briefbot's embedded model. It checks the shape of every request
and answers 400 naming what is wrong; a test can script failures (503, 429 with Retry-After)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from briefbot.write.backends import Backend
from tests.loopback import MODEL_LOCK, LoopbackServer, reply

ROLES = {"system", "user", "assistant"}


def shape_problems(request: object) -> list[str]:
    """What is wrong with a chat-completions request body, by OpenAI's API reference."""
    if not isinstance(request, dict):
        return ["the body is not a JSON object"]
    problems = []
    if not isinstance(request.get("model"), str):
        problems.append("model must be a string")
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        problems.append("messages must be a non-empty list")
    elif not all(
        isinstance(m, dict) and m.get("role") in ROLES and isinstance(m.get("content"), str)
        for m in messages
    ):
        problems.append("each message needs a role and a string content")
    if not isinstance(request.get("max_tokens"), int) or request["max_tokens"] < 1:
        problems.append("max_tokens must be a positive integer")
    if not isinstance(request.get("temperature", 1.0), int | float):
        problems.append("temperature must be a number")
    response_format = request.get("response_format", {"type": "text"})
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        if not (
            isinstance(spec, dict)
            and isinstance(spec.get("name"), str)
            and isinstance(spec.get("schema"), dict)
            and isinstance(spec.get("strict", False), bool)
        ):
            problems.append("response_format.json_schema needs a name and a schema object")
    elif kind not in ("json_object", "text"):
        problems.append("response_format.type must be text, json_object or json_schema")
    return problems


class OpenAICompatibleServer(LoopbackServer):
    """Serves `/v1/models` and `/v1/chat/completions` for one model name."""

    def __init__(self, backend: Backend, model_name: str, api_key: str | None = None) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.failures: list[tuple[int, dict[str, str]]] = []  # answered first, in order
        self.delay = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": model_name}]})
                else:
                    self._error(404, "not found")

            def do_POST(self) -> None:
                with lock:
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                try:
                    self._chat()
                finally:
                    with lock:
                        outer.in_flight -= 1

            def _chat(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    self._error(404, "not found")
                    return
                if api_key and self.headers.get("Authorization") != f"Bearer {api_key}":
                    self._error(401, "invalid API key")
                    return
                try:
                    request = json.loads(body)
                except ValueError:
                    self._error(400, "the body is not JSON")
                    return
                outer.requests.append(request)
                if problems := shape_problems(request):
                    self._error(400, "; ".join(problems))
                    return
                if request["model"] != model_name:
                    self._error(404, f"The model `{request['model']}` does not exist.")
                    return
                with lock:
                    failure = outer.failures.pop(0) if outer.failures else None
                if failure:
                    status, headers = failure
                    self._error(status, "overloaded, try again later", headers)
                    return
                time.sleep(outer.delay)
                response_format = request.get("response_format", {})
                schema = (response_format.get("json_schema") or {}).get("schema") or {
                    "type": "object"
                }
                with MODEL_LOCK:
                    completion = backend.complete(
                        request["messages"],
                        schema,
                        request["max_tokens"],
                        request.get("temperature"),
                    )
                self._json(
                    200,
                    {
                        "id": f"chatcmpl-{len(outer.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": model_name,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": completion.text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": completion.prompt_tokens,
                            "completion_tokens": completion.completion_tokens,
                            "total_tokens": completion.prompt_tokens + completion.completion_tokens,
                        },
                    },
                )

            def _error(self, status: int, message: str, headers: dict | None = None) -> None:
                body = json.dumps({"error": {"message": message, "type": "error"}}).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, payload: dict) -> None:
                reply(self, status, "application/json", json.dumps(payload).encode())

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)
        self.base_url = self.base + "/v1"
