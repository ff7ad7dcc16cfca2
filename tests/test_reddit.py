"""Reddit in both modes against a local server speaking Reddit's formats: PRAW (app-only
OAuth, listing JSON) with credentials, the public Atom listing without. Each test runs in the
mode it names, or in both."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from briefbot.cli import sources_table
from briefbot.collect import collect_all
from briefbot.config import FetchSettings, parse_settings
from briefbot.store import Store
from tests.reddit_server import CLIENT_ID, CLIENT_SECRET, RedditServer, post

POSTS = [
    post(
        "abc123",
        "Model X released",
        url="https://example.org/news/model-x?utm_source=reddit",
        score=812,
        num_comments=143,
        link_flair_text="New Model",
    ),
    post(
        "def456",
        "Quant benchmark on a 3090",
        is_self=True,
        selftext="I benchmarked three quantizations on a 3090.",
        score=97,
        num_comments=31,
    ),
]
# Case 18: a crosspost of a self post, whose `url` is a path on Reddit
CROSSPOST = post(
    "xp1234",
    "Crossposted: new benchmark results for 3B models",
    url="/r/MachineLearning/comments/orig99/new_benchmark_results_for_3b_models/",
    crosspost_parent="t3_orig99",
    domain="self.MachineLearning",
)


@pytest.fixture
def reddit():
    with RedditServer(POSTS) as server:
        yield server


def use_mode(monkeypatch: pytest.MonkeyPatch, mode: str) -> str:
    """Credentials in the environment ("praw"), or none ("feed": the public listing feed)."""
    if mode == "praw":
        monkeypatch.setenv("REDDIT_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("REDDIT_CLIENT_SECRET", CLIENT_SECRET)
        monkeypatch.setenv("REDDIT_USER_AGENT", "briefbot-tests/1.0 (by u/briefbot)")
    else:
        monkeypatch.delenv("REDDIT_CLIENT_ID", raising=False)
        monkeypatch.delenv("REDDIT_CLIENT_SECRET", raising=False)
    return mode


@pytest.fixture(params=["praw", "feed"])
def mode(request, monkeypatch) -> str:
    """Each test that takes it runs in both modes."""
    return use_mode(monkeypatch, request.param)


def source(server: RedditServer, **keys) -> dict:
    return {
        "type": "reddit",
        "name": "r/LocalLLaMA",
        "subreddit": "LocalLLaMA",
        "url": server.base,
        "oauth_url": server.base,
    } | keys


def collect(server: RedditServer, **keys):
    sources = parse_settings({"title": "t", "sources": [source(server, **keys)]}).sources
    [result] = asyncio.run(
        collect_all(sources, FetchSettings(timeout_seconds=5), now=datetime.now(UTC))
    )
    return result


def test_with_credentials_praw_reads_the_api(reddit, monkeypatch):
    use_mode(monkeypatch, "praw")
    result = collect(reddit)
    assert result.ok, result.error
    assert result.mode.startswith("Reddit API via PRAW")
    link, self_post = result.items
    assert link.url == "https://example.org/news/model-x"
    assert link.discussion_url == reddit.base + "/r/LocalLLaMA/comments/abc123/model_x_released"
    assert (link.score, link.comments, link.metadata["flair"]) == (812, 143, "New Model")
    assert self_post.url == self_post.discussion_url
    assert self_post.teaser == "I benchmarked three quantizations on a 3090."
    token_call, listing_call = reddit.requests[0], reddit.requests[-1]
    assert token_call[:2] == ("POST", "/api/v1/access_token")
    assert listing_call[1].startswith("/r/LocalLLaMA/top?") and "t=day" in listing_call[1]
    assert "briefbot-tests/1.0" in listing_call[2]["User-Agent"]


def test_refused_credentials_are_a_failed_source(reddit, monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "wrong")
    result = collect(reddit)
    assert not result.ok and "Reddit API" in result.error


def test_without_credentials_the_public_listing_feed_is_used(reddit, monkeypatch):
    use_mode(monkeypatch, "feed")
    result = collect(reddit)
    assert result.ok and result.mode == "public listing feed (no credentials)"
    link, self_post = result.items
    assert link.url == "https://example.org/news/model-x"
    assert link.discussion_url.endswith("/r/LocalLLaMA/comments/abc123/model_x_released")
    assert self_post.teaser == "I benchmarked three quantizations on a 3090."
    assert [request[1] for request in reddit.requests] == ["/r/LocalLLaMA/top/.rss?t=day"]


def test_listing_hot_reads_the_hot_posts(reddit, mode):
    result = collect(reddit, listing="hot")
    assert result.ok, result.error
    assert [item.title for item in result.items] == [
        "Model X released",
        "Quant benchmark on a 3090",
    ]
    listings = [path for method, path, _ in reddit.requests if method == "GET"]
    if mode == "praw":
        assert len(listings) == 1 and listings[0].startswith("/r/LocalLLaMA/hot?")
        assert "t=day" not in listings[0]
    else:
        assert listings == ["/r/LocalLLaMA/hot/.rss"]


def test_a_crosspost_with_a_site_relative_url_links_to_reddit(mode):
    with RedditServer([CROSSPOST, *POSTS]) as server:
        result = collect(server)
    assert result.ok, result.error
    crosspost = result.items[0]
    assert crosspost.url == (
        server.base + "/r/MachineLearning/comments/orig99/new_benchmark_results_for_3b_models"
    )
    assert crosspost.discussion_url.startswith(server.base + "/r/LocalLLaMA/comments/xp1234/")


def test_one_bad_post_is_skipped_and_counted_and_the_rest_kept(mode):
    bad = [
        post("bad001", "A port out of range", url="http://127.0.0.1:99999/x"),
        post("bad002", "A file link", url="ftp://files.example/weights.bin"),
    ]
    with RedditServer([bad[0], POSTS[0], bad[1], POSTS[1]]) as server:
        result = collect(server)
    assert result.ok, result.error
    assert [item.title for item in result.items] == [
        "Model X released",
        "Quant benchmark on a 3090",
    ]
    assert len(result.skipped) == 2
    assert "Port out of range" in result.skipped[0] and "not an http(s) link" in result.skipped[1]
    assert result.skipped[0].startswith("entry 1: ") and result.skipped[1].startswith("entry 3: ")


def test_titles_are_bounded_and_cleaned_in_both_modes(mode):
    # XML cannot carry NUL or ESC; the feed carries DEL, which it allows (and C1 controls,
    # which feedparser reads as windows-1252)
    dirty = "Huge\x7f title\x7f\nover lines " + "word " * 30_000
    if mode == "praw":
        dirty = "Huge\x00 title\x1b\nover lines " + "word " * 30_000
    huge = post(
        "big001",
        dirty,
        is_self=True,
        selftext="x\x00y " * 10,
        permalink="/r/LocalLLaMA/comments/big001/huge_title/",
    )
    with RedditServer([huge]) as server:
        [item] = collect(server).items
    assert item.title.startswith("Huge title over lines word word")
    assert len(item.title) <= 300 and item.title.endswith("…")
    assert not any(char in item.title + item.teaser for char in "\x00\x1b\x7f\n")


def test_a_403_from_the_listing_feed_names_api_credentials(monkeypatch, tmp_path):
    use_mode(monkeypatch, "feed")
    with RedditServer(POSTS, feed_status=403) as server:
        result = collect(server)
        settings = parse_settings({"title": "t", "sources": [source(server)]})
    assert not result.ok
    assert result.error.startswith("HTTP 403")
    assert "REDDIT_CLIENT_ID" in result.error and "REDDIT_CLIENT_SECRET" in result.error
    with Store(tmp_path / "b.db") as store:
        store.save_source_health([result])
    assert "API credentials (REDDIT_CLIENT_ID" in sources_table(settings, tmp_path / "b.db")
