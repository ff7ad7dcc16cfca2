"""Channels: the brief posted to chat and notification services through Apprise, once each.

The message for a channel (lines, links, length limits), URLs from the environment and what of
them is never shown, the delivery records, and `briefbot send` / `run --send` posting to a local
server that speaks a JSON webhook and ntfy's publish API, killed between any two of its
commits and run again. Every test runs with connections held to loopback (`guard`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from briefbot.cli import main
from briefbot.config import ChannelSettings, ConfigError, parse_settings
from briefbot.deliver.channel_message import Limits, compose, json_escaped_length, link
from briefbot.deliver.channel_urls import ChannelUrlError, Redactor, channel_url
from briefbot.deliver.channels import Service
from briefbot.publish import PublishedBrief, PublishedStory
from briefbot.render import make_environment
from briefbot.store import Store
from tests.channel_server import ChannelServer, LoopbackOnly
from tests.conftest import ROOT
from tests.databases import fresh_postgres_schema, postgres_url
from tests.mailbox import publish_fixed_brief
from tests.test_render import fixed_brief

DAY = date(2026, 7, 3)
BASE = "https://brief.example.org/"
PAGE = "https://brief.example.org/2026-07-03.html"
TOKEN = "Xq7tT0kEnS3cr3t-4f9a2b"  # the secret part of the webhook URLs


@pytest.fixture(autouse=True)
def guard() -> Iterator[LoopbackOnly]:
    """No connection of the test process leaves loopback; one that tries fails the test."""
    only = LoopbackOnly().install()
    yield only
    only.undo()
    assert only.blocked == [], f"connections outside loopback were tried: {only.blocked}"


def published() -> PublishedBrief:
    return PublishedBrief.from_brief(fixed_brief())


def with_stories(*stories: tuple[str, str]) -> PublishedBrief:
    return dataclasses.replace(
        published(),
        stories=[
            PublishedStory(title, url, ["News"], "2026-07-03", "A summary.", "")
            for title, url in stories
        ],
    )


def posts_of(brief: PublishedBrief, markup: str = "text", **limits: object) -> tuple[str, ...]:
    limit = Limits(**({"body": 4096} | limits))
    message = compose(
        brief, page_url=PAGE, markup=markup, limits=limit, environment=make_environment()
    )
    return message.posts


# the message ----------------------------------------------------------------------------


def test_the_message_has_title_and_day_each_story_with_its_link_the_lede_and_the_page():
    [text] = posts_of(published(), "text")
    assert text.splitlines() == [
        "Open Source LLM Brief — 2026-07-03",
        "",
        "1. BenchLM: GLM-5.2 is the best open-weight model at #4 — "
        "https://benchlm.ai/best/open-source#2026-07-03",
        "2. A self-hosted gateway routes to 237 providers — https://example.org/gateway",
        "",
        "Bottom line: Open-weight models are within 5.1 points of the best.",
        "",
        f"Full brief: {PAGE}",
    ]
    [markdown] = posts_of(published(), "markdown")
    assert markdown.splitlines() == [
        "**Open Source LLM Brief — 2026-07-03**",
        "",
        "1. [BenchLM: GLM-5.2 is the best open-weight model at #4]"
        "(https://benchlm.ai/best/open-source#2026-07-03)",
        "2. [A self-hosted gateway routes to 237 providers](https://example.org/gateway)",
        "",
        "*Bottom line:* Open-weight models are within 5.1 points of the best.",
        "",
        f"[Read the full brief]({PAGE})",
    ]


def test_a_service_with_a_title_field_gets_the_heading_there():
    message = compose(
        published(),
        page_url=PAGE,
        markup="text",
        limits=Limits(body=4096, title=250),
        environment=make_environment(),
    )
    assert message.title == "Open Source LLM Brief — 2026-07-03"
    assert message.posts[0].startswith("1. BenchLM")


def test_the_lede_is_the_records_own_when_it_has_one():
    brief = dataclasses.replace(published(), lede="Open weights close in on the best closed model.")
    [text] = posts_of(brief)
    assert "Bottom line: Open weights close in on the best closed model." in text
    assert "within 5.1 points" not in text


def test_titles_cannot_break_lines_or_markdown_and_only_http_links_are_linked():
    brief = with_stories(
        ("Line one\nBcc: line two\u2028three", "https://example.org/a"),
        ("A [bracketed](title) *bold*", "https://en.wikipedia.org/wiki/Mistral_(model)"),
        ("Click me", "javascript:alert(1)"),
    )
    [text] = posts_of(brief, "text")
    assert "1. Line one Bcc: line two three — https://example.org/a" in text.splitlines()
    assert "javascript:" not in text and "3. Click me" in text.splitlines()
    [markdown] = posts_of(brief, "markdown")
    lines = markdown.splitlines()
    assert (
        r"2. [A \[bracketed\](title) \*bold\*](https://en.wikipedia.org/wiki/Mistral_%28model%29)"
        in lines
    )
    assert "3. Click me" in lines and "javascript:" not in markdown


def long_brief(count: int = 14) -> PublishedBrief:
    return with_stories(
        *(
            (
                f"Story {n}: a model release with a rather long title to fill the line",
                f"https://news.example/{n}/" + "path/" * n,
            )
            for n in range(1, count + 1)
        )
    )


@pytest.mark.parametrize("markup", ["text", "markdown"])
@pytest.mark.parametrize("limit", [200, 333, 1000])
def test_a_long_message_is_split_between_lines_each_post_within_the_limit(markup, limit):
    brief = long_brief()
    [whole] = posts_of(brief, markup, body=100_000)
    posts = posts_of(brief, markup, body=limit)
    assert len(posts) > 1
    assert all(len(post) <= limit for post in posts)
    # Splitting only ever happens between lines: the posts hold the lines of the whole, in order.
    lines = [line for line in whole.splitlines() if line]
    assert [line for post in posts for line in post.splitlines() if line] == lines
    for story in brief.stories:
        assert sum(link(story.url) in post for post in posts) == 1


def test_a_line_too_long_for_a_post_is_shortened_at_a_word_never_in_its_link():
    url = "https://news.example/2026/07/03/a-long-article-path"
    title = "An extraordinarily long headline " * 12
    for markup in ("text", "markdown"):
        posts = posts_of(with_stories((title.strip(), url)), markup, body=200)
        [story] = [line for post in posts for line in post.splitlines() if line.startswith("1.")]
        assert len(story) <= 200 and url in story and "…" in story
        shortened = story.split("…")[0].removeprefix("1. ").removeprefix("[")
        assert title.startswith(shortened + " ")  # whole words only


def test_a_link_that_cannot_fit_is_left_out_never_cut():
    url = "https://news.example/" + "x" * 300
    posts = posts_of(
        with_stories(("A story", url), ("Another", "https://news.example/b")), body=200
    )
    lines = [line for post in posts for line in post.splitlines()]
    assert "1. A story" in lines and not any("xxxx" in line for line in lines)
    assert "2. Another — https://news.example/b" in lines


def test_limits_in_bytes_hold_for_any_script():
    brief = with_stories(
        *((f"模型发布 {n} " * 30, f"https://news.example/{n}") for n in range(8)),
        ("Модель выпущена " * 20, "https://news.example/ru"),
        ("Emoji 🚀🔥 " * 40, "https://news.example/e"),
    )
    posts = posts_of(brief, body=1000, measure=json_escaped_length)
    assert all(len(post.encode("utf-8")) <= 1000 for post in posts)
    for text in ("plain", "ünïcödé", "模型", "🚀", 'quote " and \\ back\nslash'):
        assert json_escaped_length(text) >= len(text.encode("utf-8"))


# URLs, secrets and what is shown --------------------------------------------------------


def test_a_url_comes_from_the_environment_whole_or_in_parts():
    environ = {"HOOK_URL": f"json://127.0.0.1:9/hooks/{TOKEN}", "TG_TOKEN": "123456:ABCdef-gh"}
    whole = channel_url(ChannelSettings(name="hook", url_env="HOOK_URL"), environ)
    assert whole.url == environ["HOOK_URL"] and TOKEN in whole.secrets
    parts = channel_url(ChannelSettings(name="tg", url="tgram://${TG_TOKEN}/-100123"), environ)
    assert parts.url == "tgram://123456:ABCdef-gh/-100123"
    assert "123456:ABCdef-gh" in parts.secrets
    with pytest.raises(ChannelUrlError, match="BRIEFBOT_MISSING") as error:
        channel_url(ChannelSettings(name="x", url="slack://${BRIEFBOT_MISSING}/a"), environ)
    assert TOKEN not in str(error.value)


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        (
            "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-1001234567890",
            ["123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"],
        ),
        (
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
            ["T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "TIiajkdnlazkcOXrIdevi7FQ"],
        ),
        (
            "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
            ["4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "JHMHI8qBe7bk2ZwO5U711o3dV_js"],
        ),
        (
            "ntfys://tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2@ntfy.example.org/briefs",
            ["Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2"],
        ),
        (
            "ntfys://reader:pa%24%24w0rd@ntfy.example.org/briefs",
            ["pa$$w0rd", "pa%24%24w0rd", "Basic cmVhZGVyOnBhJCR3MHJk"],  # base64 of reader:pa$$w0rd
        ),
        ("json://127.0.0.1:9/hooks/" + TOKEN, [f"POST /hooks/{TOKEN} HTTP/1.1"]),
        ("jsons://hooks.example.org/in?token=" + TOKEN, [f"/in?token={TOKEN}"]),
    ],
)
def test_every_part_of_a_url_that_may_be_a_token_is_blanked_in_text_and_log_records(url, secrets):
    redactor = Redactor(channel_url(ChannelSettings(name="c", url=url), {}).secrets)
    for shown in (url, *secrets):
        assert redactor.text(f"sending: {shown}!") == "sending: " + redactor.text(shown) + "!"
        hidden = redactor.text(shown)
        assert "***" in hidden and not any(secret in hidden for secret in secrets)
    record = logging.LogRecord(
        "apprise", logging.WARNING, __file__, 1, "to %s", (secrets[-1],), None
    )
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError:
        record.exc_info = sys.exc_info()
    redactor.filter(record)
    formatted = logging.Formatter("%(message)s").format(record)
    assert "***" in formatted and "ConnectionError" in formatted
    assert url not in formatted and secrets[-1] not in formatted


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ({"name": "a", "url": f"json://h/{TOKEN}", "url_env": "X"}, "either 'url' or 'url_env'"),
        ({"name": "a"}, "either 'url' or 'url_env'"),
        ({"name": "a", "url": f"{TOKEN}@no-scheme"}, "an Apprise URL"),
        ({"name": "a", "url": f"json://h/{TOKEN}", "brief": "nope"}, "unknown brief"),
        ({"name": "a b", "url": f"json://h/{TOKEN}"}, "deliver.channels[0].name"),
        ({"name": "a", "url": f"json://h/{TOKEN}", "max_length": 20}, "max_length"),
    ],
)
def test_a_bad_channel_is_one_line_that_never_shows_the_url(channel, expected):
    raw = {
        "title": "B",
        "sources": [{"type": "rss", "name": "N", "url": "http://127.0.0.1:9/f.xml"}],
        "deliver": {"channels": [channel]},
    }
    with pytest.raises(
        ConfigError, match=expected.replace("[", r"\[").replace("]", r"\]")
    ) as error:
        parse_settings(raw)
    assert TOKEN not in str(error.value) and "\n" not in str(error.value)


def test_channel_names_are_distinct():
    raw = {
        "title": "B",
        "sources": [{"type": "rss", "name": "N", "url": "http://127.0.0.1:9/f.xml"}],
        "deliver": {
            "channels": [{"name": "a", "url": "json://h/1"}, {"name": "a", "url_env": "U"}]
        },
    }
    with pytest.raises(ConfigError, match="each of channels needs its own name"):
        parse_settings(raw)


# the delivery records -------------------------------------------------------------------


def test_a_delivery_is_claimed_once_and_a_sent_or_doubtful_one_never_again(database):
    now = datetime(2026, 7, 3, 7, 0, tzinfo=UTC)
    with Store(database) as store:
        first = store.claim_channel_delivery("", DAY, "team", now)
        assert (first["status"], first["posts_sent"], first["attempts"]) == ("claimed", 0, 1)
        store.mark_channel_delivery("", DAY, "team", "sending", now, posts_sent=0)
        assert store.claim_channel_delivery("", DAY, "team", now) is None  # in doubt
        store.mark_channel_delivery("", DAY, "team", "failed", now, posts_sent=1, error="500")
        again = store.claim_channel_delivery("", DAY, "team", now)
        assert (again["posts_sent"], again["attempts"]) == (1, 2)  # goes on after post 1
        store.mark_channel_delivery("", DAY, "team", "sent", now, posts_sent=2)
        assert store.claim_channel_delivery("", DAY, "team", now) is None
        # Another brief, another day and another channel are deliveries of their own.
        assert store.claim_channel_delivery("security", DAY, "team", now) is not None
        assert store.claim_channel_delivery("", date(2026, 7, 4), "team", now) is not None
        assert store.claim_channel_delivery("", DAY, "ops", now) is not None
        rows = store.channel_deliveries(DAY, "")
        assert [(r["channel"], r["status"]) for r in rows] == [("ops", "claimed"), ("team", "sent")]


# posting --------------------------------------------------------------------------------


def write_config(folder: Path, channels: list[dict], **extra: object) -> Path:
    config = {
        "title": "Open Source LLM Brief",
        "timezone": "America/New_York",
        "sources": [{"type": "rss", "name": "Unused", "url": "http://127.0.0.1:9/feed.xml"}],
        "site": {"base_url": BASE},
        "deliver": {"channels": channels, "timeout_seconds": 5},
    } | extra
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def webhook(server: ChannelServer, name: str = "hook", **options: object) -> dict:
    """A JSON webhook channel whose token comes from the environment (BRIEFBOT_TEST_TOKEN)."""
    url = f"json://127.0.0.1:{server.port}/hooks/{name}/${{BRIEFBOT_TEST_TOKEN}}"
    return {"name": name, "url": url} | options


def ntfy(server: ChannelServer, topic: str = "briefs", **options: object) -> dict:
    return {"name": f"ntfy-{topic}", "url": f"ntfy://127.0.0.1:{server.port}/{topic}"} | options


def hook_path(name: str = "hook") -> str:
    return f"/hooks/{name}/{TOKEN}"


@pytest.fixture
def server(monkeypatch) -> Iterator[ChannelServer]:
    monkeypatch.setenv("BRIEFBOT_TEST_TOKEN", TOKEN)
    with ChannelServer() as running:
        yield running


def send(config: Path, database: object, out_dir: Path, *extra: str) -> int:
    arguments = ["--config", str(config), "--db", str(database), "--out", str(out_dir)]
    return main(["send", *arguments, "--date", DAY.isoformat(), *extra])


def test_a_webhook_and_ntfy_each_get_the_brief_once(tmp_path, database, server, capsys):
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    config = write_config(tmp_path, [webhook(server), ntfy(server)])
    assert send(config, database, out_dir) == 0
    first = capsys.readouterr().out
    assert "Channels, brief of 2026-07-03: posted to 2, already posted to 0, failed 0" in first
    assert send(config, database, out_dir) == 0
    again = capsys.readouterr().out
    assert "posted to 0, already posted to 2, failed 0, in doubt 0" in again
    assert server.copies() == {hook_path(): 1, "briefs": 1}

    [hook] = server.to(hook_path())
    assert hook.title == "Open Source LLM Brief — 2026-07-03"
    assert hook.message.splitlines() == [
        "1. BenchLM: GLM-5.2 is the best open-weight model at #4 — "
        "https://benchlm.ai/best/open-source#2026-07-03",
        "2. A self-hosted gateway routes to 237 providers — https://example.org/gateway",
        "",
        "Bottom line: Open-weight models are within 5.1 points of the best.",
        "",
        f"Full brief: {PAGE}",
    ]
    [note] = server.to("briefs")
    assert (note.service, note.title, note.message) == ("ntfy", hook.title, hook.message)
    # No icon: an icon is a URL a service would fetch from outside.
    assert not any(k.lower() == "x-icon" for k in note.headers)
    with Store(database) as store:
        rows = store.channel_deliveries(DAY)
    assert [(r["channel"], r["status"], r["posts_sent"]) for r in rows] == [
        ("hook", "sent", 1),
        ("ntfy-briefs", "sent", 1),
    ]


def test_markdown_goes_to_a_service_that_takes_it(tmp_path, database, server):
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    config = write_config(tmp_path, [webhook(server, format="markdown")])
    assert send(config, database, out_dir) == 0
    [hook] = server.posts
    assert f"[Read the full brief]({PAGE})" in hook.message


def test_a_split_message_arrives_in_order_once(tmp_path, database, server):
    out_dir = tmp_path / "output"
    out_dir.mkdir()
    record = dataclasses.replace(long_brief(8), day=DAY)
    (out_dir / "2026-07-03.json").write_text(record.to_json(), encoding="utf-8")
    config = write_config(tmp_path, [webhook(server, max_length=300)])
    assert send(config, database, out_dir) == 0
    assert send(config, database, out_dir) == 0
    posts = server.to(hook_path())
    assert len(posts) > 2 and all(len(post.message) <= 300 for post in posts)
    text = "\n".join(post.message for post in posts)
    assert [n for n in range(1, 9) if f"\n{n}. Story {n}:" in f"\n{text}"] == list(range(1, 9))
    with Store(database) as store:
        [row] = store.channel_deliveries(DAY)
    assert (row["status"], row["posts_sent"]) == ("sent", len(posts))


def test_a_channel_answering_500_is_reported_and_posted_on_the_next_run(
    tmp_path, database, server, capsys
):
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    config = write_config(tmp_path, [webhook(server), ntfy(server)])
    server.fail(hook_path(), 500)
    server.fail("briefs", 503)
    assert send(config, database, out_dir) == 1
    output = capsys.readouterr().out
    assert "posted to 0, already posted to 0, failed 2, in doubt 0" in output
    assert (
        "failed: hook (JSON): Failed to send JSON POST notification: Internal server error"
        in output
    )
    assert "failed: ntfy-briefs (ntfy): Failed to send ntfy notification" in output
    assert server.posts == []
    assert send(config, database, out_dir) == 0
    assert "posted to 2, already posted to 0, failed 0" in capsys.readouterr().out
    assert server.copies() == {hook_path(): 1, "briefs": 1}
    with Store(database) as store:
        assert {r["channel"]: r["attempts"] for r in store.channel_deliveries(DAY)} == {
            "hook": 2,
            "ntfy-briefs": 2,
        }


def test_one_broken_channel_never_keeps_the_others_from_their_post(
    tmp_path, database, server, capsys, monkeypatch
):
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    channels = [
        {"name": "unset", "url": "json://127.0.0.1:9/${BRIEFBOT_TEST_UNSET}"},
        {"name": "unknown", "url": f"nosuchservice://{TOKEN}/x"},
        {"name": "down", "url": f"json://127.0.0.1:{free_port()}/hooks/{TOKEN}"},
        webhook(server),
    ]
    monkeypatch.delenv("BRIEFBOT_TEST_UNSET", raising=False)
    config = write_config(tmp_path, channels)
    assert send(config, database, out_dir) == 1
    output = capsys.readouterr().out
    assert "failed: unset: environment variable BRIEFBOT_TEST_UNSET is empty or not set" in output
    assert "failed: unknown: not a URL Apprise can post to (nosuchservice://...)" in output
    assert "failed: down (JSON): A Connection error occurred sending JSON notification" in output
    assert server.copies() == {hook_path(): 1}
    assert TOKEN not in output


def free_port() -> int:
    from tests.mailbox import free_port as port

    return port()


def test_nothing_is_posted_for_a_day_without_a_brief_or_without_stories(
    tmp_path, database, server, capsys
):
    out_dir = tmp_path / "output"
    config = write_config(tmp_path, [webhook(server)])
    assert send(config, database, out_dir, "--channel", "hook") == 1
    assert "nothing posted to hook: no brief of 2026-07-03" in capsys.readouterr().out
    out_dir.mkdir()
    empty = dataclasses.replace(published(), stories=[], bottom_line=[])
    (out_dir / "2026-07-03.json").write_text(empty.to_json(), encoding="utf-8")
    assert send(config, database, out_dir, "--channel", "hook") == 0
    assert "nothing posted to hook: no stories" in capsys.readouterr().out
    assert server.posts == []
    with Store(database) as store:
        assert store.channel_deliveries(DAY) == []


def test_channel_picks_one_channel_and_no_mail(tmp_path, database, server, capsys):
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    config = write_config(tmp_path, [webhook(server), ntfy(server)])
    assert send(config, database, out_dir, "--channel", "ntfy-briefs") == 0
    output = capsys.readouterr().out
    assert server.copies() == {"briefs": 1} and "Brief of" not in output  # no mail report
    assert send(config, database, out_dir, "--channel", "nope") == 2
    assert "no channel named nope in deliver.channels (known: hook, ntfy-briefs)" in (
        capsys.readouterr().err
    )


def test_a_channel_of_another_brief_posts_that_brief(tmp_path, database, server):
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir / "security", BASE)
    briefs = [{"name": "security", "title": "Security Brief", "sources": ["Unused"]}]
    config = write_config(tmp_path, [webhook(server, brief="security")], briefs=briefs)
    assert send(config, database, out_dir, "--channel", "hook") == 0
    [hook] = server.posts
    assert hook.message.endswith("Full brief: https://brief.example.org/security/2026-07-03.html")
    with Store(database) as store:
        [row] = store.channel_deliveries(DAY)
    assert row["brief"] == "security"


# killed and run again -------------------------------------------------------------------


def start_sender(kill_after: int, *arguments: str) -> subprocess.Popen:
    """`briefbot ARGUMENTS` in a process of its own, SIGKILLed after its Nth commit (0: never)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.kill_send", str(kill_after), *arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"BRIEFBOT_TEST_TOKEN": TOKEN},
    )


