"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, and the web app run
by uvicorn on a free port, for the publishing and mail tests."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Self

import uvicorn
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefbot.config import SiteSettings
from briefbot.deliver.commands import SERVE_OPTIONS
from briefbot.publish import publish_site
from briefbot.render import write_brief
from tests.test_render import fixed_brief

SECRET = "test-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Every message the server accepted (parsed in `messages`, as sent in `raw`, with the
    envelope's MAIL FROM and its options in `senders`), with hooks that run when a transaction
    starts (`on_mail`, given the transaction's number from 1) or a message has arrived
    (`on_data`). `smtp` goes to aiosmtpd's SMTP: `enable_SMTPUTF8`, `tls_context` and
    `require_starttls` (STARTTLS), `auth_require_tls`; `ssl_context` makes it an implicit-TLS
    server. With `login` (user, password) it takes AUTH PLAIN/LOGIN with that login only."""

    def __init__(self, login: tuple[str, str] | None = None, **smtp: object) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.senders: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, bool]] = []  # (user, over TLS) of each accepted AUTH
        self.encrypted: list[bool] = []  # whether each message came over TLS
        self.transactions = 0
        self.on_mail: Callable[[int], None] = lambda number: None
        self.on_data: Callable[[EmailMessage], None] = lambda message: None
        self._lock = threading.Lock()
        port = free_port()
        self.host, self.port = "127.0.0.1", port
        self._login = login
        if login is not None:
            smtp = {"authenticator": self._authenticate, "auth_required": True} | smtp
        self._controller = Controller(self, hostname=self.host, port=port, **smtp)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        given = (auth_data.login.decode(), auth_data.password.decode())
        if isinstance(auth_data, LoginPassword) and given == self._login:
            self.logins.append((given[0], _over_tls(server)))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:
        with self._lock:
            self.transactions += 1
            number = self.transactions
        self.on_mail(number)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.raw.append(envelope.original_content)
            self.encrypted.append(_over_tls(server))
            self.senders.append((envelope.mail_from, list(envelope.mail_options)))
        self.on_data(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def copies(self) -> Counter[str]:
        """How many messages each recipient got."""
        return Counter(str(m["To"]) for m in self.messages)

    def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} mails, got {len(self.messages)}")
            time.sleep(0.02)

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def _over_tls(server) -> bool:
    """Whether the session runs over TLS: after STARTTLS, or on an implicit-TLS server."""
    return server.transport.get_extra_info("ssl_object") is not None


class WebServer:
    """An ASGI app served by uvicorn in a thread on a free port of 127.0.0.1, with the options
    `briefbot serve` gives uvicorn (its own proxy headers and access log off)."""

    def __init__(self, app: object, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            **SERVE_OPTIONS,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def write_config(
    folder: Path, mailbox: Mailbox, base_url: str, site: dict | None = None, **mail: object
) -> Path:
    """A sources.yaml whose mail goes to `mailbox` and whose site is at `base_url`."""
    config = {
        "title": "Open Source LLM Brief",
        "timezone": "America/New_York",
        "sources": [{"type": "rss", "name": "Unused", "url": "http://127.0.0.1:9/feed.xml"}],
        "site": {"base_url": base_url, "secret": SECRET} | (site or {}),
        "mail": {
            "from_address": "Open Source LLM Brief <brief@example.org>",
            "smtp": {"host": mailbox.host, "port": mailbox.port, "security": "none"},
        }
        | mail,
    }
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def publish_fixed_brief(out_dir: Path, base_url: str) -> None:
    """The fixed test day (2026-07-03) written and published into `out_dir`."""
    brief = fixed_brief()
    write_brief(brief, out_dir)
    publish_site(brief, out_dir, SiteSettings(base_url=base_url))
