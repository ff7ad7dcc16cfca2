"""Shared test parts: a real HTTP server on 127.0.0.1, the store locations, a config factory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from briefbot.database import Database
from tests.canned_backend import CannedBackend
from tests.databases import fresh_postgres_schema
from tests.loopback import LoopbackServer
from tests.openai_server import OpenAICompatibleServer

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Route:
    """What the test server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    delay: float = 0.0
    stream_bytes: int = 0  # when set, send this many bytes of filler without Content-Length
    etag: str = ""  # when set, sent, and a matching If-None-Match gets 304
    last_modified: str = ""  # likewise with If-Modified-Since
    headers: dict[str, str] = field(default_factory=dict)
    bare_304: bool = False  # a 304 without the validators again (RFC 9110 says SHOULD, not MUST)


class FeedServer(LoopbackServer):
    """A threaded HTTP server whose routes a test sets; counts requests per path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.request_headers: dict[str, list[dict[str, str]]] = {}  # per path, in order
        self.bodies_sent = 0
        self.not_modified = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                    server.request_headers.setdefault(path, []).append(dict(self.headers))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._answer(server.routes.get(path, Route(b"not found", 404, "text/plain")))
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self, route: Route) -> None:
                if route.delay:
                    time.sleep(route.delay)
                unchanged = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified
                    and self.headers.get("If-Modified-Since") == route.last_modified
                )
                if unchanged:
                    with server._lock:
                        server.not_modified += 1
                    self.send_response(304)
                    if not route.bare_304:
                        self._validators(route)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                self._validators(route)
                self.send_header("Content-Type", route.content_type)
                if route.stream_bytes:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    block = b"<!-- filler -->" * 4096
                    sent = 0
                    try:
                        while sent < route.stream_bytes:
                            self.wfile.write(block)
                            sent += len(block)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
                with server._lock:
                    server.bodies_sent += 1

            def _validators(self, route: Route) -> None:
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler, host)

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str, **options: object) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, **options)
        return self.url(path)

    def serve_file(self, path: str, file: Path, **options: object) -> str:
        return self.serve(path, file.read_bytes(), **options)


@pytest.fixture(scope="session")
def tiny_backend():
    """The real llama.cpp runtime with the tiny SmolLM2 model, loaded once for the session:
    plumbing, not quality (it writes poorly, which is what the writer's checks are for)."""
    from briefbot.config import EmbeddedSettings
    from briefbot.write.backends import EmbeddedBackend

    return EmbeddedBackend(EmbeddedSettings(model="smollm2-135m", threads=2), temperature=0.0)


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    """The demo site, built once for the session, on a free port of 127.0.0.1: its base URL."""
    from briefbot.demo.server import serve_site
    from briefbot.demo.site import build_site

    with serve_site(build_site, port=0) as base:
        yield base


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A new, empty store location: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield tmp_path / "b.db"
        return
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture
def tiny_model_config() -> Callable[..., dict]:
    """A config mapping that writes with the tiny SmolLM2 model (plumbing tests only)."""

    def make(sources: list[dict], **overrides: object) -> dict:
        return {
            "title": "Test Brief",
            "timezone": "UTC",
            "top_stories": 3,
            "sources": sources,
            "model": {"embedded": {"model": "smollm2-135m"}, "candidates": 1},
            "fetch": {"timeout_seconds": 5},
        } | overrides

    return make


@pytest.fixture
def canned_server() -> Iterator[OpenAICompatibleServer]:
    """A model server on 127.0.0.1 that speaks OpenAI's API with canned answers: runs that
    publish a brief without loading a model (tests about runs, not about writing)."""
    with OpenAICompatibleServer(CannedBackend(), CannedBackend.model) as server:
        yield server


def canned_model(server: OpenAICompatibleServer) -> dict:
    """The `model:` of a config that writes through the canned server."""
    return {
        "backends": [{"type": "openai", "base_url": server.base_url, "model": CannedBackend.model}]
    }
