"""How long an answer stays fresh (RFC 9111 §4.2) and how long a server asks us to wait
(Retry-After, RFC 9110 §10.2.3), each capped: a feed that says `max-age` of a year, or a server
that asks for ten years' patience, still gets asked again within hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-cache|no-store)\b", re.IGNORECASE)
DEFAULT_RETRY_AFTER = timedelta(minutes=30)  # a 429 or 503 that does not say how long


def http_date(value: str) -> datetime | None:
    """An HTTP date (RFC 9110 §5.6.7, and the obsolete forms) in UTC, or None."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fresh_until(headers: httpx.Headers, now: datetime, max_hours: float) -> datetime | None:
    """When an answer stops being fresh, by Cache-Control max-age (less Age), else Expires
    (against the answer's Date); at most `max_hours` from now. None: ask on every run."""
    cache_control = headers.get("cache-control", "")
    if _NO_CACHE.search(cache_control):
        return None
    cap = max_hours * 3600
    match = _MAX_AGE.search(cache_control)
    if match:
        age = headers.get("age", "").strip()
        lifetime = float(min(int(match.group(1)), 10**12)) - (int(age) if age.isdigit() else 0)
    elif "expires" in headers:
        expires = http_date(headers["expires"])
        if expires is None:  # "Expires: 0" and other invalid dates mean already expired
            return None
        date = http_date(headers.get("date", "")) or now
        lifetime = (expires - date).total_seconds()
    else:
        return None
    seconds = min(lifetime, cap)
    return now + timedelta(seconds=seconds) if seconds > 0 else None


def retry_at(headers: httpx.Headers, now: datetime, max_hours: float) -> datetime:
    """The moment a Retry-After header (seconds or an HTTP date) points at, at most
    `max_hours` from now; 30 minutes when it says nothing usable."""
    value = headers.get("retry-after", "").strip()
    latest = now + timedelta(hours=max_hours)
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), max_hours * 3600))
    moment = http_date(value) if value else None
    if moment is None:
        return min(now + DEFAULT_RETRY_AFTER, latest)
    return max(min(moment, latest), now)
