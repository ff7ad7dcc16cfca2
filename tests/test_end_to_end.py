"""`briefbot demo` as a user runs it: the real default model (Qwen2.5-Coder-1.5B) writes
today's brief from the bundled demo day; a second run the same day makes no model call."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import yaml

from briefbot.demo.site import NEWS_FILE
from briefbot.write.checks import copied_share


def run_demo(tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "briefbot",
            "demo",
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "demo.db"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def stories_of(markdown: str) -> list[dict]:
    blocks = re.split(r"^### \d+\. ", markdown.split("## Bottom Line")[0], flags=re.M)[1:]
    stories = []
    for block in blocks:
        fields = dict(
            re.findall(r"^- \*\*(Summary|Why It Matters|URL):\*\* (.+)$", block, flags=re.M)
        )
        stories.append({"title": block.splitlines()[0], **fields})
    return stories


def test_demo_writes_todays_brief_with_the_default_model_then_reuses_it(tmp_path):
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    day = datetime.now(UTC).date().isoformat()
    markdown = (tmp_path / "out" / f"{day}.md").read_text()
    html = (tmp_path / "out" / f"{day}.html").read_text()
    assert f"# Open Source LLM Brief — {day}" in markdown and "<h2>Top Stories</h2>" in html
    assert "Written by qwen2.5-coder-1.5b (embedded)" in markdown

    news = yaml.safe_load(NEWS_FILE.read_text())
    bodies = {item["title"]: item["body"] for outlet in news["outlets"] for item in outlet["items"]}
    teasers = {item["teaser"] for outlet in news["outlets"] for item in outlet["items"]}
    stories = stories_of(markdown)
    assert len(stories) >= 5
    for story in stories:
        assert story["URL"].startswith("<http://127.0.0.1:"), story
        assert re.search(r"/(articles|r|leaderboard)", story["URL"]), story
        summary, why = story["Summary"], story["Why It Matters"]
        assert 8 <= len(summary.split()) <= 90 and 5 <= len(why.split()) <= 60, story
        assert summary not in teasers
        source = bodies.get(story["title"].replace("\\", ""), "")
        if source:
            assert copied_share(summary, source) < 0.6, story  # written, not copied through
    bottom_line = markdown.split("## Bottom Line")[1].split("---")[0]
    assert 3 <= len(re.findall(r"^- ", bottom_line, flags=re.M)) <= 5
    assert "Failed: Retired Feed (a source that fails) (HTTP 404)" in markdown
    assert re.search(r"\b[1-9]\d* model calls, 0 cached", first.stdout)

    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert re.search(r"\b0 model calls, [1-9]\d* cached", second.stdout), second.stdout

    def stories_part(text: str) -> str:
        return text.split("## Top Stories")[1].split("\n---\n")[0]

    rerun = (tmp_path / "out" / f"{day}.md").read_text()
    assert stories_part(rerun) == stories_part(markdown)  # the same stories and texts
    assert "unchanged since the last fetch" in rerun  # every feed answered 304
