"""Reddit in both modes against a local server speaking Reddit's formats: PRAW (app-only
OAuth, listing JSON) with credentials, the public Atom listing without."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from briefbot.collect import collect_all
from briefbot.config import FetchSettings, parse_settings
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


@pytest.fixture
def reddit():
    with RedditServer(POSTS) as server:
        yield server


def collect(server: RedditServer):
    source = {
        "type": "reddit",
        "name": "r/LocalLLaMA",
        "subreddit": "LocalLLaMA",
        "url": server.base,
        "oauth_url": server.base,
    }
    sources = parse_settings({"title": "t", "sources": [source]}).sources
    [result] = asyncio.run(
        collect_all(sources, FetchSettings(timeout_seconds=5), now=datetime.now(UTC))
    )
    return result


def test_with_credentials_praw_reads_the_api(reddit, monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("REDDIT_USER_AGENT", "briefbot-tests/1.0 (by u/briefbot)")
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
    monkeypatch.delenv("REDDIT_CLIENT_ID", raising=False)
    monkeypatch.delenv("REDDIT_CLIENT_SECRET", raising=False)
    result = collect(reddit)
    assert result.ok and result.mode == "public listing feed (no credentials)"
    link, self_post = result.items
    assert link.url == "https://example.org/news/model-x"
    assert link.discussion_url.endswith("/r/LocalLLaMA/comments/abc123/model_x_released")
    assert self_post.teaser == "I benchmarked three quantizations on a 3090."
    assert [request[1] for request in reddit.requests] == ["/r/LocalLLaMA/top/.rss?t=day"]
