"""LLM leaderboards: ranked model tables (BenchLM's JSON export, or CSV rankings such as
arena-style exports) turned into stories about what changed since the last snapshot."""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from briefbot.collect.http import Fetcher
from briefbot.collect.memory import CollectMemory
from briefbot.collect.results import ERROR_CHARS, bounded_item, parsed, unparsable, without_body
from briefbot.collect.text import NAME_CHARS, one_line
from briefbot.collect.urls import canonical_url
from briefbot.config import LeaderboardSource
from briefbot.models import Item, SourceResult, SourceStatus

OPEN, PROPRIETARY, OTHER = "open-weight", "proprietary", "other"
log = logging.getLogger(__name__)
T = TypeVar("T")


class LeaderboardError(Exception):
    """A leaderboard file that is not in the expected schema."""


@dataclass(frozen=True)
class Row:
    rank: int
    model: str
    creator: str
    kind: str
    score: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def benchlm_rows(body: bytes) -> tuple[list[Row], list[str]]:
    """Rows of a BenchLM export (schema 1.0: items[] with rank, model, creator, sourceType,
    displayScore, ...), and why each row left out was (no whole-number rank, no model name,
    no finite score)."""
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise LeaderboardError(f"not JSON: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise LeaderboardError("not a BenchLM leaderboard (no 'items' list)")
    kinds = {"Open Weight": OPEN, "Proprietary": PROPRIETARY}

    def row(entry: object) -> Row:
        if not isinstance(entry, dict):
            raise ValueError("not an object")
        return _row(
            entry.get("rank"),
            entry.get("model"),
            entry.get("creator"),
            kinds.get(entry.get("sourceType"), OTHER),
            entry.get("displayScore"),
        )

    rows, skipped = _rows(document["items"], row)
    return _checked(rows), skipped


def csv_rows(body: bytes, columns: dict[str, str]) -> tuple[list[Row], list[str]]:
    """Rows of a CSV ranking, and why each row left out was; `columns` names the rank, model,
    creator, score and licence columns. A licence that reads 'proprietary' (or is empty) marks
    a closed model; a row without a rank is ranked by its position."""
    try:
        reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        records = list(reader)
    except (UnicodeDecodeError, csv.Error) as error:
        raise LeaderboardError(f"not a CSV ranking: {error}") from error
    missing = [
        columns[key] for key in ("model", "score") if columns[key] not in (reader.fieldnames or [])
    ]
    if missing:
        raise LeaderboardError(f"CSV ranking lacks column(s) {', '.join(missing)}")

    def row(numbered: tuple[int, dict]) -> Row:
        position, record = numbered
        licence = (record.get(columns["license"]) or "").strip().lower()
        rank_text = (record.get(columns["rank"]) or "").strip()
        score_text = (record.get(columns["score"]) or "").strip()
        try:
            score = float(score_text)
        except ValueError:
            raise ValueError(f"score {score_text[:40]!r} is not a number") from None
        return _row(
            int(rank_text) if rank_text.isdigit() else position,
            record.get(columns["model"]),
            record.get(columns["creator"]),
            PROPRIETARY if licence in ("", "proprietary", "closed") else OPEN,
            score,
        )

    rows, skipped = _rows(enumerate(records, start=1), row)
    return _checked(rows), skipped


def _row(rank: object, model: object, creator: object, kind: str, score: object) -> Row:
    """One ranked row with its names made safe and bounded; ValueError says what is wrong."""
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
        raise ValueError(f"rank {rank!r} is not a whole number from 1")
    name = one_line(model, NAME_CHARS) if isinstance(model, str) else ""
    if not name:
        raise ValueError("no model name")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise ValueError(f"score {score!r} of {name} is not a number")
    maker = one_line(creator, NAME_CHARS) if isinstance(creator, str) else ""
    return Row(rank=rank, model=name, creator=maker or "unknown", kind=kind, score=float(score))


def _rows(records: Iterable[T], row: Callable[[T], Row]) -> tuple[list[Row], list[str]]:
    """Each record read on its own: one bad row is counted with its reason, the rest kept."""
    rows, skipped = [], []
    for position, record in enumerate(records, start=1):
        try:
            rows.append(row(record))
        except ValueError as error:
            skipped.append(one_line(f"row {position}: {error}", ERROR_CHARS))
    return rows, skipped


def _checked(rows: list[Row]) -> list[Row]:
    if not rows:
        raise LeaderboardError("leaderboard has no ranked rows")
    return sorted(rows, key=lambda row: row.rank)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _points(score: float) -> str:
    return f"{score:.2f}".rstrip("0").rstrip(".")


def leaderboard_items(
    rows: list[Row], previous: list[Row] | None, source: LeaderboardSource, page: str, now: datetime
) -> list[Item]:
    """Stories from a ranking: today's standing of open-weight vs proprietary models, every
    open-weight model new in the top N, and every model that moved several places."""
    day = now.date().isoformat()
    top = rows[: source.top_n]

    def item(key: str, title: str, text: str, model: str = "") -> Item:
        return Item(
            url=f"{canonical_url(page)}#{day}-{key}",
            title=title,
            source=source.name,
            source_type=source.type,
            published=now,
            text=text,
            weight=source.weight,
            # standing, enters or moves; and the model that entered or moved
            metadata={"leaderboard": key.split("-")[0], **({"model": model} if model else {})},
        )

    listing = "\n".join(
        f"#{row.rank} {row.model} ({row.creator}, {row.kind}): {_points(row.score)} points"
        for row in top
    )
    items = [_standing(rows, previous, source, listing, item)]
    if previous is None:
        return [i for i in items if i]
    before = {row.model: row for row in previous}
    previous_top = {row.model for row in previous[: source.top_n]}
    for row in top:
        old = before.get(row.model)
        if row.kind == OPEN and row.model not in previous_top:
            was = f"#{old.rank} with {_points(old.score)} points" if old else "not ranked"
            items.append(
                item(
                    f"enters-{_slug(row.model)}",
                    f"{row.model} enters the {source.name} top {source.top_n} at #{row.rank}",
                    f"{row.model}, an open-weight model by {row.creator}, is now #{row.rank} on "
                    f"{source.name} with {_points(row.score)} points; in the previous snapshot it "
                    f"was {was}.\n\n{listing}",
                    row.model,
                )
            )
        elif old and abs(old.rank - row.rank) >= source.min_move:
            direction = "climbs" if row.rank < old.rank else "falls"
            items.append(
                item(
                    f"moves-{_slug(row.model)}",
                    f"{row.model} {direction} from #{old.rank} to #{row.rank} on {source.name}",
                    f"{row.model} ({row.creator}, {row.kind}) moved from #{old.rank} "
                    f"({_points(old.score)} points) to #{row.rank} "
                    f"({_points(row.score)} points) on {source.name}.\n\n{listing}",
                    row.model,
                )
            )
    return [i for i in items if i]


def _standing(rows, previous, source, listing, item) -> Item | None:
    best_open = next((row for row in rows if row.kind == OPEN), None)
    best_closed = next((row for row in rows if row.kind == PROPRIETARY), None)
    if best_open is None:
        return item("standing", f"{source.name}: top of the ranking", listing)
    text = (
        f"The best open-weight model on {source.name} is {best_open.model} by "
        f"{best_open.creator} at #{best_open.rank} with {_points(best_open.score)} points."
    )
    if best_closed:
        gap = best_closed.score - best_open.score
        text += (
            f" The best proprietary model is {best_closed.model} by {best_closed.creator} at "
            f"#{best_closed.rank} with {_points(best_closed.score)} points, "
            f"{gap:.2f} points ahead."
        )
        previous_open = next((r for r in previous or [] if r.kind == OPEN), None)
        previous_closed = next((r for r in previous or [] if r.kind == PROPRIETARY), None)
        if previous_open and previous_closed:
            previous_gap = previous_closed.score - previous_open.score
            text += f" In the previous snapshot the gap was {previous_gap:.2f} points."
    open_in_top = sum(1 for row in rows[: source.top_n] if row.kind == OPEN)
    text += f" {open_in_top} of the top {source.top_n} models are open-weight.\n\n{listing}"
    title = f"{best_open.model} is the best open-weight model on {source.name} at #{best_open.rank}"
    return item("standing", title, text)


async def collect_leaderboard(
    source: LeaderboardSource, fetcher: Fetcher, memory: CollectMemory, now: datetime
) -> SourceResult:
    """Fetch a ranking, compare it with the last snapshot, and return the stories."""
    fetched = await fetcher.fetch_source(source.address, memory.state(source.address), now)
    if fetched.status != SourceStatus.OK:
        return without_body(source, fetched)
    try:
        if source.format == "csv":
            rows, skipped = csv_rows(fetched.response.body, source.column_names)
        else:
            rows, skipped = benchlm_rows(fetched.response.body)
    except LeaderboardError as error:
        return unparsable(source, fetched, str(error), now)
    for reason in skipped:
        log.warning("%s: skipped %s", source.name, reason)
    previous_rows = memory.snapshots.get(source.name)
    previous = [Row(**row) for row in previous_rows] if previous_rows else None
    page = str(source.page_url) if source.page_url else fetched.response.url
    items = [bounded_item(item) for item in leaderboard_items(rows, previous, source, page, now)]
    return parsed(
        source, fetched, items, skipped=skipped, snapshot=tuple(row.as_dict() for row in rows)
    )
