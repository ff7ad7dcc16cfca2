"""Render: a fixed day renders to the pinned Markdown; hostile text is escaped in HTML."""

import dataclasses
import os
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from briefbot.models import (
    BottomLinePoint,
    Brief,
    Item,
    SourceResult,
    SourceStatus,
    Story,
    StoryText,
    WrittenStory,
)
from briefbot.render import render_brief, sources_line, write_brief

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
                extract=True,
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


def test_files_are_written_atomically_and_dated(tmp_path):
    paths = write_brief(fixed_brief(), tmp_path / "out")
    assert sorted(p.name for p in paths) == ["2026-07-03.html", "2026-07-03.md"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2026-07-03.html",
        "2026-07-03.md",
    ]


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
