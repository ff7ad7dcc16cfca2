"""Leaderboards: the two BenchLM days (and CSV rankings) become stories with the right numbers."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.leaderboard import OPEN, PROPRIETARY, benchlm_rows
from briefbot.config import FetchSettings, parse_settings

DAY1 = datetime(2026, 8, 15, 7, 0, tzinfo=UTC)
DAY2 = datetime(2026, 8, 16, 7, 0, tzinfo=UTC)


def collect(url: str, now: datetime, previous=None, **keys):
    source = {
        "type": "leaderboard",
        "name": "BenchLM",
        "url": url,
        "page_url": "https://benchlm.ai/best/open-source",
    } | keys
    sources = parse_settings({"title": "t", "sources": [source]}).sources
    memory = CollectMemory(snapshots={"BenchLM": previous} if previous else {})
    [result] = asyncio.run(collect_all(sources, FetchSettings(timeout_seconds=5), memory, now))
    return result


def test_two_benchlm_days_give_the_standing_with_the_right_numbers(feed_server, shared_fixtures):
    files = shared_fixtures / "benchlm"
    first = collect(feed_server.serve_file("/d1.json", files / "leaderboard-2026-08-15.json"), DAY1)
    assert first.ok and len(first.snapshot) == 214
    [standing] = first.items
    assert standing.title == "Qwen3.8 Max is the best open-weight model on BenchLM at #6"
    assert "is Qwen3.8 Max by Alibaba at #6 with 79.91 points." in standing.text
    assert (
        "Claude Mythos 5 by Anthropic at #1 with 83.21 points, 3.30 points ahead" in standing.text
    )
    assert "1 of the top 10 models are open-weight" in standing.text
    assert standing.url == "https://benchlm.ai/best/open-source#2026-08-15-standing"

    second = collect(
        feed_server.serve_file("/d2.json", files / "leaderboard-2026-08-16.json"),
        DAY2,
        previous=list(first.snapshot),
    )
    # the two exports rank the same models the same way: no entries, no moves, the same gap
    [standing] = second.items
    assert standing.url.endswith("#2026-08-16-standing")
    assert "3.30 points ahead. In the previous snapshot the gap was 3.30 points." in standing.text


def test_new_open_models_and_big_moves_become_stories(feed_server, shared_fixtures):
    document = json.loads((shared_fixtures / "benchlm" / "leaderboard-2026-08-15.json").read_text())
    rows = sorted(document["items"], key=lambda row: row["rank"])
    before = [row.as_dict() for row in benchlm_rows(json.dumps(document).encode())]
    # the next day: GLM-5.1 (open, #26) jumps to #3 with 83.0 points, the rest move down
    glm = next(row for row in rows if row["model"] == "GLM-5.1")
    moved = [row for row in rows if row is not glm]
    moved.insert(2, glm | {"displayScore": 83.0})
    for rank, row in enumerate(moved, start=1):
        row["rank"] = rank
    document["items"] = moved
    url = feed_server.serve("/d2.json", json.dumps(document), content_type="application/json")
    result = collect(url, DAY2, previous=before)
    titles = [item.title for item in result.items]
    assert "GLM-5.1 enters the BenchLM top 10 at #3" in titles
    assert {item.metadata["leaderboard"] for item in result.items} == {"standing", "enters"}
    entered = next(item for item in result.items if item.title.startswith("GLM-5.1 enters"))
    assert (
        "now #3 on BenchLM with 83 points; in the previous snapshot it was #26 with 66.91 points"
        in entered.text
    )
    assert result.items[0].title == "GLM-5.1 is the best open-weight model on BenchLM at #3"
    assert "0.21 points ahead" in result.items[0].text  # 83.21 - 83.0
    assert not any("falls" in title for title in titles)  # one place down is not a move


def test_csv_rankings_are_read_with_configured_columns(feed_server):
    table = (
        "Rank,Model,Organization,Arena Score,License\n"
        "1,Big Closed,Acme,1402,Proprietary\n"
        "2,Open Giant,OpenOrg,1391,Apache 2.0\n"
        "3,Small Open,OpenOrg,1300,MIT\n"
    )
    url = feed_server.serve("/arena.csv", table, content_type="text/csv")
    result = collect(
        url,
        DAY1,
        format="csv",
        name="BenchLM",
        columns={
            "rank": "Rank",
            "model": "Model",
            "creator": "Organization",
            "score": "Arena Score",
            "license": "License",
        },
    )
    assert result.ok, result.error
    kinds = {row["model"]: row["kind"] for row in result.snapshot}
    assert kinds == {"Big Closed": PROPRIETARY, "Open Giant": OPEN, "Small Open": OPEN}
    assert "Big Closed by Acme at #1 with 1402 points, 11.00 points ahead" in result.items[0].text


def test_a_ranking_in_the_wrong_shape_is_a_failed_source(feed_server):
    url = feed_server.serve("/lb.json", json.dumps({"models": []}), content_type="application/json")
    result = collect(url, DAY1)
    assert not result.ok and "items" in result.error
    bad_csv = feed_server.serve("/lb.csv", "name,points\nx,1\n", content_type="text/csv")
    result = collect(bad_csv, DAY1, format="csv")
    assert not result.ok and "lacks column" in result.error


def test_snapshots_are_kept_per_day_in_the_store(tmp_path):
    from briefbot.store import Store

    with Store(tmp_path / "b.db") as store:
        store.save_snapshot("BenchLM", date(2026, 8, 15), [{"rank": 1}])
        store.save_snapshot("BenchLM", date(2026, 8, 16), [{"rank": 2}])
        assert store.snapshots_before(date(2026, 8, 16)) == {"BenchLM": [{"rank": 1}]}
        assert store.snapshots_before(date(2026, 8, 17)) == {"BenchLM": [{"rank": 2}]}
        assert store.snapshots_before(date(2026, 8, 15)) == {}
