"""Building SourceResults from a fetch, shared by the collectors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from briefbot.collect.http import Fetched, failed_state
from briefbot.models import Item, SourceResult, SourceStatus


def without_body(source, fetched: Fetched, mode: str = "") -> SourceResult:
    """A source that gave nothing to parse this run: fresh, not modified, or failed."""
    return SourceResult(
        source.name,
        source.type,
        error=fetched.error,
        mode=mode,
        status=fetched.status,
        address=source.address,
        state=fetched.state,
    )


def unparsable(source, fetched: Fetched, error: str, now: datetime, mode: str = "") -> SourceResult:
    """A body that came but could not be read: a failure, and its validators forgotten."""
    return SourceResult(
        source.name,
        source.type,
        error=error,
        mode=mode,
        status=SourceStatus.FAILED,
        address=source.address,
        state=failed_state(fetched.state, error, now),
    )


def parsed(
    source, fetched: Fetched, items: Iterable[Item | None], mode: str = "", **extra
) -> SourceResult:
    """A source whose body was read into items."""
    return SourceResult(
        source.name,
        source.type,
        tuple(item for item in items if item),
        mode=mode,
        status=SourceStatus.OK,
        address=source.address,
        state=fetched.state,
        **extra,
    )