@contextmanager
def fresh_store(kind: str, folder: Path, number: int) -> Iterator[Path | str]:
    """A new, migrated store: a SQLite file or a PostgreSQL schema of its own."""
    if kind == "sqlite":
        location = folder / f"store-{number}.db"
        Store(location).close()
        yield location
        return
    with fresh_postgres_schema() as url:
        Store(url).close()
        yield url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_sender_killed_after_any_commit_and_run_again_posts_each_post_once(
    tmp_path, server, kind, capsys
):
    """Channel `split` takes the brief in two posts, `hook` in one. The sender is SIGKILLed
    right after its 1st commit, then (afresh) its 2nd, ... until it runs to the end. Run again,
    every post arrives exactly once; a post whose `sending` was committed is in doubt (it
    might have gone out), not posted again, until `--resend-in-doubt` posts it."""
    if kind == "postgresql":
        postgres_url()  # skips the test without a server
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    channels = [webhook(server, "split", max_length=200), webhook(server, "hook")]
    config = write_config(tmp_path, channels)
    command = ["send", "--config", str(config), "--out", str(out_dir), "--date", "2026-07-03"]
    command += ["--channel", "split", "--channel", "hook"]
    whole: list[str] = []
    kill_after = 0
    while True:
        kill_after += 1
        server.posts.clear()
        with fresh_store(kind, tmp_path, kill_after) as database:
            sender = start_sender(kill_after, *command, "--db", str(database))
            _, errors = sender.communicate(timeout=60)
            if sender.returncode == 0:  # no Nth commit: this run went to its end
                assert kill_after > 8, errors  # claim/sending/between/sent of 3 posts
                break
            assert sender.returncode == -signal.SIGKILL, errors
            with Store(database) as store:
                doubtful = {
                    r["channel"] for r in store.channel_deliveries(DAY) if r["status"] == "sending"
                }
            assert main([*command, "--db", str(database)]) == (1 if doubtful else 0)
            output = capsys.readouterr().out
            for channel in doubtful:
                assert f"in doubt: {channel}: a sender stopped while posting" in output
            if doubtful:
                assert main([*command, "--db", str(database), "--resend-in-doubt"]) == 0
        messages = [post.message for post in server.to(hook_path("split"))]
        whole = whole or messages
        assert len(whole) == 2 and sorted(messages) == sorted(whole), kill_after
        assert server.copies()[hook_path("hook")] == 1, kill_after
    assert [post.message for post in server.to(hook_path("split"))] == whole


