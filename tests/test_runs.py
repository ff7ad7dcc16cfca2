"""Unattended `briefbot run`: the lock between concurrent runs, resuming a killed run without
repeating its model calls, the --json summary, exit codes, the healthcheck ping and `runs`.
Every test runs `briefbot` as a real subprocess against a real local HTTP server."""

from __future__ import annotations

import json
import signal
import socket

from briefbot.lock import lock_path_for, read_holder
from tests.conftest import canned_model
from tests.unattended import (
    DEAD_FEED,
    EVENTS,
    briefbot,
    event_feed,
    query,
    start_briefbot,
    store_ready,
    utc_now,
    wait_for,
    write_config,
)


def _slow_feed(feed_server, seconds: float) -> dict:
    """A source that answers after `seconds` with no items: a run that holds the lock a while
    and needs no model."""
    url = feed_server.serve("/slow.xml", "not a feed", status=404, delay=seconds)
    return {"type": "rss", "name": "Slow feed", "url": url}


def _holder_pid(database):
    return read_holder(lock_path_for(database)).get("pid")


def test_second_concurrent_run_exits_and_names_the_holder(feed_server, tiny_model_config, tmp_path):
    config = write_config(
        tmp_path / "sources.yaml", tiny_model_config([_slow_feed(feed_server, 4)])
    )
    database = tmp_path / "briefbot.db"
    first = start_briefbot("run", "--config", str(config), log=tmp_path / "first.log")
    wait_for(lambda: _holder_pid(database) == first.pid, 30, "the first run to take the lock")

    second = briefbot("run", "--config", str(config), "--json")

    assert second.returncode == 3
    message = second.stderr.strip().splitlines()[-1]
    assert message.startswith("briefbot: not run: another briefbot run is writing")
    assert f"pid {first.pid} on {socket.gethostname()}" in message
    assert json.loads(second.stdout) == {
        "status": "no brief",
        "exit_code": 3,
        "error": message.removeprefix("briefbot: "),
    }
    assert first.wait(timeout=60) == 4  # it ran to its end: a day with nothing to publish
    assert query(database, "SELECT status FROM runs") == [("empty",)]
    assert read_holder(lock_path_for(database)) == {}  # a finished run leaves no name behind


def test_lock_of_a_killed_run_does_not_block_the_next(feed_server, tiny_model_config, tmp_path):
    config = write_config(
        tmp_path / "sources.yaml", tiny_model_config([_slow_feed(feed_server, 30)])
    )
    database = tmp_path / "briefbot.db"
    killed = start_briefbot("run", "--config", str(config), log=tmp_path / "killed.log")
    wait_for(lambda: _holder_pid(database) == killed.pid, 30, "the run to take the lock")
    wait_for(lambda: store_ready(database), 30, "the run to open the store")
    wait_for(lambda: query(database, "SELECT id FROM runs"), 30, "the run to start")
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    assert _holder_pid(database) == killed.pid  # the dead process's name is still in the file

    write_config(config, tiny_model_config([DEAD_FEED]))
    again = briefbot("run", "--config", str(config))

    assert again.returncode == 4, again.stderr  # it ran: its one source is down
    assert "1 earlier run(s) did not finish" in again.stderr
    runs = briefbot("runs", "--config", str(config))
    assert runs.returncode == 0
    lines = runs.stdout.splitlines()
    assert lines[0].split()[:5] == ["run", "day", "started", "(UTC)", "took"]
    assert lines[2].split()[0] == "2" and " empty " in lines[2]
    assert "every source failed (1 of 1); Dead feed failed" in lines[2]
    assert lines[3].split()[0] == "1" and " interrupted " in lines[3]
    assert "the process stopped before the run ended" in lines[3]


