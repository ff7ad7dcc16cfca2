"""`briefbot sources import FILE.opml` and `sources export`: a feed reader's subscriptions into
the config (kept as the user wrote it, comments and all) and the config's feeds out as OPML 2.0,
on OPML files of our own in tests/data/opml/."""

from __future__ import annotations

import json
from pathlib import Path

import listparser
import pytest

from briefbot.cli import main
from briefbot.config import load_settings

OPML = Path(__file__).parent / "data" / "opml"

CONFIG = """\
# My brief. The comments here must survive an import.
title: Lab Brief   # shown at the top
timezone: Europe/Berlin
top_stories: 3

sources:
  # the feed I read first
  - type: rss
    name: Known Feed
    url: https://known.example/feed.xml
    weight: 1.5
  - {type: rss, name: Known Name, url: https://known-name.example/rss}
  - {type: reddit, name: r/LocalLLaMA, subreddit: LocalLLaMA}
  - type: leaderboard
    name: Board
    url: https://board.example/lb.json

model:
  temperature: 0.2   # low
"""


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(CONFIG)
    return path


def _rss(path: Path) -> list[tuple[str, str]]:
    return [(s.name, str(s.url)) for s in load_settings(path).sources if s.type == "rss"]


def test_import_adds_each_new_feed_and_keeps_the_config_as_written(config, capsys):
    assert (
        main(["sources", "import", str(OPML / "subscriptions.opml"), "--config", str(config)]) == 0
    )
    said = capsys.readouterr().out

    assert _rss(config) == [
        ("Known Feed", "https://known.example/feed.xml"),
        ("Known Name", "https://known-name.example/rss"),
        ("Lab Notes", "https://lab.example/feed.xml"),  # nested two folders deep
        ("Weights & Measures", "https://weights.example/atom"),  # three deep, entity decoded
        ("untitled.example/news/rss", "https://untitled.example/news/rss"),  # no title or text
        ("Only a title", "https://title.example/feed"),  # a title attribute, no text
        ("Known Name (2)", "https://other.example/rss"),  # a name the config has already
    ]
    # the file as written, comments and all, with a line for each new source after the last
    before, after = CONFIG.split("\nmodel:")
    assert (
        config.read_text()
        == before
        + "".join(
            f"  - {{type: rss, name: {name}, url: {url}}}\n" for name, url in _rss(config)[2:]
        )
        + "\nmodel:"
        + after
    )
    assert said.splitlines()[0] == f"added 5 feed(s) to {config}"
    assert "  already there: Known Feed, other spelling" in said  # HTTPS://Known.Example/...
    assert "  skipped: A web page: not a feed (https://page.example/)" in said
    assert "  skipped: Another list: not a feed (https://lists.example/more.opml)" in said
    assert "  skipped: An FTP feed: not an http or https URL" in said

    # a second import finds every feed there already and leaves the file alone
    again = config.read_text()
    assert (
        main(["sources", "import", str(OPML / "subscriptions.opml"), "--config", str(config)]) == 0
    )
    assert capsys.readouterr().out.startswith(f"added 0 feed(s) to {config}\n")
    assert config.read_text() == again


def test_an_opml_1_file_in_latin_1_is_read_in_its_own_encoding(config, capsys):
    assert (
        main(["sources", "--config", str(config), "import", str(OPML / "opml1-latin1.opml")]) == 0
    )
    assert _rss(config)[-1] == ("Café Nachrichten", "http://cafe.example/rss.xml")


def test_a_json_config_gets_the_feeds_too(tmp_path, capsys):
    path = tmp_path / "sources.yaml"
    sources = [{"type": "rss", "name": "Lab Notes", "url": "https://lab.example/feed.xml"}]
    path.write_text(json.dumps({"title": "t", "sources": sources}))  # JSON is YAML
    assert main(["sources", "import", str(OPML / "subscriptions.opml"), "--config", str(path)]) == 0
    assert [name for name, _ in _rss(path)][:3] == [
        "Lab Notes",
        "Weights & Measures",
        "untitled.example/news/rss",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-xml.opml", "not an OPML file: not well-formed XML (syntax error: line 1, column 0)"),
        ("truncated.opml", "not an OPML file: not well-formed XML (unclosed token: line 16"),
        ("not-opml.opml", "not an OPML file (no <opml> document element)"),
        ("missing.opml", "cannot read: No such file or directory"),
    ],
)
def test_a_file_that_is_not_opml_is_one_line_and_changes_nothing(config, capsys, name, message):
    assert main(["sources", "import", str(OPML / name), "--config", str(config)]) == 2
    assert capsys.readouterr().err.startswith(f"briefbot: {OPML / name}: {message}")
    assert config.read_text() == CONFIG


def test_export_writes_opml_2_of_the_rss_sources(tmp_path, config, capsys):
    hostile = CONFIG.replace("name: Known Feed", 'name: "Q&A <weekly> \\"quoted\\""')
    config.write_text(hostile)
    assert main(["sources", "export", "--config", str(config)]) == 0
    document = capsys.readouterr().out
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    parsed = listparser.parse(document.encode())
    assert (parsed.version, parsed.meta.title) == ("opml2", "Lab Brief")
    assert [(feed.title, feed.url) for feed in parsed.feeds] == [
        ('Q&A <weekly> "quoted"', "https://known.example/feed.xml"),
        ("Known Name", "https://known-name.example/rss"),
    ]  # the reddit and leaderboard sources are not feeds a reader takes


def test_an_export_imported_elsewhere_gives_the_same_feeds(tmp_path, config, capsys):
    assert main(["sources", "--config", str(config), "export"]) == 0
    exported = tmp_path / "export.opml"
    exported.write_text(capsys.readouterr().out)
    other = tmp_path / "other.yaml"
    other.write_text("title: Other\nsources:\n  - {type: reddit, name: r/x, subreddit: xx}\n")
    assert main(["sources", "import", str(exported), "--config", str(other)]) == 0
    assert _rss(other) == _rss(config)


def test_the_health_table_is_as_before(config, capsys):
    assert main(["sources", "--config", str(config), "--db", str(config.parent / "b.db")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0].split() == "source type last status last success (UTC) failures last error".split()
    )
    assert lines[2].split()[:5] == ["Known", "Feed", "rss", "never", "fetched"]
    assert len(lines) == 2 + 4


def test_sources_without_a_config_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["sources", "export"])
    assert stopped.value.code == 2
    assert "the following arguments are required: --config" in capsys.readouterr().err


def test_names_yaml_would_misread_are_quoted_where_sources_end_the_file(tmp_path, capsys):
    opml = tmp_path / "odd.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline type="rss" text="Notes: AI #1, {beta} - [x]" xmlUrl="https://odd.example/f"/>'
        '<outline type="rss" text="yes" xmlUrl="https://bool.example/f"/>'
        "</body></opml>"
    )
    config = tmp_path / "sources.yaml"
    config.write_text("title: t\nsources:\n- type: rss\n  name: A\n  url: https://a.example/f")
    assert main(["sources", "import", str(opml), "--config", str(config)]) == 0
    assert _rss(config) == [
        ("A", "https://a.example/f"),
        ("Notes: AI #1, {beta} - [x]", "https://odd.example/f"),
        ("yes", "https://bool.example/f"),  # a string, not YAML's true
    ]
    assert config.read_text().startswith("title: t\nsources:\n- type: rss\n  name: A\n")