def test_a_sender_killed_before_the_service_answers_leaves_that_post_in_doubt(
    tmp_path, database, server, capsys
):
    """The first channel's post has reached the server when the sender is SIGKILLed, before it
    hears the answer. Run again: that post is in doubt, not repeated; the second channel,
    never tried, gets its post."""
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    config = write_config(tmp_path, [webhook(server), ntfy(server)])
    command = ["send", "--config", str(config), "--out", str(out_dir), "--date", "2026-07-03"]
    command += ["--db", str(database)]
    running: list[subprocess.Popen] = []
    server.on_post = lambda post: post.target == hook_path() and running[0].kill()
    running.append(start_sender(0, *command))
    running[0].communicate(timeout=60)
    assert running[0].returncode == -signal.SIGKILL
    assert server.copies() == {hook_path(): 1}

    server.on_post = lambda post: None
    assert main(command) == 1
    output = capsys.readouterr().out
    assert "posted to 1, already posted to 0, failed 0, in doubt 1" in output
    assert "in doubt: hook: a sender stopped while posting (see --resend-in-doubt)" in output
    assert server.copies() == {hook_path(): 1, "briefs": 1}
    assert main(command) == 1  # still in doubt, still not posted again
    assert server.copies() == {hook_path(): 1, "briefs": 1}


