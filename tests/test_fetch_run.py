"""Issue 15's "done when": one `briefbot run` against a source set holding every hostile
fetching input at once (a decompression bomb, a trickling server, a teaser linking to a private
address, a 410, a permanent redirect) and two good feeds finishes within its deadlines, under
1 GB of memory, and writes a brief from the good sources. The tiny model writes."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import yaml

from tests.conftest import ROOT, FeedServer, canned_model
from tests.test_fetch import SECRET, TRICKLED_BODY, TrickleServer, gzip_of_zeros, page

GIB = 1 << 30
# The two stories picked: the good feeds' one event, and the teaser, whose link is refused.
WEIGHTS = {"Teaser": 3, "Moved": 0.2}


def news(base: str, *stories: tuple[str, str, str]) -> str:
    """An RSS feed of (slug, title, text) items published an hour ago."""
    published = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    items = "".join(
        f"<item><title>{title}</title><link>{link if '://' in link else base + link}</link>"
        f"<pubDate>{published}</pubDate><description>{text}</description></item>"
        for link, title, text in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        f"<link>{base}/</link><description>d</description>{items}</channel></rss>"
    )


GOOD_A = [
    (
        "/nova",
        "Lumora releases Nova 2 32B open-weight model",
        "Lumora released Nova 2 32B, a 32-billion-parameter open-weight model under the Apache "
        "2.0 licence. It supports a 128,000-token context and fits on one RTX 3090 at 4 bits.",
    )
]
GOOD_B = [  # the same event as GOOD_A, so the two good feeds make one story
    (
        "/lumora-nova",
        "Lumora's Nova 2 32B arrives as an open-weight model",
        "Nova 2 32B from Lumora is out: an open-weight 32-billion-parameter model under Apache "
        "2.0 with a 128,000-token context, small enough for one RTX 3090 at 4 bits.",
    )
]
MOVED = [
    (
        "/sparrow",
        "Sparrow-Coder 3B tops the small coding models",
        "Sparrow-Coder 3B, a three-billion-parameter coding model, now leads the small models on "
        "the coding leaderboard after its second release this month.",
    )
]


def peak_rss_of_child(process: subprocess.Popen, limit: float) -> tuple[int, float, int]:
    """Wait for the child (killed after `limit` s); its exit code, seconds taken and peak
    resident set in bytes. wait4's ru_maxrss also counts what the child inherited at fork
    from this process, so it is an upper bound of the child's own peak."""
    started = time.monotonic()
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, time.monotonic() - started, usage.ru_maxrss * 1024
        if time.monotonic() - started > limit:
            process.kill()
        time.sleep(0.1)


def test_a_run_against_every_hostile_input_writes_the_brief_of_the_good_ones(
    tmp_path, canned_server
):
    with (
        FeedServer() as server,
        FeedServer() as private,
        TrickleServer(TRICKLED_BODY, b"<" * 100_000) as trickler,
    ):
        private.serve("/internal/secret", page().replace("</h1>", f"</h1><p>{SECRET}</p>"))
        teaser = [(private.url("/internal/secret"), "Leaked memo names a model", "A teaser.")]
        bomb = gzip.compress(gzip_of_zeros(2 * GIB))  # 2 GiB of zeros in a few KB
        sources = [
            ("Good A", server.serve("/a.xml", news(server.base, *GOOD_A))),
            ("Good B", server.serve("/b.xml", news(server.base, *GOOD_B))),
            ("Bomb", server.serve("/bomb.xml", bomb, headers={"Content-Encoding": "gzip, gzip"})),
            ("Trickler", f"{trickler.base}/feed.xml"),
            ("Teaser", server.serve("/teaser.xml", news(server.base, *teaser))),
            ("Gone", server.serve("/gone.xml", "", status=410)),
            ("Moved", server.serve("/old.xml", "", status=301, headers={"Location": "/new.xml"})),
        ]
        server.serve("/new.xml", news(server.base, *MOVED))
        config = tmp_path / "sources.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "title": "Hostile Brief",
                    "timezone": "UTC",
                    "top_stories": 2,
                    "sources": [
                        {"type": "rss", "name": name, "url": url, "weight": WEIGHTS.get(name, 1)}
                        for name, url in sources
                    ],
                    "model": canned_model(canned_server),  # the fetching is the test, not the model
                    "fetch": {
                        "timeout_seconds": 2,
                        "stage_seconds": 10,
                        "max_bytes": 5_000_000,
                        "allow_private": [server.base.removeprefix("http://")],
                    },
                }
            )
        )
        out, db = tmp_path / "out", tmp_path / "b.db"
        command = [sys.executable, "-m", "briefbot", "run", "--config", str(config)]
        with (tmp_path / "stdout").open("w") as stdout, (tmp_path / "stderr").open("w") as stderr:
            process = subprocess.Popen(
                [*command, "--out", str(out), "--db", str(db), "--json"],
                cwd=ROOT,
                stdout=stdout,
                stderr=stderr,
            )
            code, took, peak = peak_rss_of_child(process, limit=90)

    log = (tmp_path / "stderr").read_text()
    assert code == 0, log[-3000:]
    assert took < 60, took
    assert peak < GIB, f"{peak:,} bytes"
    report = json.loads((tmp_path / "stdout").read_text())["report"]
    seen = {source["name"]: source for source in report["sources"]}
    assert seen["Good A"]["ok"] and seen["Good B"]["ok"] and seen["Teaser"]["ok"]
    assert seen["Bomb"]["error"] == "body too large (over 5,000,000 bytes decoded)"
    assert seen["Trickler"]["error"] == "timed out: no whole answer within 2 s"
    assert seen["Gone"]["status"] == "gone"
    assert seen["Moved"]["ok"] and seen["Moved"]["moved_to"] == server.url("/new.xml")
    assert report["stage_seconds"]["collect"] < 10

    markdown = next(out.glob("*.md")).read_text()
    assert markdown.count("### ") == 2
    assert "Good A, Good B" in markdown or "Good B, Good A" in markdown
    assert GOOD_A[0][1] in markdown or GOOD_B[0][1] in markdown
    assert "Failed: Bomb (body too large" in markdown and "Failed: Trickler (timed out" in markdown
    assert "Gone (gone (HTTP 410): remove it from sources.yaml)" in markdown
    assert private.hits == {}
    published = [path.read_text() for path in out.rglob("*") if path.is_file()]
    assert not any(SECRET in text for text in published)
    with sqlite3.connect(db) as connection:
        tables = [
            row[0]
            for row in connection.execute("select name from sqlite_master where type = 'table'")
        ]
        dump = "\n".join(
            str(row) for t in tables for row in connection.execute(f"select * from '{t}'")
        )
    assert SECRET not in dump
