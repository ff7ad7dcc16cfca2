"""Render: a fixed day renders to the pinned Markdown; hostile text is escaped in HTML and
Markdown, and links that are not web addresses link nowhere; files are replaced atomically."""

import dataclasses
import os
import re
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from briefbot.models import (
    BottomLinePoint,
    Brief,
    Item,
    SourceResult,
    SourceStatus,
    Story,
    StoryText,
    TextOrigin,
    WrittenStory,
)
from briefbot.render import (
    STALE_TEMPORARY_SECONDS,
    render_brief,
    sources_line,
    web_url,
    write_atomically,
    write_brief,
)

GOLDEN = Path(__file__).parent / "golden" / "brief-2026-07-03.md"
ZONE = ZoneInfo("America/New_York")


def fixed_brief(lead_title: str = "BenchLM: GLM-5.2 is the best open-weight model at #4") -> Brief:
    leaderboard = Item(
        url="https://benchlm.ai/best/open-source#2026-07-03",
        title=lead_title,
        source="BenchLM",
        source_type="leaderboard",
        published=datetime(2026, 7, 3, 6, 26, tzinfo=UTC),
    )
    article = Item(
        url="https://example.org/gateway",
        title="A self-hosted gateway routes to 237 providers",
        source="Example News",
        source_type="rss",
        published=datetime(2026, 7, 3, 1, 0, tzinfo=UTC),
    )
    thread = Item(
        url="https://example.org/gateway",
        title="An MIT self-hosted AI gateway",
        source="r/OpenSourceAI",
        source_type="reddit",
        published=datetime(2026, 7, 3, 2, 0, tzinfo=UTC),
        discussion_url="https://www.reddit.com/r/OpenSourceAI/comments/1um0ap6/gateway/",
    )
    stories = [
        WrittenStory(
            Story(leaderboard, (leaderboard,), 2.0),
            StoryText(
                "GLM-5.2 leads the open-weight models at #4 with 78.1 points.",
                "The gap to the best proprietary model is 5.1 points.",
            ),
        ),
        WrittenStory(
            Story(article, (article, thread), 1.5),
            StoryText(
                "A gateway connects to 237 providers with automatic fallback.",
                "",  # the model's note did not pass the grounding check
                origin=TextOrigin.EXTRACT,
            ),
        ),
    ]
    return Brief(
        title="Open Source LLM Brief",
        day=date(2026, 7, 3),
        posted_at=datetime(2026, 7, 3, 22, 26, tzinfo=ZONE),
        stories=stories,
        bottom_line=[
            BottomLinePoint("Open-weight models are within 5.1 points of the best.", (1,)),
            BottomLinePoint("Gateways route between open and closed models.", (1, 2)),
        ],
        source_results=[
            SourceResult("BenchLM", "leaderboard", (leaderboard,)),
            SourceResult("Example News", "rss", (article,)),
            SourceResult("Dead Feed", "rss", error="HTTP 500"),
        ],
        written_by="qwen2.5-coder-1.5b (embedded)",
        items_considered=3,
        items_new=2,
    )


def test_markdown_matches_golden_file():
    markdown = render_brief(fixed_brief())["md"]
    if os.environ.get("BRIEFBOT_UPDATE_GOLDEN"):
        GOLDEN.write_text(markdown)
    assert markdown == GOLDEN.read_text()


def test_seed_structure_is_present():
    markdown = render_brief(fixed_brief())["md"]
    assert markdown.startswith("# Open Source LLM Brief — 2026-07-03\n")
    assert "Posted on July 03, 2026 at 10:26 PM" in markdown
    assert "### 1. BenchLM: GLM-5.2" in markdown and "### 2. A self-hosted gateway" in markdown
    assert (
        "- Example News, r/OpenSourceAI · 2026-07-02" in markdown
    )  # 01:00 UTC is July 2 in New York
    assert "- Failed: Dead Feed (HTTP 500)" in markdown


