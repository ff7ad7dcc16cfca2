"""What every request of the web app passes through, as small ASGI middlewares: the security
headers of every response, a bound on request bodies (size and time), an access log without
secrets; and the check that a form post comes from the site itself."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from base64 import b64encode
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("briefbot.web.access")

_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def style_hashes(html: str) -> list[str]:
    """The CSP source expressions (`'sha256-…'`, CSP Level 3 §8.4) of the inline <style>
    elements in the page's <head>: the only styles its policy allows. A <style> in the body
    (none of briefbot's pages has one) gets no hash, so text that smuggled one in is inert."""
    head = html.partition("</head>")[0]
    return [
        f"'sha256-{b64encode(hashlib.sha256(match[1].encode()).digest()).decode()}'"
        for match in _STYLE.finditer(head)
    ]


def content_security_policy(styles: Iterable[str] = ()) -> str:
    """Nothing from anywhere (no scripts, images, fonts, frames, plug-ins), the page's own
    inline styles by hash, forms posting only to the site, and no framing by other sites."""
    style = " ".join(styles) or "'none'"
    return (
        f"default-src 'none'; style-src {style}; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


# Referrer-Policy `same-origin`: no Referer (so no token in a page's URL) goes to other sites,
# and a form post to the site itself keeps its Origin header (with `no-referrer` browsers send
# `Origin: null`, which the cross-site check would refuse).
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS and a Content-Security-Policy (the strictest, with no style at
    all, unless the response set its own) to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._default_policy = content_security_policy()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = SECURITY_HEADERS | {"content-security-policy": self._default_policy}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in extra.items()
                    if name.encode() not in present
                ]
                message = message | {"headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Request bodies of at most `max_bytes`, received within `timeout` seconds.

    A Content-Length over the limit is answered 413 before any of the body is read; a body
    without one (chunked) fails with 413 as soon as it passes the limit, and one that trickles
    in slower than the deadline with 408. The errors are raised as HTTPException from
    `receive`, so the app answers them like its own."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _plain_response(send, 413, "Request body too large.")
            return
        received = 0
        deadline = time.monotonic() + self.timeout

        async def bounded_receive() -> Message:
            nonlocal received
            try:
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, "The request body came too slowly.") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, "Request body too large.")
            return message

        await self.app(scope, bounded_receive, send)


class AccessLog:
    """One line per request on the `briefbot.web.access` logger, like uvicorn's but with the
    value of every query parameter replaced by `[redacted]`: the links briefbot serves carry
    signed tokens that name an address and never expire (unsubscribe)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        started = time.monotonic()

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            client = scope.get("client")
            access_log.info(
                '%s - "%s %s HTTP/%s" %d %.0f ms',
                client[0] if client else "-",
                scope["method"],
                redacted_target(scope),
                scope.get("http_version", "1.1"),
                status or 500,
                (time.monotonic() - started) * 1000,
            )


def redacted_target(scope: Scope) -> str:
    """The request's path and query with every query value replaced by `[redacted]`."""
    path = quote(scope.get("root_path", "") + scope["path"])
    query = scope.get("query_string", b"").decode("latin-1")
    if not query:
        return path
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return f"{path}?{urlencode([(name, '[redacted]') for name in names], safe='[]')}"


def origin_of(url: str) -> str:
    """The origin (RFC 6454) of an http(s) URL as an Origin header writes it."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port not in (None, default) else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def cross_site_reason(headers: Mapping[str, str], site_origin: str) -> str | None:
    """Why a state-changing request is refused as coming from another site, or None.

    The order of Go's net/http CrossOriginProtection: a browser's `Sec-Fetch-Site` (W3C Fetch
    Metadata) must be `same-origin` or `none` (typed or bookmarked); without it, an `Origin`
    (RFC 6454) must be the site's (from site.base_url). A request with neither comes from no
    browser (curl, or a mail provider's RFC 8058 one-click POST), which no other site can make
    a reader's browser send: it passes.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site in ("same-origin", "none"):
            return None
        return f"Sec-Fetch-Site: {fetch_site}"
    origin = headers.get("origin")
    if origin is None or origin.lower() == site_origin.lower():
        return None
    return f"Origin: {origin}"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1").strip()
    return None


async def _plain_response(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
