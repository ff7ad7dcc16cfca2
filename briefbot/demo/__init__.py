"""The demo: a bundled day of open-model news served on 127.0.0.1, run through the real pipeline."""

from __future__ import annotations

from urllib.parse import urlsplit

from briefbot.config import Settings, parse_settings

DEMO_TITLE = "Open Source LLM Brief"
DEMO_TOPIC = [
    "model",
    "llm",
    "open",
    "weight",
    "gpu",
    "inference",
    "quantiz",
    "benchmark",
    "dataset",
    "agent",
    "token",
    "licen",
    "lora",
    "ai",
]


DEMO_STORIES = 5


def demo_settings(
    base: str, candidates: int | None = None, top_stories: int = DEMO_STORIES
) -> Settings:
    """A configuration whose sources are the demo site's feeds, listings and leaderboard, for
    a brief of `top_stories` stories, each drafted `candidates` times (1-4; None: the model's
    default)."""
    import yaml

    from briefbot.demo.site import NEWS_FILE

    news = yaml.safe_load(NEWS_FILE.read_text(encoding="utf-8"))
    sources = [
        {"type": "rss", "name": outlet["name"], "url": f"{base}/feeds/{outlet['slug']}.xml"}
        for outlet in news["outlets"]
    ]
    sources += [
        {
            "type": "reddit",
            "name": f"r/{sub['subreddit']}",
            "subreddit": sub["subreddit"],
            "url": base,
        }
        for sub in news["reddit"]
    ]
    sources += [
        {
            "type": "leaderboard",
            "name": "BenchLM",
            "url": f"{base}/data/leaderboard.json",
            "page_url": f"{base}/leaderboard.html",
        },
        {
            "type": "rss",
            "name": "Retired Feed (a source that fails)",
            "url": f"{base}/feeds/retired.xml",
        },
    ]
    return parse_settings(
        {
            "title": DEMO_TITLE,
            "timezone": "UTC",
            "top_stories": top_stories,
            "topic_keywords": DEMO_TOPIC,
            "sources": sources,
            # The demo's article links point at its own server on this machine.
            "fetch": {"allow_private": [urlsplit(base).netloc]},
            **({"model": {"candidates": candidates}} if candidates else {}),
        },
        origin="demo configuration",
    )
