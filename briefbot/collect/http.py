"""Polite HTTP for all collectors: conditional GET, freshness, Retry-After, a cap on
concurrent requests per host, timeouts, a size cap on bodies, redirects followed."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from briefbot.config import FetchSettings
from briefbot.models import FetchState, SourceStatus

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-cache|no-store)\b", re.IGNORECASE)
DEFAULT_RETRY_AFTER = timedelta(minutes=30)


class FetchError(Exception):
    """A fetch that gave no usable body; the message is shown in the brief's footer."""


class RateLimited(FetchError):
    """The server said 429 or 503: do not ask again before `until`."""

    def __init__(self, status: int, until: datetime) -> None:
        super().__init__(f"HTTP {status}, asked to retry after {until:%Y-%m-%d %H:%M} UTC")
        self.until = until


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass(frozen=True)
class Fetched:
    """A source URL's fetch, ready for a collector: a body to parse, or why there is none."""

    status: str
    state: FetchState
    response: Response | None = None
    error: str | None = None


class Fetcher:
    """One HTTP client shared by all collectors of a run, with a request cap per host."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout_seconds),
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": settings.user_agent},
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=40),
        )
        self._host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET a URL; refuse bodies over the size cap without reading them all."""
        async with self._host_slots[urlsplit(url).netloc.lower()]:
            return await self._get(url, headers or {})

    async def _get(self, url: str, headers: dict[str, str]) -> Response:
        limit = self.settings.max_bytes
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code in (429, 503):
                    raise RateLimited(response.status_code, retry_at(response.headers))
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"body too large ({int(declared):,} bytes)")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"body too large (over {limit:,} bytes)")
                    chunks.append(chunk)
                return Response(
                    str(response.url), response.status_code, response.headers, b"".join(chunks)
                )
        except httpx.TimeoutException as error:
            raise FetchError(f"timed out ({type(error).__name__})") from error
        except httpx.ConnectError as error:
            raise FetchError(f"cannot connect: {error}") from error
        except httpx.TooManyRedirects as error:
            raise FetchError("too many redirects") from error
        except httpx.HTTPError as error:
            raise FetchError(f"{type(error).__name__}: {error}".rstrip(": ")) from error

    async def fetch_source(self, url: str, state: FetchState, now: datetime) -> Fetched:
        """A source URL fetched politely: not at all while the last answer is fresh or the
        server asked us to wait, conditionally (ETag, Last-Modified) otherwise."""
        if state.retry_after and now < state.retry_after:
            error = (
                f"waiting: the server asked to retry after {state.retry_after:%Y-%m-%d %H:%M} UTC"
            )
            return Fetched(SourceStatus.FAILED, state, error=error)
        if state.fresh_until and now < state.fresh_until:
            return Fetched(SourceStatus.FRESH, state)
        try:
            response = await self.get(url, conditional_headers(state))
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
        succeeded = answered_state(state, response, now)
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


def answered_state(state: FetchState, response: Response, now: datetime) -> FetchState:
    """The state after a good answer (200 or 304): new validators, freshness, no failures."""
    headers = response.headers
    return FetchState(
        etag=headers.get("etag", state.etag if response.status == 304 else ""),
        last_modified=headers.get(
            "last-modified", state.last_modified if response.status == 304 else ""
        ),
        fresh_until=fresh_until(headers, now),
        final_url=response.url,
        last_success=now,
        last_attempt=now,
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


def fresh_until(headers: httpx.Headers, now: datetime) -> datetime | None:
    """When a response stops being fresh per Cache-Control: max-age (None: ask every run)."""
    cache_control = headers.get("cache-control", "")
    match = _MAX_AGE.search(cache_control)
    if not match or _NO_CACHE.search(cache_control):
        return None
    age = int(headers.get("age", "0") or 0) if headers.get("age", "").isdigit() else 0
    seconds = int(match.group(1)) - age
    return now + timedelta(seconds=seconds) if seconds > 0 else None


def retry_at(headers: httpx.Headers, now: datetime | None = None) -> datetime:
    """The moment a Retry-After header (seconds or an HTTP date) points at."""
    now = now or datetime.now(UTC)
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return now + DEFAULT_RETRY_AFTER
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
