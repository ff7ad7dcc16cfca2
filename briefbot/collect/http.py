"""Polite, bounded HTTP for all collectors.

Polite: conditional GET (ETag, Last-Modified), no request while an answer is still fresh,
Retry-After honoured, at most `fetch.per_host` requests at a time per host, permanent redirects
adopted for the next run, a 410 source never asked again. Bounded: every request has a total
deadline (`fetch.timeout_seconds`, whatever the server trickles), bodies are capped after
their content codings are undone (`fetch.max_bytes`), cache lifetimes and Retry-After waits
are capped, and addresses found inside feeds reach only public addresses (netguard).

A source the operator configured is trusted as written, with its own redirects
(`fetch_source`); every other URL (an article link, a Reddit post's link) is not (`get`).
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from briefbot.collect.charsets import Decoded, decode_document, utf8_document
from briefbot.collect.codings import ACCEPT_ENCODING, BodyTooLarge, ContentDecoder, UndecodableBody
from briefbot.collect.freshness import fresh_until, retry_at
from briefbot.collect.netguard import AddressPolicy, ForbiddenAddress, GuardedTransport
from briefbot.config import FetchSettings
from briefbot.models import FetchState, SourceStatus

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
PERMANENT_REDIRECTS = (301, 308)  # RFC 9110 §15.4.2, §15.4.9; 302, 303, 307 are temporary
GONE_MESSAGE = "gone (HTTP 410): remove it from sources.yaml"


class FetchError(Exception):
    """A fetch that gave no usable body; the message is shown in the brief's footer."""


class RateLimited(FetchError):
    """The server said 429 or 503: do not ask again before `until`."""

    def __init__(self, status: int, until: datetime) -> None:
        super().__init__(f"HTTP {status}, asked to retry after {until:%Y-%m-%d %H:%M} UTC")
        self.until = until


class Gone(FetchError):
    """The server said 410 Gone: the resource is intentionally and permanently unavailable
    (RFC 9110 §15.5.11)."""

    def __init__(self) -> None:
        super().__init__("HTTP 410")


@dataclass(frozen=True)
class Response:
    """A final answer: its URL, status and headers, and the body with content codings undone.

    `permanent_url` is where the unbroken run of permanent redirects (301, 308) from the asked
    URL led, "" when the first answer was not one."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    permanent_url: str = ""

    @cached_property
    def decoded(self) -> Decoded:
        """The body as text, by BOM, HTTP charset, declaration, detection (charsets)."""
        return decode_document(self.body, self.headers.get("content-type", ""))

    @property
    def text(self) -> str:
        return self.decoded.text

    @property
    def utf8_body(self) -> bytes:
        """The body re-encoded as UTF-8 that says so (no BOM, declaration rewritten): what a
        parser such as feedparser cannot read under a wrong encoding."""
        return utf8_document(self.decoded)

    @property
    def utf8_content_type(self) -> str:
        """The Content-Type for `utf8_body`: the media type with charset=utf-8."""
        media_type = self.headers.get("content-type", "").split(";", 1)[0].strip()
        return f"{media_type or 'application/octet-stream'}; charset=utf-8"


@dataclass(frozen=True)
class Fetched:
    """A source URL's fetch, ready for a collector: a body to parse, or why there is none."""

    status: str
    state: FetchState
    response: Response | None = None
    error: str | None = None


class ConfiguredSource(Protocol):
    """What the fetcher reads from a source's settings: its own agent and headers."""

    @property
    def request_headers(self) -> dict[str, str]: ...


