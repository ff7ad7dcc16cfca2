"""One HTTP client for all collectors: timeouts, redirects, a size cap on bodies."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from briefbot.config import FetchSettings


class FetchError(Exception):
    """A fetch that gave no usable body; the message is shown in the brief's footer."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def make_client(settings: FetchSettings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_seconds),
        follow_redirects=True,
        headers={"User-Agent": settings.user_agent},
    )


async def fetch(client: httpx.AsyncClient, url: str, max_bytes: int) -> Response:
    """GET a URL and return its body, refusing bodies over max_bytes without reading them all."""
    try:
        async with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"body too large ({int(declared):,} bytes)")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"body too large (over {max_bytes:,} bytes)")
                chunks.append(chunk)
            return Response(
                str(response.url), response.status_code, response.headers, b"".join(chunks)
            )
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out ({type(error).__name__})") from error
    except httpx.ConnectError as error:
        raise FetchError(f"cannot connect: {error}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"{type(error).__name__}: {error}".rstrip(": ")) from error
