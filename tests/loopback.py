"""What the test servers share: a threaded HTTP server on 127.0.0.1 run for a `with` block,
a plain reply with a body, and one lock for the model the fake model servers answer with."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

# llama.cpp runs one call at a time; a server thread that outlives its test (after a client
# timeout) must not run the model beside the next test's.
MODEL_LOCK = threading.Lock()


def reply(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class LoopbackServer:
    """Serves `handler` on a free port of 127.0.0.1 while the `with` block runs."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self._server = ThreadingHTTPServer((host, 0), handler)
        self._server.daemon_threads = True
        self.base = f"http://{host}:{self._server.server_address[1]}"
        # shutdown() waits up to one poll interval: 0.5 s by default, a tenth of the suite
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
