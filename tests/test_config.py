"""Configuration: the minimal shape loads; a bad key, type or URL stops with one clear line."""

from pathlib import Path

import pytest

from briefbot.cli import main
from briefbot.config import ConfigError, load_settings
from briefbot.database import URL_ENV, chosen_database, database_location

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """\
title: My Brief
timezone: Europe/Berlin
top_stories: 3
sources:
  - type: rss
    name: A feed
    url: https://example.org/feed.xml
  - type: reddit
    name: r/LocalLLaMA
    subreddit: LocalLLaMA
  - type: leaderboard
    name: BenchLM
    url: https://benchlm.ai/data/leaderboard.json
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_minimal_config_loads_with_defaults(tmp_path):
    settings = load_settings(write(tmp_path, MINIMAL))
    assert settings.title == "My Brief"
    assert settings.top_stories == 3
    assert [source.type for source in settings.sources] == ["rss", "reddit", "leaderboard"]
    assert settings.sources[1].address == "https://www.reddit.com/r/LocalLLaMA/top/.rss?t=day"
    assert settings.model.ollama is None
    assert settings.model.embedded.model == "qwen2.5-coder-1.5b"


def test_repository_sources_yaml_is_valid():
    settings = load_settings(ROOT / "sources.yaml")
    assert settings.title == "Open Source LLM Brief"
    names = {getattr(source, "subreddit", None) for source in settings.sources}
    assert {"LocalLLaMA", "OpenSourceAI"} <= names
    assert any(s.type == "leaderboard" and "benchlm.ai" in s.address for s in settings.sources)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("top_stories: 3", "top_storys: 3"), "top_storys: unknown key"),
        (("top_stories: 3", "top_stories: many"), "top_stories: expected a valid integer"),
        (("https://example.org/feed.xml", "not a url"), "sources[0].url: expected a valid URL"),
        (("https://example.org/feed.xml", "ftp://example.org/f"), "sources[0].url: expected"),
        (("type: rss", "type: gopher"), "sources[0].type: expected one of"),
        (("timezone: Europe/Berlin", "timezone: Mars/Olympus"), "timezone: expected an IANA"),
        (("    subreddit: LocalLLaMA\n", ""), "sources[1].subreddit: required key is missing"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, change, expected):
    path = write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_yaml_syntax_error_is_one_line(tmp_path):
    path = write(tmp_path, "title: [unclosed\n")
    with pytest.raises(ConfigError, match=r"sources.yaml: line \d+"):
        load_settings(path)


def test_cli_reports_bad_config_and_exits_2(tmp_path, capsys):
    path = write(tmp_path, MINIMAL.replace("top_stories: 3", "top_stories: -1"))
    assert main(["run", "--config", str(path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"briefbot: {path}: top_stories: expected")
    assert len(error.splitlines()) == 1


def test_the_database_is_the_flag_else_the_environment_else_the_config(tmp_path):
    url = "postgresql+psycopg://briefbot@127.0.0.1/briefbot"
    env = {URL_ENV: url}
    assert chosen_database(None, None, None, tmp_path, {}) == tmp_path / "briefbot.db"
    assert chosen_database(None, None, "x.db", tmp_path, {}) == Path("x.db")
    assert chosen_database(None, url, None, tmp_path, {}) == url
    assert chosen_database(None, None, "x.db", tmp_path, env) == url
    assert chosen_database(database_location("y.db"), url, None, tmp_path, env) == Path("y.db")
    assert database_location("sqlite:///y.db") == "sqlite:///y.db"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("database_url: not a url\n", "database_url: expected a database URL"),
        ("database: a.db\ndatabase_url: sqlite:///b.db\n", "not both"),
    ],
)
def test_a_bad_database_setting_is_named(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, MINIMAL + extra))