# the token is never shown ---------------------------------------------------------------


def test_a_token_never_appears_in_logs_stdout_or_stderr_even_at_debug(tmp_path, database, server):
    """`briefbot -v send` logs every request line (urllib3) and Apprise's debug output; the
    token is in the path of every webhook URL, and of a URL Apprise refuses."""
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    channels = [
        webhook(server, "failing"),
        webhook(server),
        {"name": "down", "url": f"json://127.0.0.1:{free_port()}/in/${{BRIEFBOT_TEST_TOKEN}}"},
        {"name": "odd", "url": "nosuchservice://${BRIEFBOT_TEST_TOKEN}@host/x"},
        {"name": "ntfy", "url": f"ntfy://{TOKEN}@127.0.0.1:{server.port}/briefs?auth=token"},
    ]
    server.fail(hook_path("failing"), 500)
    config = write_config(tmp_path, channels)
    command = ["-v", "send", "--config", str(config), "--db", str(database)]
    sender = start_sender(0, *command, "--out", str(out_dir), "--date", "2026-07-03")
    output, errors = sender.communicate(timeout=60)
    assert sender.returncode == 1, errors
    assert server.copies() == {hook_path(): 1, "briefs": 1}
    [note] = server.to("briefs")
    assert note.headers["Authorization"] == f"Bearer {TOKEN}"  # it did carry the token
    assert "failed 3" in output and "POST /hooks/hook/*** HTTP/1.1" in errors
    assert TOKEN not in output and TOKEN not in errors
    with Store(database) as store:
        assert TOKEN not in str(store.channel_deliveries(DAY))


