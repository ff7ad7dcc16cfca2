"""`briefbot run` with Ollama configured but not running: the brief is written by the next
backend (a model server with canned answers) and says so; a re-run of the day makes no model
call, as `briefbot log` shows."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.canned_backend import CannedBackend
from tests.conftest import ROOT, FeedServer
from tests.openai_server import OpenAICompatibleServer

DAY = "2026-07-03"
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local news</title><link>{base}/</link>
<description>Test feed</description>
<item><title>Lumora releases Nova 2 32B open-weight model</title><link>{base}/nova</link>
<pubDate>Fri, 03 Jul 2026 08:00:00 GMT</pubDate>
<description>Lumora released Nova 2 32B, a 32-billion-parameter open-weight model under the
Apache 2.0 licence. It supports a 128,000-token context and needs 20 GB of memory at 4-bit
precision, so it fits on one RTX 3090.</description></item>
<item><title>TensorHarbor 1.7.3 fixes a remote code execution bug in model loading</title>
<link>{base}/harbor</link><pubDate>Fri, 03 Jul 2026 09:00:00 GMT</pubDate>
<description>TensorHarbor 1.7.3 fixes CVE-2026-41207, which let a crafted model file run code on
the machine that loads it. Users of the inference server should upgrade now.</description></item>
</channel></rss>
"""


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def briefbot(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefbot", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fallthrough")


@pytest.fixture(scope="module")
def first_run(home):
    """One `briefbot run` with Ollama down and the tiny model next; the feed server stays up
    for the re-run."""
    with FeedServer() as feeds, OpenAICompatibleServer(CannedBackend(), CannedBackend.model) as lm:
        feed = feeds.serve("/feed.xml", RSS.format(base=feeds.base), content_type="text/xml")
        config = home / "sources.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "title": "Fallthrough Brief",
                    "timezone": "UTC",
                    "top_stories": 2,
                    "sources": [{"type": "rss", "name": "Local news", "url": feed}],
                    "model": {
                        "backends": [
                            {
                                "type": "ollama",
                                "host": f"http://127.0.0.1:{closed_port()}",
                                "model": "qwen2.5:7b-instruct",
                                "timeout_seconds": 5,
                            },
                            {
                                "type": "openai",
                                "base_url": lm.base_url,
                                "model": CannedBackend.model,
                            },
                        ],
                        "candidates": 1,
                    },
                }
            )
        )
        yield briefbot("run", "--config", str(config), "--date", DAY), config


def test_ollama_down_the_next_backend_writes_and_says_so(first_run, home):
    result, _ = first_run
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "WARNING" in result.stderr and "ollama (qwen2.5:7b-instruct) is unavailable" in said
    assert "ollama (qwen2.5:7b-instruct) unavailable: cannot connect to http://127.0.0.1:" in said
    assert "; wrote with canned-answers (openai)" in result.stdout
    brief = (home / "output" / f"{DAY}.md").read_text()
    assert "Lumora" in brief
    assert "Written by canned-answers (openai). Not used: ollama (qwen2.5:7b-instruct)" in brief
    assert "Not used: ollama" in (home / "output" / f"{DAY}.html").read_text()


def test_a_rerun_makes_no_model_call_as_the_log_shows(first_run):
    _, config = first_run
    log = briefbot("log", "--config", str(config), "--limit", "100").stdout
    first_calls = [line for line in log.splitlines()[2:] if line.split()[2] == "openai"]
    assert first_calls and all(line.split()[-1] == "ok" for line in first_calls)
    # Ollama is given up at once, not tried again for every story: at most its two slots
    # (max_concurrent) were in flight when it failed.
    assert 1 <= sum(" error: " in line for line in log.splitlines()) <= 2

    again = briefbot("run", "--config", str(config), "--date", DAY)
    assert again.returncode == 0, again.stderr
    assert "0 model calls, 3 cached" in again.stdout  # two stories and the Bottom Line
    newest = briefbot("log", "--config", str(config), "--limit", "3").stdout.splitlines()
    assert newest[0].split()[:3] == ["time", "(UTC)", "backend"]
    assert [line.split()[-1] for line in newest[2:]] == ["cached"] * 3
    assert all(line.split()[2:4] == ["openai", "canned-answers"] for line in newest[2:])
