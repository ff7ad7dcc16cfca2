"""A local server that speaks two services Apprise posts to, and a guard that keeps a process's
connections on loopback.

- A JSON webhook, as Apprise's `json://host:port/path` posts it: `POST /path` with
  `Content-Type: application/json` and `{"version": "1.0", "title", "message", "attachments",
  "type"}`; any 2xx is success.
- ntfy's publish API, as Apprise's `ntfy://host:port/topic` posts it: `POST /` with a JSON
  body `{"topic", "title", "message"}` (https://docs.ntfy.sh/publish/#publish-as-json),
  answered with the message object ntfy returns, or on failure `{"code", "http", "error"}`.

A test can make a target answer with an error status first (`fail`), and run a hook when a post
has arrived, before it is answered (`on_post`: e.g. SIGKILL the sender).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.loopback import LoopbackServer, reply

WEBHOOK_KEYS = {"version", "title", "message", "attachments", "type"}


@dataclass(frozen=True)
class Post:
    """One post the server took: `target` is the webhook's path or the ntfy topic."""

    service: str  # "json" or "ntfy"
    target: str
    title: str
    message: str
    headers: dict[str, str]


class ChannelServer(LoopbackServer):
    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.requests = 0
        self.failures: dict[str, list[int]] = {}  # target -> statuses to answer first, in order
        self.on_post: Callable[[Post], None] = lambda post: None
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer._lock:
                    outer.requests += 1
                try:
                    payload = json.loads(body)
                except ValueError:
                    self._json(400, {"error": "the body is not JSON"})
                    return
                path = urlsplit(self.path).path
                if path == "/" and isinstance(payload, dict) and "topic" in payload:
                    self._ntfy(payload)
                else:
                    self._webhook(path, payload)

            def _webhook(self, path: str, payload: object) -> None:
                if (
                    self.headers.get("Content-Type") != "application/json"
                    or not isinstance(payload, dict)
                    or set(payload) != WEBHOOK_KEYS
                    or not isinstance(payload["message"], str)
                ):
                    self._json(400, {"error": "not Apprise's JSON payload"})
                    return
                post = Post("json", path, payload["title"], payload["message"], dict(self.headers))
                status = outer._take(post)
                self._json(status, {} if status < 300 else {"error": "server error"})

            def _ntfy(self, payload: dict) -> None:
                topic, message = payload.get("topic"), payload.get("message")
                if not (isinstance(topic, str) and isinstance(message, str) and message):
                    self._json(400, {"code": 40001, "http": 400, "error": "invalid request"})
                    return
                title = payload.get("title", "")
                status = outer._take(Post("ntfy", topic, title, message, dict(self.headers)))
                if status >= 300:
                    self._json(status, {"code": status * 100 + 1, "http": status, "error": "boom"})
                    return
                answer = {
                    "id": f"m{len(outer.posts)}",
                    "time": int(time.time()),
                    "event": "message",
                }
                self._json(200, answer | {"topic": topic, "title": title, "message": message})

            def _json(self, status: int, data: dict) -> None:
                reply(self, status, "application/json", json.dumps(data).encode())

        super().__init__(Handler)
        self.port = int(self.base.rsplit(":", 1)[1])

    def fail(self, target: str, *statuses: int) -> None:
        """Answer the next posts to `target` with these statuses (taking nothing)."""
        self.failures.setdefault(target, []).extend(statuses)

    def _take(self, post: Post) -> int:
        with self._lock:
            failures = self.failures.get(post.target)
            if failures:
                return failures.pop(0)
            self.posts.append(post)
        self.on_post(post)
        return 200

    def to(self, target: str) -> list[Post]:
        return [post for post in self.posts if post.target == target]

    def copies(self) -> Counter[str]:
        """How many posts each target took."""
        return Counter(post.target for post in self.posts)


class LoopbackOnly:
    """While installed, every connection this process opens to an address outside
    127.0.0.0/8 and ::1 fails at once, before a packet leaves, and is listed in `blocked`.
    (Unix sockets stay allowed; a host name other than localhost counts as outside.)"""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self._connect = socket.socket.connect
        self._connect_ex = socket.socket.connect_ex

    def _check(self, address: object) -> None:
        if not isinstance(address, tuple):
            return
        host = str(address[0]).split("%")[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            self.blocked.append(host)
            raise ConnectionRefusedError(f"test guard: no connection to {host}")

    def install(self) -> LoopbackOnly:
        guard, connect, connect_ex = self, self._connect, self._connect_ex

        def guarded_connect(sock: socket.socket, address: object) -> None:
            guard._check(address)
            connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: object) -> int:
            guard._check(address)
            return connect_ex(sock, address)

        socket.socket.connect = guarded_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
        return self

    def undo(self) -> None:
        socket.socket.connect = self._connect  # type: ignore[method-assign]
        socket.socket.connect_ex = self._connect_ex  # type: ignore[method-assign]