def test_hostile_text_is_escaped_in_html_and_markdown():
    brief = fixed_brief(lead_title='<script>alert("x")</script> [click](javascript:alert(1))')
    hostile = brief.stories[0].story.lead
    brief.stories[0] = WrittenStory(
        Story(
            hostile.__class__(**{**hostile.__dict__, "url": "javascript:alert(1)"}), (hostile,), 1
        ),
        brief.stories[0].text,
    )
    rendered = render_brief(brief)
    assert "<script>" not in rendered["html"] and "&lt;script&gt;" in rendered["html"]
    assert 'href="javascript:' not in rendered["html"]
    assert "<script>" not in rendered["md"] and "\\[click\\]" in rendered["md"]


def test_files_are_written_dated(tmp_path):
    paths = write_brief(fixed_brief(), tmp_path / "out")
    assert sorted(p.name for p in paths) == ["2026-07-03.html", "2026-07-03.md"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2026-07-03.html",
        "2026-07-03.md",
    ]


def test_a_reader_never_sees_a_partial_file_while_it_is_rewritten(tmp_path):
    """A large file rewritten in a loop: every read, from another thread, is one whole
    version, never an empty, truncated or mixed one."""
    path = tmp_path / "2026-07-03.md"
    versions = [("A" * 4_000_000) + "\n", ("B" * 3_000_000) + "\n"]
    write_atomically(path, versions[0])
    done = threading.Event()
    seen: list[str] = []

    def reader() -> None:
        while not done.is_set():
            text = path.read_text(encoding="utf-8")
            if text not in versions:
                seen.append(f"{len(text)} characters starting {text[:1]!r}")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for number in range(40):
            write_atomically(path, versions[number % 2])
    finally:
        done.set()
        thread.join()
    assert seen == []
    assert path.read_text(encoding="utf-8") == versions[1]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize("failing", ["os.replace", "write"])