class CannedWriter:
    """Answers every model call with fixed JSON of the schema asked for: the run writes its
    brief in a moment (the writer's checks keep it or use the article's text; the writing is
    not what these tests are about)."""

    name = "canned"
    model = "canned"

    def complete(self, messages, schema, max_tokens, temperature=None):
        from briefbot.write.backends import Completion

        if "bullets" in schema.get("properties", {}):
            bullets = ["Open models keep getting better at the work people do."] * 3
            return Completion(json.dumps({"bullets": bullets}))
        return Completion(json.dumps({"summary": "It is out now.", "why_it_matters": ""}))


def test_run_send_posts_right_after_writing_and_keeps_it_in_the_run_report(
    tmp_path, server, feed_server, capsys
):
    from tests.openai_server import OpenAICompatibleServer
    from tests.unattended import event_feed

    news = feed_server.serve("/news.xml", event_feed(datetime.now(UTC)))
    database = tmp_path / "briefbot.db"
    with OpenAICompatibleServer(CannedWriter(), "canned") as writer:
        backend = {"type": "openai", "base_url": f"{writer.base}/v1", "model": "canned"}
        config = write_config(
            tmp_path,
            [webhook(server), ntfy(server)],
            timezone="UTC",
            sources=[{"type": "rss", "name": "News", "url": news}],
            model={"backends": [backend]},
        )
        server.fail(hook_path(), 500)
        run = ["run", "--config", str(config), "--db", str(database), "--send"]
        assert main(run) == 5  # written, but a channel failed
        output = capsys.readouterr().out
        assert "3 stories" in output and "failed: hook (JSON)" in output
        assert server.copies() == {"briefs": 1}
        [note] = server.posts
        assert "1. Lumora releases Nova 2 32B under Apache 2.0 — https://news.example/0" in (
            note.message
        )
        with Store(database) as store:
            [stored] = store.recent_runs(1)
        assert [(c["channel"], c["status"]) for c in stored["report"]["channels"]] == [
            ("hook", "failed"),
            ("ntfy-briefs", "sent"),
        ]
        assert main(["runs", "--config", str(config), "--db", str(database)]) == 0
        runs = capsys.readouterr().out
        assert "channel hook failed" in runs
        assert TOKEN not in json.dumps(stored["report"]) and TOKEN not in output + runs

        # The next `briefbot send` posts what failed, and only that.
        assert main(["send", "--config", str(config), "--db", str(database)]) == 0
        assert server.copies() == {hook_path(): 1, "briefs": 1}
        capsys.readouterr()

        # Again with --json: stdout is the JSON summary alone, the send's report on stderr.
        assert main([*run, "--json"]) == 0
        printed = capsys.readouterr()
        summary = json.loads(printed.out)
        assert [c["status"] for c in summary["report"]["channels"]] == ["already sent"] * 2
        assert "already posted to 2" in printed.err
        assert server.copies() == {hook_path(): 1, "briefs": 1}


