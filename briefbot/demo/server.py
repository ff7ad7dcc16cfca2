"""A local HTTP server on 127.0.0.1 that serves the demo site from memory."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from briefbot.demo.site import Page

PREFERRED_PORT = 8737
log = logging.getLogger(__name__)


def _handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class DemoHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            pages = server.pages
            path = urlsplit(self.path).path
            page = pages.get(path) or pages.get(path + "/")
            if page is None:
                page = Page("text/plain; charset=utf-8", b"not found\n")
                self.send_response(404)
            elif self.headers.get("If-None-Match") == page.etag:
                self.send_response(304)
                self.send_header("ETag", page.etag)
                self.end_headers()
                return
            else:
                self.send_response(200)
                self.send_header("ETag", page.etag)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            if with_body:
                self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the demo's own log says what was fetched."""

    return DemoHandler


class DemoServer:
    """The demo site on 127.0.0.1, serving from memory what `show(pages)` gave it last.

    `port` (default PREFERRED_PORT) keeps the demo's URLs, and so its stored items, the same
    from one run to the next; another free port is used when it is taken, and 0 asks for any.
    """

    def __init__(self, port: int = PREFERRED_PORT) -> None:
        self.pages: dict[str, Page] = {}
        try:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        except OSError:
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
            log.warning(
                "port %d is taken (another demo running?): serving on %d; items stored by a "
                "demo on the usual port will count as new",
                port,
                self._server.server_address[1],
            )
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-site", daemon=True
        )

    def show(self, pages: dict[str, Page]) -> None:
        self.pages = pages

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@contextmanager
def serve_site(
    build: Callable[[str], dict[str, Page]], port: int = PREFERRED_PORT
) -> Iterator[str]:
    """Serve the pages that `build(base_url)` makes; yield the base URL, stop on exit."""
    with DemoServer(port) as server:
        server.show(build(server.base))
        yield server.base