def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch, failing):
    path = tmp_path / "2026-07-03.html"
    write_atomically(path, "the old brief\n")

    def disk_full(*arguments: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "os.replace":
        monkeypatch.setattr(os, "replace", disk_full)
    else:  # the disk fills up half-way through the new content
        real_fdopen = os.fdopen

        def half_then_full(handle: int, *arguments: object, **options: object):
            out = real_fdopen(handle, *arguments, **options)
            real_write = out.write

            def write(text: str) -> int:
                real_write(text[: len(text) // 2])
                out.flush()
                disk_full()
                return 0

            out.write = write
            return out

        monkeypatch.setattr(os, "fdopen", half_then_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(path, "the new brief\n")
    assert path.read_text() == "the old brief\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_leftover_temporary_files_of_a_killed_writer_are_removed_on_the_next_write(tmp_path):
    path = tmp_path / "2026-07-03.md"
    stale = tmp_path / ".2026-07-03.md.k1ll3d.tmp"
    in_progress = tmp_path / ".2026-07-03.md.wr1t1ng.tmp"  # another writer's, still fresh
    unrelated = tmp_path / ".2026-07-04.md.k1ll3d.tmp"
    for leftover in (stale, in_progress, unrelated):
        leftover.write_text("half a bri")
    an_hour_ago = time.time() - 3600
    for leftover in (stale, unrelated):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    assert STALE_TEMPORARY_SECONDS < 3600
    write_atomically(path, "the brief\n")
    assert not stale.exists()
    assert in_progress.exists() and unrelated.exists()
    assert path.read_text() == "the brief\n"


HOSTILE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "mailto:someone@example.org",
    "http:alert(1)",  # a web scheme without a host
    "//evil.example/x",
    "https://example.org/a><javascript:alert(1)>",
    "https://example.org/a b)](javascript:alert(1))",
    "https://example.org/x\n- injected bullet <javascript:alert(1)>",
    "https://example.org/x\u2028## injected heading",
    "https://example.org:99999/bad-port",
]


def _with_links(urls: list[str]) -> Brief:
    brief = fixed_brief()
    written = brief.stories[1]
    lead = dataclasses.replace(written.story.lead, url=urls[0])
    others = [
        dataclasses.replace(lead, url=url, source=f"Other {n}", discussion_url="")
        for n, url in enumerate(urls[1:])
    ]
    thread = dataclasses.replace(
        lead, source="r/Hostile", source_type="reddit", discussion_url=urls[-1]
    )
    story = Story(lead, (lead, *others, thread), 1.0)
    brief.stories[1] = WrittenStory(story, written.text)
    return brief


def _all_links(markdown: str) -> list[str]:
    """Every link destination a CommonMark renderer makes of the text, without the renderer's
    own filter of unsafe schemes (other renderers have none)."""
    parser = MarkdownIt("commonmark")
    parser.validateLink = lambda url: True
    return re.findall(r'href="([^"]*)"', parser.render(markdown))


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_markdown_links_only_web_addresses_and_nothing_breaks_out(url):
    markdown = render_brief(_with_links([url, url, url]))["md"]
    links = _all_links(markdown)
    assert links, "the brief's own links are still there"
    assert all(re.match(r"https?://[^/\s]", link) for link in links), links
    for line in markdown.splitlines():  # no new line, bullet or heading from a URL
        assert "injected" not in line or line.startswith("- **")
    assert markdown.count("\n") == render_brief(_with_links(["https://example.org/"] * 3))[
        "md"
    ].count("\n")
    html = render_brief(_with_links([url, url, url]))["html"]
    assert not re.search(r'href="(?!https?://|#|index\.html|feed\.xml)', html)


def test_a_web_address_is_kept_and_written_in_ascii():
    assert web_url("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert web_url("https://Bücher.example/straße") == ("https://xn--bcher-kva.example/stra%C3%9Fe")
    assert web_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
    assert web_url("https://example.org/a b<c>") == "https://example.org/a%20b%3Cc%3E"
    assert web_url("https://example.org") == "https://example.org/"
    markdown = render_brief(_with_links(["https://example.org/a_(b)*c"] * 3))["md"]
    assert "<https://example.org/a_(b)*c>" in markdown


def test_each_link_of_a_story_is_listed_once():
    brief = fixed_brief()
    lead = brief.stories[1].story.lead
    thread_url = "https://www.reddit.com/r/LocalLLaMA/comments/9z/gateway/"
    self_post = Item(
        url=thread_url,
        title="Gateway thread",
        source="r/LocalLLaMA",
        source_type="reddit",
        published=None,
        discussion_url=thread_url,
    )
    other = Item(
        url="https://other.example/gateway",
        title="Gateway",
        source="Other",
        source_type="rss",
        published=None,
    )
    brief.stories[1] = WrittenStory(
        Story(lead, (lead, self_post, other), 1.0), brief.stories[1].text
    )
    markdown = render_brief(brief)["md"]
    assert markdown.count(thread_url) == 1
    assert f"- **Discussion (r/LocalLLaMA):** <{thread_url}>" in markdown
    assert "- **Also:** <https://other.example/gateway>" in markdown


def test_sources_line_counts_what_was_considered_not_only_what_was_fetched():
    brief = fixed_brief()
    unchanged = [
        SourceResult("BenchLM", "leaderboard", status=SourceStatus.NOT_MODIFIED),
        SourceResult("Example News", "rss", status=SourceStatus.FRESH),
        SourceResult("Dead Feed", "rss", error="HTTP 500", status=SourceStatus.FAILED),
    ]
    rerun = dataclasses.replace(brief, source_results=unchanged, items_new=0)
    assert sources_line(rerun) == (
        "Sources: 2 of 3 answered (2 unchanged since the last fetch); "
        "3 items considered, 0 new since the last fetch."
    )
    assert sources_line(brief) == (
        "Sources: 2 of 3 answered; 3 items considered, 2 new since the last fetch."
    )
