"""`briefbot serve`: the archive of the output folder, a subscribe form with double opt-in, and
one-click unsubscribe (RFC 8058).

Only POST changes anything: a GET or HEAD of a mailed link (a link scanner, a preview,
`curl -I`) shows a page with a button, and the button POSTs. Form posts from other sites are
refused. One store serves the app for its life, and every store call runs on a worker thread
of its own limiter, so a busy database never holds up the event loop or the static files; a
store still busy after STORE_WAIT_SECONDS answers 503 with Retry-After.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio
from jinja2 import Environment
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from briefbot.config import ConfigError, Settings, load_settings
from briefbot.database import Database, database_location
from briefbot.deliver.addresses import BadAddress, normalized_address, sender
from briefbot.deliver.mail import confirmation_message, link
from briefbot.deliver.smtp import send_one, smtp_options
from briefbot.deliver.tokens import Tokens, signing_secret
from briefbot.render import make_environment
from briefbot.store import Store
from briefbot.web.guards import (
    AccessLog,
    BodyLimit,
    SecurityHeaders,
    content_security_policy,
    cross_site_reason,
    origin_of,
    style_hashes,
)
from briefbot.web.ratelimit import RateLimiter, client_key
from briefbot.web.signups import SignUps
from briefbot.web.static import PublicFiles

log = logging.getLogger(__name__)

# How long a request waits for another process's write lock before it gets a 503.
STORE_WAIT_SECONDS = 2.0
RETRY_AFTER_BUSY = "5"
# Store calls run on at most this many threads, so they never take every thread of the
# default limiter that static files are read with.
STORE_THREADS = 8
# The form posts: an address and, from RFC 8058 mail providers, `List-Unsubscribe=One-Click`.
MAX_FORM_FIELDS = 5

# Where `briefbot serve` tells the worker processes what to serve (see app_from_environment).
CONFIG_ENV, DATABASE_ENV, OUT_ENV = (
    "BRIEFBOT_SERVE_CONFIG",
    "BRIEFBOT_SERVE_DATABASE",
    "BRIEFBOT_SERVE_OUT",
)

T = TypeVar("T")


class StoreBusy(Exception):
    """The store did not answer within STORE_WAIT_SECONDS (locked, or unreachable)."""


class WebApp:
    """The ASGI app: Starlette's routes inside the guards every request passes (trusted proxy
    headers, access log, security headers, body limit). `signups` handles the form's sign-ups
    after the answer."""

    def __init__(self, asgi: ASGIApp, signups: SignUps) -> None:
        self._asgi, self.signups = asgi, signups

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)


def make_app(
    settings: Settings,
    database: Database,
    out_dir: Path,
    environ: Mapping[str, str] = os.environ,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> WebApp:
    """The web app over one store and one output folder; ConfigError when the config cannot
    serve (a From address that is no address)."""
    site = settings.site
    try:
        sender(settings.mail.from_address)
    except BadAddress as error:
        raise ConfigError(f"mail.from_address: {error}") from None
    store = Store(database, busy_seconds=STORE_WAIT_SECONDS)
    tokens = Tokens(signing_secret(site, store, environ), site.confirm_hours)
    smtp = smtp_options(settings.mail.smtp, environ)
    limiter = RateLimiter(site.subscribe_per_hour, 3600)
    store_threads = anyio.CapacityLimiter(STORE_THREADS)
    environment = make_environment()
    base_url = str(site.base_url)
    site_origin = origin_of(base_url)

    def send_confirmation(email: str, now: datetime) -> None:
        message = confirmation_message(
            to=email,
            from_address=settings.mail.from_address,
            title=settings.title,
            confirm_url=link(base_url, "confirm", tokens.confirm_token(email)),
            unsubscribe_url=link(base_url, "unsubscribe", tokens.unsubscribe_token(email)),
            confirm_hours=site.confirm_hours,
            now=now,
            environment=environment,
        )
        send_one(smtp, message)

    signups = SignUps(store, send_confirmation, clock)

    def page(heading: str, message: str = "", status: int = 200, **extra: str) -> HTMLResponse:
        return _page(environment, settings.title, heading, message, status, **extra)

    async def in_store(call: Callable[..., T], *arguments: Any) -> T:
        try:
            return await anyio.to_thread.run_sync(
                functools.partial(call, *arguments), limiter=store_threads
            )
        except OperationalError as error:
            log.warning("store busy: %s", error.orig)
            raise StoreBusy from None

    def refused_cross_site(request: Request) -> Response | None:
        reason = cross_site_reason(request.headers, site_origin)
        if reason is None:
            return None
        log.info("refused a %s %s from another site (%s)", request.method, request.url.path, reason)
        return page("Not sent from this site", f"Please use the form at {base_url}.", 403)

    async def subscribe_form(request: Request) -> Response:
        return page(f"Subscribe to {settings.title}", form="subscribe")

    async def subscribe(request: Request) -> Response:
        if refused := refused_cross_site(request):
            return refused
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client_key(client)):
            response = page("Too many requests", "Please try again in an hour.", 429)
            response.headers["Retry-After"] = "3600"
            return response
        async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
            text = form.get("email", "")
        try:
            email = normalized_address(text if isinstance(text, str) else "")
        except BadAddress as error:
            return page("Not an address we can use", f"{error}.", 400, form="subscribe")
        if not signups.submit(email):
            response = page("Please try again later", "Too many sign-ups at once.", 503)
            response.headers["Retry-After"] = "60"
            return response
        # The same answer whatever the address's state, so the form tells no one who subscribes.
        return page(
            "Check your inbox",
            f"If {email} is not subscribed yet, a mail with a link to confirm is on its way; "
            f"the link works for {site.confirm_hours} hours.",
        )

    async def confirm(request: Request) -> Response:
        token = request.query_params.get("token", "")
        email = tokens.confirmed_address(token)
        if email is None:
            return page(
                "This link does not work",
                "It is not valid or has expired. Please subscribe again.",
                400,
                form="subscribe",
            )
        if request.method != "POST":  # a link scanner's GET must not confirm: the button POSTs
            return page(f"Confirm {email}?", "", form="confirm", action=_action("confirm", token))
        if refused := refused_cross_site(request):
            return refused
        if await in_store(store.confirm_subscriber, email, clock()):
            return page("You are subscribed", f"{email} will get {settings.title}.")
        return page(
            "This link does not work",
            "The address is not waiting for confirmation. Please subscribe again.",
            400,
            form="subscribe",
        )

    async def unsubscribe(request: Request) -> Response:
        token = request.query_params.get("token", "")
        email = tokens.unsubscribing_address(token)
        if email is None:
            return page("This link does not work", "It is not a valid unsubscribe link.", 400)
        if request.method != "POST":  # a GET or HEAD (a link preview) shows a button only
            action = _action("unsubscribe", token)
            return page(f"Unsubscribe {email}?", "", form="unsubscribe", action=action)
        if refused := refused_cross_site(request):
            return refused
        await in_store(store.unsubscribe, email, clock())
        return page("You are unsubscribed", f"{email} will get no more mail from us.")

    async def busy(request: Request, error: Exception) -> Response:
        response = page("Please try again in a moment", "The site is busy.", 503)
        response.headers["Retry-After"] = RETRY_AFTER_BUSY
        return response

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        response = page(error.detail, "", error.status_code)
        response.headers.update(error.headers or {})
        return response

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(signups.close)
            store.close()

    routes = Starlette(
        routes=[
            Route("/subscribe", subscribe_form, methods=["GET"]),
            Route("/subscribe", subscribe, methods=["POST"]),
            Route("/confirm", confirm, methods=["GET", "POST"]),
            Route("/unsubscribe", unsubscribe, methods=["GET", "POST"]),
            Mount("/", PublicFiles(directory=out_dir, html=True, check_dir=False)),
        ],
        exception_handlers={StoreBusy: busy, HTTPException: http_error},
        lifespan=lifespan,
    )
    guarded = BodyLimit(routes, site.max_body_bytes, site.request_timeout_seconds)
    trusted = [str(network) for network in site.trusted_proxies]
    asgi = ProxyHeadersMiddleware(AccessLog(SecurityHeaders(guarded)), trusted_hosts=trusted)
    return WebApp(asgi, signups)


def app_from_environment() -> WebApp:
    """The app of `briefbot serve` in a uvicorn worker process (an app factory), from the
    config, database and output folder the command put in BRIEFBOT_SERVE_*."""
    settings = load_settings(Path(os.environ[CONFIG_ENV]))
    return make_app(
        settings, database_location(os.environ[DATABASE_ENV]), Path(os.environ[OUT_ENV])
    )


def _action(path: str, token: str) -> str:
    """A form's action: the page's own address with its token, relative to the page."""
    return link(".", path, token).removeprefix("./")


def _page(
    environment: Environment,
    title: str,
    heading: str,
    message: str,
    status: int,
    form: str = "",
    action: str = "",
) -> HTMLResponse:
    html = environment.get_template("page.html.j2").render(
        title=title, heading=heading, message=message, form=form, action=action
    )
    headers = {
        "content-security-policy": content_security_policy(style_hashes(html)),
        "cache-control": "no-store",  # pages with tokens in their links stay out of caches
    }
    return HTMLResponse(html, status_code=status, headers=headers)
