"""A local server that speaks Ollama's HTTP API (/api/tags, /api/chat, streaming and not),
answering with briefbot's embedded model, so the `ollama` client runs over a real socket."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

from briefbot.write.backends import Backend
from tests.loopback import LoopbackServer, reply


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
                if self.path != "/api/chat":
                    self._json(404, {"error": "not found"})
                    return
                if request.get("model") != model_name:
                    self._json(404, {"error": f"model '{request.get('model')}' not found"})
                    return
                schema = (
                    request.get("format")
                    if isinstance(request.get("format"), dict)
                    else {"type": "object"}
                )
                options = request.get("options") or {}
                content = backend.complete(
                    request["messages"],
                    schema,
                    options.get("num_predict", 256),
                    options.get("temperature"),
                )
                if request.get("stream", True):
                    self._stream(model_name, content)
                else:
                    self._json(200, _chat_reply(model_name, content, done=True))

            def _stream(self, model: str, content: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                pieces = [content[i : i + 16] for i in range(0, len(content), 16)] + [""]
                for number, piece in enumerate(pieces):
                    line = (
                        json.dumps(_chat_reply(model, piece, done=number == len(pieces) - 1)) + "\n"
                    )
                    data = line.encode()
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


def _chat_reply(model: str, content: str, done: bool) -> dict:
    reply = {
        "model": model,
        "created_at": _now(),
        "message": {"role": "assistant", "content": content},
        "done": done,
    }
    if done:
        reply |= {
            "done_reason": "stop",
            "total_duration": 1,
            "eval_count": 1,
            "prompt_eval_count": 1,
        }
    return reply
