"""Building SourceResults from a fetch, shared by the collectors: every entry turned into an
item on its own (one bad entry is skipped and counted, never the end of its source), every
item's text bounded and made safe."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from briefbot.collect.http import Fetched, failed_state
from briefbot.collect.text import (
    NAME_CHARS,
    TEASER_CHARS,
    TEXT_CHARS,
    TITLE_CHARS,
    one_line,
    paragraphs,
)
from briefbot.collect.urls import URL_CHARS
from briefbot.models import Item, SourceResult, SourceStatus

log = logging.getLogger(__name__)

Entry = TypeVar("Entry")
ERROR_CHARS = 300


class SkippedEntry(ValueError):
    """An entry that cannot be an item (no link, a link that is no web address...)."""


def bounded_item(item: Item) -> Item:
    """`item` with every text within its bound and without characters that XML and mail
    cannot carry; a newline in a title becomes a space."""
    return dataclasses.replace(
        item,
        title=one_line(item.title, TITLE_CHARS),
        teaser=paragraphs(item.teaser, TEASER_CHARS),
        text=paragraphs(item.text, TEXT_CHARS),
        author=one_line(item.author, NAME_CHARS),
        metadata={
            key: one_line(value, URL_CHARS) if isinstance(value, str) else value
            for key, value in item.metadata.items()
        },
    )


def entry_items(
    source_name: str, entries: Iterable[Entry], convert: Callable[[Entry], Item]
) -> tuple[list[Item], list[str]]:
    """Each entry converted on its own: the items, and why each entry that was not is left
    out ("entry 3: link with a space ..."). Every skip is logged."""
    items: list[Item] = []
    skipped: list[str] = []
    for position, entry in enumerate(entries, start=1):
        try:
            item = bounded_item(convert(entry))
        except ValueError as error:  # SkippedEntry, urls.BadURL, another bad value in it
            reason = str(error)
        except Exception as error:  # one odd entry must not sink the source: log and go on
            log.exception("%s: entry %d could not be read", source_name, position)
            reason = f"unreadable entry: {error!r}"
        else:
            if item.title:
                items.append(item)
                continue
            reason = "no title"
        skipped.append(one_line(f"entry {position}: {reason}", ERROR_CHARS))
        log.warning("%s: skipped %s", source_name, skipped[-1])
    return items, skipped


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
    error = one_line(error, ERROR_CHARS)
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
    source,
    fetched: Fetched | None,
    items: Iterable[Item],
    mode: str = "",
    skipped: Iterable[str] = (),
    **extra,
) -> SourceResult:
    """A source whose body was read into items (`fetched` is None for an API source)."""
    return SourceResult(
        source.name,
        source.type,
        tuple(items),
        mode=mode,
        status=SourceStatus.OK,
        address=source.address,
        state=fetched.state if fetched else None,
        skipped=tuple(skipped),
        **extra,
    )
