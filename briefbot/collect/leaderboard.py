"""LLM leaderboards in BenchLM's JSON export schema: the day's standing of open-weight models."""

from __future__ import annotations

import json
from datetime import datetime

import httpx

from briefbot.collect.http import FetchError, fetch
from briefbot.collect.urls import canonical_url
from briefbot.config import FetchSettings, LeaderboardSource
from briefbot.models import Item, SourceResult

OPEN_WEIGHT = "Open Weight"


class LeaderboardError(Exception):
    """A leaderboard file that is not in the expected schema."""


def ranked_rows(document: object) -> list[dict]:
    """The ranked model rows of a BenchLM export, best first."""
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise LeaderboardError("not a BenchLM leaderboard (no 'items' list)")
    rows = [
        row
        for row in document["items"]
        if isinstance(row, dict)
        and isinstance(row.get("rank"), int)
        and isinstance(row.get("model"), str)
        and isinstance(row.get("displayScore"), int | float)
    ]
    if not rows:
        raise LeaderboardError("leaderboard has no ranked rows")
    return sorted(rows, key=lambda row: row["rank"])


def snapshot_item(document: dict, source: LeaderboardSource, fetched_url: str) -> Item:
    """One item describing the leaderboard's top rows, with every number spelled out."""
    rows = ranked_rows(document)
    top = rows[: source.top_n]
    open_rows = [row for row in rows if row.get("sourceType") == OPEN_WEIGHT]
    closed_rows = [row for row in rows if row.get("sourceType") != OPEN_WEIGHT]
    generated = _generated_at(document)
    day = generated.date().isoformat() if generated else ""
    lines = [
        f"#{row['rank']} {row['model']} ({row.get('creator', 'unknown')}, "
        f"{row.get('sourceType', 'unknown')}): {row['displayScore']:g} points"
        for row in top
    ]
    text = f"{source.name} overall ranking{' on ' + day if day else ''}:\n" + "\n".join(lines)
    title = f"{source.name}: top of the overall ranking"
    if open_rows:
        best_open = open_rows[0]
        title = (
            f"{best_open['model']} is the best open-weight model on {source.name} "
            f"at #{best_open['rank']}"
        )
        text += (
            f"\n\nThe best open-weight model is {best_open['model']} by "
            f"{best_open.get('creator', 'unknown')} at #{best_open['rank']} with "
            f"{best_open['displayScore']:g} points."
        )
        if closed_rows:
            best_closed = closed_rows[0]
            gap = best_closed["displayScore"] - best_open["displayScore"]
            text += (
                f" The best proprietary model is {best_closed['model']} by "
                f"{best_closed.get('creator', 'unknown')} at #{best_closed['rank']} with "
                f"{best_closed['displayScore']:g} points, {gap:.2f} points ahead."
            )
        open_in_top = sum(1 for row in top if row.get("sourceType") == OPEN_WEIGHT)
        text += f" {open_in_top} of the top {len(top)} models are open-weight."
    page = str(source.page_url) if source.page_url else fetched_url
    return Item(
        url=canonical_url(page) + (f"#{day}" if day else ""),
        title=title,
        source=source.name,
        source_type=source.type,
        published=generated,
        text=text,
        weight=source.weight,
    )


def _generated_at(document: dict) -> datetime | None:
    value = document.get("generatedAt")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


async def collect_leaderboard(
    source: LeaderboardSource, client: httpx.AsyncClient, settings: FetchSettings
) -> SourceResult:
    """Fetch a leaderboard export and turn today's standing into one item."""
    try:
        response = await fetch(client, source.address, settings.max_bytes)
        document = json.loads(response.body)
        item = snapshot_item(document, source, response.url)
    except (FetchError, LeaderboardError) as error:
        return SourceResult(source.name, source.type, error=str(error))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return SourceResult(source.name, source.type, error=f"not JSON: {error}")
    return SourceResult(source.name, source.type, (item,))
