"""Text bounds where text enters: every title, teaser, body, name and link of every collector is
bounded, and cleared of what XML and mail cannot carry (NUL, ESC and the other C0 and C1
controls but tab, newline and carriage return; U+FFFE, U+FFFF; lone surrogates). A newline in
a title becomes a space. One hostile item never stops a brief."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from xml.etree import ElementTree

from briefbot.collect.results import bounded_item
from briefbot.collect.text import NAME_CHARS, TEASER_CHARS, TEXT_CHARS, TITLE_CHARS
from briefbot.config import parse_settings
from briefbot.models import Item
from briefbot.pipeline import run_brief
from tests.conftest import canned_model
from tests.feeds import collect_feed, rss

UNSAFE = "\x00\x01\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f\ufffe\uffff\ud800\udfff"


def test_every_text_of_an_item_is_bounded_and_safe():
    dirty = f"Start{UNSAFE}end"
    item = bounded_item(
        Item(
            url="https://n.example/a",
            title="Nova\r\n2 " + dirty + " word" * 30_000,
            source="Feed",
            source_type="rss",
            published=None,
            teaser="First line\r\nsecond\tline\u00a0here\n\n\n\nthird " + dirty + "x" * 20_000,
            text="body " * 40_000,
            author=dirty * 100,
            metadata={"flair": dirty, "score": 3},
        )
    )
    assert item.title.startswith("Nova 2 Startend word word")
    assert len(item.title) <= TITLE_CHARS and item.title.endswith("…")
    assert item.teaser.startswith("First line\nsecond line here\n\nthird Startend")
    assert len(item.teaser) <= TEASER_CHARS and len(item.text) <= TEXT_CHARS
    assert len(item.author) <= NAME_CHARS and item.metadata == {"flair": "Startend", "score": 3}
    for text in (item.title, item.teaser, item.text, item.author):
        assert not any(char in text for char in UNSAFE)
    assert "\r" not in item.teaser and "\n" not in item.title


def test_a_feed_item_with_a_100_kb_title_and_body_is_bounded(feed_server):
    huge = "Quantised " * 10_000  # 100 KB
    items = (
        f"<item><title>{huge}</title><link>https://n.example/huge</link>"
        f"<description>{huge * 2}</description></item>"
        "<item><title>Line one\nline two&#x7f;&#x85;</title><link>https://n.example/2</link>"
        "</item>"
    )
    first, second = collect_feed(feed_server, rss(items)).items
    assert len(first.title) <= TITLE_CHARS and first.title.startswith("Quantised Quantised")
    assert len(first.teaser) <= TEASER_CHARS
    assert second.title == "Line one line two"


def test_a_100_kb_title_and_control_characters_never_stop_a_brief(
    feed_server, tiny_model_config, canned_server, tmp_path
):
    """The whole run, written through a model server (one story): a leaderboard whose
    model names are 100 KB long and carry NUL and ESC (JSON can carry them, XML cannot), beside
    a feed item with a 100 KB title that goes through the store and the pick."""
    now = datetime.now(UTC)
    lead = " ".join(["A model with open weights was released today."] * 20)  # not a teaser
    feed = rss(
        f"<item><title>{'Open weights ' * 8_000}</title>"
        f"<link>{feed_server.url('/article')}</link>"
        f"<pubDate>{now:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
        f"<description>{lead}</description></item>"
    )
    board = {
        "schemaVersion": "1.0",
        "items": [
            {"rank": 1, "model": "Closed\x00One", "creator": "Acme\x1b[2J",
             "sourceType": "Proprietary", "displayScore": 80.5},
            {"rank": 2, "model": "Open\x1bTwo\ufffe 7B" + " huge" * 20_000, "creator": "Lab",
             "sourceType": "Open Weight", "displayScore": 79.0},
        ],
    }  # fmt: skip
    sources = [
        {"type": "rss", "name": "Huge", "url": feed_server.serve("/huge.xml", feed), "weight": 0.1},
        {
            "type": "leaderboard",
            "name": "Board",
            "url": feed_server.serve("/lb.json", json.dumps(board), content_type="text/json"),
        },
    ]
    config = tiny_model_config(sources, top_stories=1, model=canned_model(canned_server))
    outcome = run_brief(parse_settings(config), db_path=tmp_path / "b.db", out_dir=tmp_path)

    assert outcome.report.items_new == 2
    [written] = outcome.brief.stories
    title = written.story.lead.title
    assert title.startswith("OpenTwo 7B huge huge") and len(title) <= TITLE_CHARS
    assert written.text.summary  # the model wrote, or the extract stood in: a brief all the same
    for path in [*outcome.paths, tmp_path / "feed.xml"]:
        content = path.read_text(encoding="utf-8")
        assert not any(char in content for char in "\x00\x1b\ufffe"), path
    ElementTree.parse(tmp_path / "feed.xml")  # well-formed
    assert feed_server.hits.get("/article") is None  # the feed's text was enough
