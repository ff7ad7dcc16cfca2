"""A local server that speaks Ollama's HTTP API (/api/tags, /api/show, /api/chat, streaming
and not), answering with briefbot's embedded model, so the `ollama` client runs over a real
socket."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

from briefbot.write.backends import Backend, Completion
from tests.loopback import MODEL_LOCK, LoopbackServer, reply


class OllamaCompatibleServer(LoopbackServer):
    def __init__(self, backend: Backend, model_name: str) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path == "/api/tags":
                    self._json(
                        200,
                        {
                            "models": [
                                {
                                    "name": model_name,
                                    "model": model_name,
                                    "modified_at": _now(),
                                    "size": 0,
                                    "digest": "0" * 64,
                                    "details": {"format": "gguf"},
                                }
                            ]
                        },
                    )
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append(request)
                if self.path not in ("/api/chat", "/api/show"):
                    self._json(404, {"error": "not found"})
                    return
                if request.get("model") != model_name:
                    self._json(404, {"error": f"model '{request.get('model')}' not found"})
                    return
                if self.path == "/api/show":
                    self._json(
                        200,
                        {
                            "modified_at": _now(),
                            "details": {"format": "gguf", "family": "llama"},
                            "model_info": {"general.architecture": "llama"},
                            "capabilities": ["completion"],
                        },
                    )
                    return
                schema = (
                    request.get("format")
                    if isinstance(request.get("format"), dict)
                    else {"type": "object"}
                )
                options = request.get("options") or {}
                with MODEL_LOCK:
                    completion = backend.complete(
                        request["messages"],
                        schema,
                        options.get("num_predict", 256),
                        options.get("temperature"),
                    )
                if request.get("stream", True):
                    self._stream(model_name, completion)
                else:
                    self._json(200, _chat_reply(model_name, completion.text, completion))

            def _stream(self, model: str, completion: Completion) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                content = completion.text
                pieces = [content[i : i + 16] for i in range(0, len(content), 16)]
                replies = [_chat_reply(model, piece) for piece in pieces]
                replies.append(_chat_reply(model, "", completion))  # the last: done, with counts
                for answer in replies:
                    data = (json.dumps(answer) + "\n").encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

            def _json(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                reply(self, status, "application/json; charset=utf-8", body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)
        self.host = self.base


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _chat_reply(model: str, content: str, finished: Completion | None = None) -> dict:
    """One chat answer, or one chunk of a stream; the last one (`finished`) carries the counts."""
    answer = {
        "model": model,
        "created_at": _now(),
        "message": {"role": "assistant", "content": content},
        "done": finished is not None,
    }
    if finished is not None:
        answer |= {
            "done_reason": "stop",
            "total_duration": 1,
            "prompt_eval_count": finished.prompt_tokens,
            "eval_count": finished.completion_tokens,
        }
    return answer
