"""Leaderboards: two days of a BenchLM export (and CSV rankings) become stories with the right
numbers: the standing, models entering the top N and models moving."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.leaderboard import OPEN, PROPRIETARY
from briefbot.config import FetchSettings, parse_settings

DAY1 = datetime(2026, 8, 15, 7, 0, tzinfo=UTC)
DAY2 = datetime(2026, 8, 16, 7, 0, tzinfo=UTC)
# Two days of an export in BenchLM's schema 1.0 (tests/data/make_data.py writes them)
DAY1_FILE = Path(__file__).parent / "data" / "benchlm" / "leaderboard-2026-08-15.json"
DAY2_FILE = DAY1_FILE.with_name("leaderboard-2026-08-16.json")


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


def test_two_benchlm_days_give_the_standing_with_the_right_numbers(feed_server):
    first = collect(feed_server.serve_file("/d1.json", DAY1_FILE), DAY1)
    assert first.ok and len(first.snapshot) == 20 and first.skipped == ()
    [standing] = first.items  # no earlier snapshot: nothing entered or moved yet
    assert standing.title == "Marlin 3 405B is the best open-weight model on BenchLM at #4"
    assert "is Marlin 3 405B by Deepwater at #4 with 81.75 points." in standing.text
    assert "Corvid Ultra by Skyline Labs at #1 with 84.1 points, 2.35 points ahead" in standing.text
    assert "3 of the top 10 models are open-weight" in standing.text
    assert standing.url == "https://benchlm.ai/best/open-source#2026-08-15-standing"

    second = collect(
        feed_server.serve_file("/d2.json", DAY2_FILE), DAY2, previous=list(first.snapshot)
    )
    standing = second.items[0]
    assert standing.url.endswith("#2026-08-16-standing")
    assert standing.title == "Kestrel 2 70B is the best open-weight model on BenchLM at #3"
    assert "2.40 points ahead. In the previous snapshot the gap was 2.35 points." in standing.text
    assert "4 of the top 10 models are open-weight" in standing.text


def test_models_that_enter_or_move_between_two_days_become_stories(feed_server):
    first = collect(feed_server.serve_file("/d1.json", DAY1_FILE), DAY1)
    second = collect(
        feed_server.serve_file("/d2.json", DAY2_FILE), DAY2, previous=list(first.snapshot)
    )
    changes = {item.title: item for item in second.items[1:]}
    assert list(changes) == [
        "Kestrel 2 70B enters the BenchLM top 10 at #3",  # open weights, #14 the day before
        "Lumen 32B climbs from #8 to #5 on BenchLM",  # three places: min_move
        "Zephyr Pro falls from #3 to #9 on BenchLM",  # proprietary models move too
        "Orca Mini 9B enters the BenchLM top 10 at #10",  # not ranked the day before
    ]  # Talon Flash, #9 to #11, moved two places: no story
    kinds = [item.metadata["leaderboard"] for item in changes.values()]
    assert kinds == ["enters", "moves", "moves", "enters"]
    text = {title.split(" ")[0]: item.text for title, item in changes.items()}
    assert text["Kestrel"].startswith(
        "Kestrel 2 70B, an open-weight model by Falconry, is now #3 on BenchLM with 81.9 "
        "points; in the previous snapshot it was #14 with 74 points."
    )
    assert text["Lumen"].startswith(
        "Lumen 32B (Lumora, open-weight) moved from #8 (78.3 points) to #5 (81.2 points)"
    )
    assert text["Zephyr"].startswith(
        "Zephyr Pro (Aerial AI, proprietary) moved from #3 (82.9 points) to #9 (78.2 points)"
    )
    assert (
        "is now #10 on BenchLM with 78 points; in the previous snapshot it was not ranked."
        in (text["Orca"])
    )
    assert changes["Lumen 32B climbs from #8 to #5 on BenchLM"].url == (
        "https://benchlm.ai/best/open-source#2026-08-16-moves-lumen-32b"
    )
    # a change counts in the ranking (pick's `change` factor), the standing does not
    assert {item.metadata["leaderboard"] for item in second.items[:1]} == {"standing"}

    wider = collect(
        feed_server.serve_file("/d2.json", DAY2_FILE), DAY2, list(first.snapshot), min_move=7
    )
    assert [item.title for item in wider.items if "moves" in item.url] == []  # 6 places < 7


def test_a_bad_row_is_skipped_and_counted_and_the_rest_kept(feed_server):
    document = json.loads(DAY1_FILE.read_text())
    rows = document["items"]
    rows[1]["displayScore"] = "n/a"  # Halcyon 4
    rows[2]["rank"] = "3"  # Zephyr Pro
    rows[3]["model"] = "Marlin\x00 3\x1b[31m 405B\ufffe" + "!" * 500  # NUL, ESC, U+FFFE, long
    rows[4] = "not a row"
    rows[5]["displayScore"] = float("nan")
    rows[6]["rank"] = True  # JSON true is no rank
    url = feed_server.serve("/d1.json", json.dumps(document), content_type="application/json")
    result = collect(url, DAY1)
    assert result.ok and len(result.snapshot) == 15
    assert [reason.split(":")[0] for reason in result.skipped] == [
        "row 2",
        "row 3",
        "row 5",
        "row 6",
        "row 7",
    ]
    assert "score 'n/a' of Halcyon 4 is not a number" in result.skipped[0]
    marlin = next(row for row in result.snapshot if row["rank"] == 4)
    assert marlin["model"].startswith("Marlin 3[31m 405B!!!") and len(marlin["model"]) <= 200
    assert all(ch not in marlin["model"] for ch in "\x00\x1b\ufffe")
    standing = result.items[0]
    assert "\x00" not in standing.title + standing.text and "\x1b" not in standing.text

    table = "Rank,Model,Score\n1,Good,90\n2,Bad,ninety\n3,Also good,80\n"
    csv_url = feed_server.serve("/lb.csv", table, content_type="text/csv")
    columns = {"rank": "Rank", "model": "Model", "score": "Score"}
    result = collect(csv_url, DAY1, format="csv", columns=columns)
    assert [row["model"] for row in result.snapshot] == ["Good", "Also good"]
    assert result.skipped == ("row 2: score 'ninety' is not a number",)


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