class Fetcher:
    """Two HTTP clients shared by all collectors of a run (one for configured sources, one
    that connects only to permitted addresses), with a request cap per host."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._headers: dict[str, str] = {}
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=40)
        options = {
            "timeout": httpx.Timeout(settings.timeout_seconds),
            "follow_redirects": False,  # followed here: each hop seen, no redirect body read
            "headers": {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            "limits": limits,
        }
        policy = AddressPolicy(settings.allow_private)
        self._trusted = httpx.AsyncClient(**options)
        self._guarded = httpx.AsyncClient(transport=GuardedTransport(policy, limits), **options)
        self._host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._trusted.aclose()
        await self._guarded.aclose()

    def for_source(self, source: ConfiguredSource) -> Fetcher:
        """This fetcher (same clients, same per-host caps) sending a source's own User-Agent
        and headers with its requests; `settings.user_agent` is the source's agent."""
        view = copy.copy(self)
        view._headers = source.request_headers
        agent = view._headers.get("User-Agent")
        if agent:
            view.settings = self.settings.model_copy(update={"user_agent": agent})
        return view

    async def get(
        self, url: str, headers: Mapping[str, str] | None = None, *, trusted: bool = False
    ) -> Response:
        """GET a URL within the total deadline, following up to 5 redirects; raise FetchError
        (RateLimited, Gone) for an answer that gives no body. An untrusted URL, and each of
        its redirects, may connect only to public or allowed addresses."""
        timeout = self.settings.timeout_seconds
        async with self._host_slots[urlsplit(url).netloc.lower()]:
            try:
                async with asyncio.timeout(timeout):
                    return await self._get(url, {**self._headers, **(headers or {})}, trusted)
            except TimeoutError as error:
                raise FetchError(f"timed out: no whole answer within {timeout:g} s") from error
            except ForbiddenAddress as error:
                raise FetchError(str(error)) from error
            except (BodyTooLarge, UndecodableBody) as error:
                raise FetchError(str(error)) from error
            except httpx.TimeoutException as error:
                raise FetchError(f"timed out ({type(error).__name__})") from error
            except httpx.ConnectError as error:
                raise FetchError(f"cannot connect: {error}") from error
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                raise FetchError(f"{type(error).__name__}: {error}".rstrip(": ")) from error

    async def _get(self, url: str, headers: dict[str, str], trusted: bool) -> Response:
        client = self._trusted if trusted else self._guarded
        request = client.build_request("GET", url, headers=headers)
        permanent, moving = "", True
        for _ in range(MAX_REDIRECTS + 1):
            response = await client.send(request, stream=True)
            try:
                if response.next_request is None:
                    return await self._answer(response, permanent)
                moving = moving and response.status_code in PERMANENT_REDIRECTS
                if moving:
                    permanent = str(response.next_request.url)
                request = response.next_request
            finally:
                await response.aclose()
        raise FetchError(f"too many redirects (over {MAX_REDIRECTS})")

    async def _answer(self, response: httpx.Response, permanent: str) -> Response:
        status = response.status_code
        if status == 410:
            raise Gone()
        if status in (429, 503):
            limit = self.settings.max_retry_after_hours
            raise RateLimited(status, retry_at(response.headers, datetime.now(UTC), limit))
        if status >= 400:
            raise FetchError(f"HTTP {status}")
        if 300 <= status < 400 and status != 304:
            raise FetchError(f"HTTP {status} (not a redirect briefbot follows)")
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"body too large ({int(declared):,} bytes)")
        decoder = ContentDecoder(response.headers.get("content-encoding", ""), limit)
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > limit:
                raise FetchError(f"body too large (over {limit:,} bytes)")
            decoder.feed(chunk)
        body = decoder.finish()
        for note in decoder.notes:
            log.info("%s: %s", response.url, note)
        return Response(str(response.url), status, response.headers, body, permanent)

    async def fetch_source(self, url: str, state: FetchState, now: datetime) -> Fetched:
        """A configured source fetched politely: not at all once gone, while the last answer
        is fresh or the server asked us to wait; at its adopted new URL after a permanent
        redirect; conditionally (ETag, Last-Modified) otherwise."""
        if state.gone_since:
            return Fetched(SourceStatus.GONE, state)
        if state.retry_after and now < state.retry_after:
            error = (
                f"waiting: the server asked to retry after {state.retry_after:%Y-%m-%d %H:%M} UTC"
            )
            return Fetched(SourceStatus.FAILED, state, error=error)
        if state.fresh_until and now < state.fresh_until:
            return Fetched(SourceStatus.FRESH, state)
        target = state.moved_to or url
        try:
            response = await self.get(target, conditional_headers(state), trusted=True)
        except Gone:
            gone = dataclasses.replace(failed_state(state, GONE_MESSAGE, now), gone_since=now)
            return Fetched(SourceStatus.GONE, gone, error=GONE_MESSAGE)
        except RateLimited as error:
            failed = failed_state(state, str(error), now)
            return Fetched(
                SourceStatus.FAILED,
                dataclasses.replace(failed, retry_after=error.until),
                error=str(error),
            )
        except FetchError as error:
            return Fetched(
                SourceStatus.FAILED, failed_state(state, str(error), now), error=str(error)
            )
        moved_to = response.permanent_url or state.moved_to
        moved_to = "" if moved_to == url else moved_to  # moved back where it was configured
        if moved_to and moved_to != state.moved_to:
            log.warning("%s moved permanently to %s: update sources.yaml", url, moved_to)
        succeeded = answered_state(state, response, now, self.settings.max_fresh_hours)
        succeeded = dataclasses.replace(succeeded, moved_to=moved_to)
        if response.status == 304:
            return Fetched(SourceStatus.NOT_MODIFIED, succeeded, response)
        return Fetched(SourceStatus.OK, succeeded, response)


def conditional_headers(state: FetchState) -> dict[str, str]:
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def answered_state(
    state: FetchState, response: Response, now: datetime, max_fresh_hours: float
) -> FetchState:
    """The state after a good answer (200 or 304): new validators, freshness, no failures."""
    headers = response.headers
    return FetchState(
        etag=headers.get("etag", state.etag if response.status == 304 else ""),
        last_modified=headers.get(
            "last-modified", state.last_modified if response.status == 304 else ""
        ),
        fresh_until=fresh_until(headers, now, max_fresh_hours),
        final_url=response.url,
        last_success=now,
        last_attempt=now,
        moved_to=state.moved_to,
    )


def failed_state(state: FetchState, error: str, now: datetime) -> FetchState:
    """The state after a failure: validators dropped, so the next answer is a full one."""
    return dataclasses.replace(
        state,
        etag="",
        last_modified="",
        fresh_until=None,
        retry_after=None,
        last_attempt=now,
        consecutive_failures=state.consecutive_failures + 1,
        last_error=error,
    )
