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


def _handler(pages: dict[str, Page]) -> type[BaseHTTPRequestHandler]:
    class DemoHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
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


@contextmanager
def serve_site(build: Callable[[str], dict[str, Page]]) -> Iterator[str]:
    """Serve the pages that `build(base_url)` makes; yield the base URL, stop on exit.

    The preferred port keeps the demo's URLs (and so its stored items) the same from one run
    to the next; another free port is used when it is taken.
    """
    try:
        server = ThreadingHTTPServer(("127.0.0.1", PREFERRED_PORT), _handler({}))
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler({}))
        log.warning(
            "port %d is taken (another demo running?): serving on %d; items stored by a demo "
            "on the usual port will count as new",
            PREFERRED_PORT,
            server.server_address[1],
        )
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = _handler(build(base))
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
