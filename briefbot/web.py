"""`briefbot serve`: the archive of the output folder, a subscribe form with double opt-in, and
one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import logging
import os
import smtplib
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from briefbot.config import Settings
from briefbot.database import Database
from briefbot.deliver.addresses import BadAddress, normalized_address
from briefbot.deliver.mail import confirmation_message, link
from briefbot.deliver.smtp import send_one, smtp_options
from briefbot.deliver.tokens import Tokens, signing_secret
from briefbot.render import make_environment
from briefbot.store import Store

log = logging.getLogger(__name__)

# One confirmation mail per address in this time, however often the form is sent for it.
CONFIRMATION_GAP = timedelta(minutes=10)


class RateLimiter:
    """At most `limit` events per `window` seconds for each key, over a sliding window."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self._limit, self._window, self._clock = limit, window, clock
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self._clock()
        if len(self._events) > 10_000:  # forget clients that have gone quiet
            self._events = {k: v for k, v in self._events.items() if v[-1] > now - self._window}
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self._window:
            events.popleft()
        if len(events) >= self._limit:
            return False
        events.append(now)
        return True


def make_app(
    settings: Settings,
    database: Database,
    out_dir: Path,
    environ: Mapping[str, str] = os.environ,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    """The web app over one store and one output folder."""
    with Store(database) as store:
        tokens = Tokens(signing_secret(settings.site, store, environ), settings.site.confirm_hours)
    smtp = smtp_options(settings.mail.smtp, environ)
    limiter = RateLimiter(settings.site.subscribe_per_hour, 3600)
    environment = make_environment()
    base_url = str(settings.site.base_url)

    def page(heading: str, message: str = "", status: int = 200, **extra: object) -> HTMLResponse:
        return _page(environment, settings.title, heading, message, status, **extra)

    async def subscribe_form(request: Request) -> Response:
        return page(f"Subscribe to {settings.title}", form="subscribe")

    async def subscribe(request: Request) -> Response:
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client):
            response = page("Too many requests", "Please try again in an hour.", 429)
            response.headers["Retry-After"] = "3600"
            return response
        form = await request.form()
        try:
            email = normalized_address(str(form.get("email", "")))
        except BadAddress as error:
            return page("Not an address we can use", f"{error}.", 400, form="subscribe")
        now = clock()
        with Store(database) as store:
            status = store.request_subscription(email, now)
            last_mailed = store.subscriber(email)["last_mailed_at"]
        recent = last_mailed and datetime.fromisoformat(last_mailed) > now - CONFIRMATION_GAP
        if status == "pending" and not recent:
            message = confirmation_message(
                to=email,
                from_address=settings.mail.from_address,
                title=settings.title,
                confirm_url=link(base_url, "confirm", tokens.confirm_token(email)),
                unsubscribe_url=link(base_url, "unsubscribe", tokens.unsubscribe_token(email)),
                confirm_hours=settings.site.confirm_hours,
                now=now,
                environment=environment,
            )
            try:
                await run_in_threadpool(send_one, smtp, message)
            except (smtplib.SMTPException, OSError) as error:
                log.warning("confirmation mail not sent: %s", error)
                return page(
                    "Please try again later", "The confirmation mail could not be sent.", 503
                )
            with Store(database) as store:
                store.note_confirmation_mail(email, now)
        # The same answer whatever the address's state, so the form tells no one who subscribes.
        return page(
            "Check your inbox",
            f"If {email} is not subscribed yet, a mail with a link to confirm is on its way; "
            f"the link works for {settings.site.confirm_hours} hours.",
        )

    async def confirm(request: Request) -> Response:
        email = tokens.confirmed_address(request.query_params.get("token", ""))
        if email is not None:
            with Store(database) as store:
                if store.confirm_subscriber(email, clock()):
                    return page("You are subscribed", f"{email} will get {settings.title}.")
        return page(
            "This link does not work",
            "It is not valid or has expired. Please subscribe again.",
            400,
            form="subscribe",
        )

    async def unsubscribe(request: Request) -> Response:
        token = request.query_params.get("token", "")
        email = tokens.unsubscribing_address(token)
        if email is None:
            return page("This link does not work", "It is not a valid unsubscribe link.", 400)
        if request.method == "GET":  # a link preview must not unsubscribe: the button POSTs
            action = link(".", "unsubscribe", token).removeprefix("./")
            return page(f"Unsubscribe {email}?", "", form="unsubscribe", action=action)
        with Store(database) as store:
            store.unsubscribe(email, clock())
        return page("You are unsubscribed", f"{email} will get no more mail from us.")

    return Starlette(
        routes=[
            Route("/subscribe", subscribe_form, methods=["GET"]),
            Route("/subscribe", subscribe, methods=["POST"]),
            Route("/confirm", confirm, methods=["GET"]),
            Route("/unsubscribe", unsubscribe, methods=["GET", "POST"]),
            Mount("/", StaticFiles(directory=out_dir, html=True, check_dir=False)),
        ]
    )


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
    return HTMLResponse(html, status_code=status)