def test_run_send_posts_nothing_on_a_day_with_nothing(tmp_path, server):
    config = write_config(tmp_path, [webhook(server), ntfy(server)])  # its one source is down
    database = tmp_path / "briefbot.db"
    main(["run", "--config", str(config), "--db", str(database), "--send", "--date", "2026-07-03"])
    assert server.requests == 0
    with Store(database) as store:
        assert store.channel_deliveries(DAY) == []


@pytest.mark.parametrize(
    ("url", "markup", "body", "title"),
    [
        (
            "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-1001234567890",
            "markdown",
            4096,
            0,
        ),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", "markdown", 35000, 250),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "text", 2000, 250),
        ("ntfys://tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2@ntfy.example.org/briefs", "text", 4096, 200),
        ("ntfy://127.0.0.1:9/briefs?format=markdown", "markdown", 4096, 200),
        ("json://127.0.0.1:9/in", "text", 32768, 250),
    ],
)
def test_each_service_gets_the_markup_it_takes_within_its_own_limit(url, markup, body, title):
    service = Service.open(url, timeout=5)
    limits = service.limits(None)
    assert (service.markup, limits.body, limits.title) == (markup, body, title)
    assert service.limits(500).body == 500  # max_length wins
    measure = json_escaped_length if service.name == "ntfy" else len
    assert limits.measure is measure


def test_a_channel_that_raises_is_recorded_and_the_next_is_posted(
    tmp_path, database, server, capsys, monkeypatch
):
    from briefbot.deliver import channels

    def compose_or_fail(brief, **options):
        if options["markup"] == "markdown":
            raise RuntimeError(f"template trouble near {TOKEN}")
        return compose(brief, **options)

    monkeypatch.setattr(channels, "compose", compose_or_fail)
    out_dir = tmp_path / "output"
    publish_fixed_brief(out_dir, BASE)
    config = write_config(tmp_path, [webhook(server, "md", format="markdown"), webhook(server)])
    assert send(config, database, out_dir) == 1
    output = capsys.readouterr().out
    assert "failed: md (JSON): RuntimeError: template trouble near *** (tried again" in output
    assert server.copies() == {hook_path(): 1}
