"""LLM leaderboards: ranked model tables (BenchLM's JSON export, or CSV rankings such as
arena-style exports) turned into stories about what changed since the last snapshot."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

from briefbot.collect.http import Fetcher
from briefbot.collect.memory import CollectMemory
from briefbot.collect.results import parsed, unparsable, without_body
from briefbot.collect.urls import canonical_url
from briefbot.config import LeaderboardSource
from briefbot.models import Item, SourceResult, SourceStatus

OPEN, PROPRIETARY, OTHER = "open-weight", "proprietary", "other"


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


def benchlm_rows(body: bytes) -> list[Row]:
    """Rows of a BenchLM export (schema 1.0: items[] with rank, model, sourceType, ...)."""
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise LeaderboardError(f"not JSON: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise LeaderboardError("not a BenchLM leaderboard (no 'items' list)")
    kinds = {"Open Weight": OPEN, "Proprietary": PROPRIETARY}
    rows = [
        Row(
            rank=entry["rank"],
            model=entry["model"],
            creator=str(entry.get("creator") or "unknown"),
            kind=kinds.get(entry.get("sourceType"), OTHER),
            score=float(entry["displayScore"]),
        )
        for entry in document["items"]
        if isinstance(entry, dict)
        and isinstance(entry.get("rank"), int)
        and isinstance(entry.get("model"), str)
        and isinstance(entry.get("displayScore"), int | float)
    ]
    return _checked(rows)


def csv_rows(body: bytes, columns: dict[str, str]) -> list[Row]:
    """Rows of a CSV ranking; `columns` names the rank, model, creator, score and licence
    columns. A licence that reads 'proprietary' (or is empty) marks a closed model."""
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
    rows = []
    for position, record in enumerate(records, start=1):
        try:
            score = float(record[columns["score"]])
        except (TypeError, ValueError):
            continue
        licence = (record.get(columns["license"]) or "").strip().lower()
        rank_text = (record.get(columns["rank"]) or "").strip()
        rows.append(
            Row(
                rank=int(rank_text) if rank_text.isdigit() else position,
                model=record[columns["model"]].strip(),
                creator=(record.get(columns["creator"]) or "unknown").strip(),
                kind=PROPRIETARY if licence in ("", "proprietary", "closed") else OPEN,
                score=score,
            )
        )
    return _checked(rows)


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

    def item(key: str, title: str, text: str) -> Item:
        return Item(
            url=f"{canonical_url(page)}#{day}-{key}",
            title=title,
            source=source.name,
            source_type=source.type,
            published=now,
            text=text,
            weight=source.weight,
            metadata={"leaderboard": key.split("-")[0]},  # standing, enters or moves
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
            rows = csv_rows(fetched.response.body, source.column_names)
        else:
            rows = benchlm_rows(fetched.response.body)
    except LeaderboardError as error:
        return unparsable(source, fetched, str(error), now)
    previous_rows = memory.snapshots.get(source.name)
    previous = [Row(**row) for row in previous_rows] if previous_rows else None
    page = str(source.page_url) if source.page_url else fetched.response.url
    items = leaderboard_items(rows, previous, source, page, now)
    return parsed(source, fetched, items, snapshot=tuple(row.as_dict() for row in rows))