def test_run_killed_while_writing_resumes_without_repeating_model_calls(
    feed_server, canned_server, tmp_path
):
    feed = feed_server.serve("/releases.xml", event_feed(utc_now()))
    canned_server.delay = 0.25  # each call takes a while: the kill lands in the writing
    mapping = {
        "title": "Test Brief",
        "top_stories": 3,
        "sources": [{"type": "rss", "name": "Releases", "url": feed}],
        "model": canned_model(canned_server),
    }
    config = write_config(tmp_path / "sources.yaml", mapping)
    database = tmp_path / "briefbot.db"
    texts_sql = "SELECT cache_key FROM model_outputs WHERE kind IN ('story', 'bottom_line')"
    calls_sql = "SELECT cache_key FROM model_outputs WHERE kind = 'call'"

    killed = start_briefbot("run", "--config", str(config), log=tmp_path / "killed.log")
    wait_for(lambda: store_ready(database), 60, "the run to open the store")
    wait_for(lambda: query(database, texts_sql), 300, "the first story's text to be saved")
    assert killed.poll() is None, "the run ended before it could be killed while writing"
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    texts_done = set(query(database, texts_sql))
    calls_done = set(query(database, calls_sql))
    assert 1 <= len(texts_done) < 4
    assert not (tmp_path / "output").exists()

    resumed = briefbot("run", "--config", str(config), "--json")

    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    report = summary["report"]
    assert summary["status"] == "ok" and len(summary["files"]) == 2
    assert report["stories"] == 3
    # The texts the killed run finished come from the store; only the rest are written ...
    assert report["cache_hits"] == len(texts_done)
    assert len(query(database, texts_sql)) == 3 + 1  # three stories and the Bottom Line
    # ... and every model call the new run made is a new one: none the killed run had made.
    calls_now = set(query(database, calls_sql))
    assert calls_done <= calls_now
    assert report["model_calls"] == len(calls_now - calls_done)
    # each missing text needed a call: a new one, or one the killed run made before it died
    assert report["model_calls"] + report["model_calls_reused"] >= 4 - len(texts_done)
    statuses = query(database, "SELECT id, status FROM runs ORDER BY id")
    assert statuses == [(1, "interrupted"), (2, "ok")]
    markdown = (tmp_path / "output" / f"{report['day']}.md").read_text()
    assert all(title in markdown for title, _ in EVENTS)
    assert f"4 texts: {report['model_calls']} model calls in" in markdown
    assert f"{len(texts_done)} texts from the cache." in markdown


def test_healthcheck_is_pinged_on_start_success_and_failure(feed_server, canned_server, tmp_path):
    for path in ("/ping/abc", "/ping/abc/start", "/ping/abc/fail"):
        feed_server.serve(path, "OK", content_type="text/plain")
    news = {
        "type": "rss",
        "name": "News",
        "url": feed_server.serve("/news.xml", event_feed(utc_now())),
    }
    model = canned_model(canned_server)
    monitor = feed_server.url("/ping/abc")
    config = tmp_path / "sources.yaml"
    write_config(
        config, {"title": "t", "sources": [news], "model": model, "healthcheck_url": monitor}
    )

    ok = briefbot("run", "--config", str(config))
    assert ok.returncode == 0, ok.stderr
    assert feed_server.hits == {"/news.xml": 1, "/ping/abc/start": 1, "/ping/abc": 1}

    # A day with nothing to publish (every source failed): exit 4, and the monitor hears /fail.
    write_config(
        config, {"title": "t", "sources": [DEAD_FEED], "model": model, "healthcheck_url": monitor}
    )
    nothing = briefbot("run", "--config", str(config), "--json")
    assert nothing.returncode == 4, nothing.stderr
    assert json.loads(nothing.stdout)["status"] == "nothing"
    assert feed_server.hits["/ping/abc/start"] == 2 and feed_server.hits["/ping/abc/fail"] == 1

    # An output folder that cannot be made: no brief, exit 1, and the monitor hears /fail.
    write_config(
        config, {"title": "t", "sources": [news], "model": model, "healthcheck_url": monitor}
    )
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    failed = briefbot("run", "--config", str(config), "--out", str(blocked), "--json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["status"] == "no brief"
    assert feed_server.hits["/ping/abc/start"] == 3 and feed_server.hits["/ping/abc/fail"] == 2
    assert feed_server.hits["/ping/abc"] == 1
    runs = query(tmp_path / "briefbot.db", "SELECT status, report FROM runs ORDER BY id")
    assert [status for status, _ in runs] == ["ok", "empty", "failed"]
    assert json.loads(runs[1][1])["nothing"] == "every source failed (1 of 1)"
    assert "not-a-folder" in json.loads(runs[2][1])["error"]

    # A monitor that cannot be reached is only logged: the brief is still written.
    write_config(
        config,
        {
            "title": "t",
            "sources": [news],
            "model": model,
            "healthcheck_url": "http://127.0.0.1:9/ping",
        },
    )
    quiet = briefbot("-q", "run", "--config", str(config))
    assert quiet.returncode == 0
    assert "healthcheck ping http://127.0.0.1:9/ping/start failed" in quiet.stderr
    assert query(tmp_path / "briefbot.db", "SELECT status FROM runs WHERE id = 4") == [("ok",)]
