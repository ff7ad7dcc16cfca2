"""The demo days as a small web site: feeds, article pages, Reddit listings and a leaderboard.

The news lives in news.yaml with times relative to now ("hours_ago"), so the demo is always
today's news; this module turns it into the files a real site would serve. The site can also
be shown as it stood some days before: only the entries published by then, and the leaderboard
without the models listed since (a row's "listed_hours_ago").
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

DEMO_DIR = Path(__file__).parent
NEWS_FILE = DEMO_DIR / "news.yaml"
DEMO_DAYS = 2  # news.yaml's entries go back 30 hours: two days of briefs


@dataclass(frozen=True)
class Page:
    content_type: str
    body: bytes

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


def _paragraphs_html(text: str) -> str:
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text.strip())]
    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:50]


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(DEMO_DIR / "templates"),
        autoescape=select_autoescape(enabled_extensions=("xml.j2", "html.j2")),
    )
    environment.filters["rfc822"] = lambda moment: format_datetime(moment)
    environment.filters["iso"] = lambda moment: moment.isoformat(timespec="seconds")
    return environment


def site_hour(now: datetime | None = None) -> datetime:
    """The start of the hour the demo's times count back from: runs within an hour see the
    same bytes (and get 304 Not Modified for the feeds they fetched before)."""
    return (now or datetime.now(UTC)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def build_site(base: str, now: datetime | None = None, days_before: int = 0) -> dict[str, Page]:
    """Every path of the demo site with its content, dated relative to `site_hour(now)`, as it
    stood `days_before` days before then: entries published later are not there yet."""
    now = site_hour(now)
    shown = now - timedelta(days=days_before)
    cutoff = 24.0 * days_before  # hours_ago of the newest entry already published
    news = yaml.safe_load(NEWS_FILE.read_text(encoding="utf-8"))
    environment = _environment()
    pages: dict[str, Page] = {}
    articles: dict[str, str] = {}

    def at(hours_ago: float) -> datetime:
        return now - timedelta(hours=float(hours_ago))

    def published(raw: dict) -> bool:
        return float(raw["hours_ago"]) >= cutoff

    for outlet in news["outlets"]:
        items = []
        for raw in filter(published, outlet["items"]):
            path = f"/articles/{outlet['slug']}/{raw['slug']}.html"
            item = raw | {
                "url": base + path,
                "published": at(raw["hours_ago"]),
                "body_html": _paragraphs_html(raw["body"]),
            }
            articles[f"{outlet['slug']}/{raw['slug']}"] = item["url"]
            pages[path] = Page(
                "text/html; charset=utf-8",
                environment.get_template("article.html.j2")
                .render(item=item, outlet=outlet, base=base)
                .encode(),
            )
            items.append(item)
        items.sort(key=lambda item: item["published"], reverse=True)
        template, content_type = (
            ("rss.xml.j2", "application/rss+xml; charset=utf-8")
            if outlet["format"] == "rss"
            else ("atom.xml.j2", "application/atom+xml; charset=utf-8")
        )
        pages[f"/feeds/{outlet['slug']}.xml"] = Page(
            content_type,
            environment.get_template(template)
            .render(outlet=outlet, items=items, base=base, built=shown)
            .encode(),
        )

    for subreddit in news["reddit"]:
        sub = subreddit["subreddit"]
        posts = [
            _reddit_post(raw, sub, base, at(raw["hours_ago"]), articles)
            for raw in filter(published, subreddit["posts"])
        ]
        posts.sort(key=lambda post: post["score"], reverse=True)
        for post in posts:
            pages[post["permalink"].removeprefix(base)] = Page(
                "text/html; charset=utf-8",
                environment.get_template("thread.html.j2").render(post=post, sub=sub).encode(),
            )
        pages[f"/r/{sub}/top/.rss"] = Page(
            "application/atom+xml; charset=UTF-8",
            environment.get_template("reddit.xml.j2")
            .render(posts=posts, sub=sub, base=base, built=shown)
            .encode(),
        )
        pages[f"/r/{sub}/top/.json"] = Page(
            "application/json; charset=UTF-8", json.dumps(_reddit_listing(posts, sub)).encode()
        )

    rows = [row for row in news["leaderboard"] if row.get("listed_hours_ago", cutoff) >= cutoff]
    ranked = [row | {"rank": rank} for rank, row in enumerate(rows, start=1)]
    leaderboard = _benchlm_export(ranked, base, shown - timedelta(hours=2))
    pages["/data/leaderboard.json"] = Page(
        "application/json; charset=utf-8", json.dumps(leaderboard, indent=1).encode()
    )
    pages["/leaderboard.html"] = Page("text/html; charset=utf-8", _leaderboard_html(leaderboard))
    return pages


def _reddit_post(raw: dict, sub: str, base: str, published: datetime, articles: dict) -> dict:
    permalink = f"{base}/r/{sub}/comments/{raw['id']}/{_slug(raw['title'])}/"
    self_text = raw.get("self_text", "")
    url = articles.get(raw.get("link", ""), raw.get("link")) or permalink
    self_html = _paragraphs_html(self_text) if self_text else ""
    submitted = (
        f' &#32; submitted by &#32; <a href="{base}/user/{raw["author"]}"> /u/{raw["author"]} </a>'
        f' <br/> <span><a href="{url}">[link]</a></span> &#32; '
        f'<span><a href="{permalink}">[comments]</a></span>'
    )
    content = (
        f'<!-- SC_OFF --><div class="md">{self_html}</div><!-- SC_ON -->' if self_html else ""
    ) + submitted
    return raw | {
        "permalink": permalink,
        "url": url,
        "published": published,
        "self_text": self_text,
        "self_html": self_html,
        "content_html": content,
        "flair": raw.get("flair", ""),
    }


def _reddit_listing(posts: list[dict], sub: str) -> dict:
    """The same posts in Reddit's JSON listing format."""
    children = [
        {
            "kind": "t3",
            "data": {
                "id": post["id"],
                "name": f"t3_{post['id']}",
                "subreddit": sub,
                "title": post["title"],
                "author": post["author"],
                "score": post["score"],
                "ups": post["score"],
                "num_comments": post["comments"],
                "link_flair_text": post["flair"] or None,
                "is_self": not post.get("link"),
                "selftext": post["self_text"],
                "url": post["url"],
                "permalink": "/" + post["permalink"].split("/", 3)[3],
                "created_utc": post["published"].timestamp(),
            },
        }
        for post in posts
    ]
    return {"kind": "Listing", "data": {"after": None, "before": None, "children": children}}


def _benchlm_export(rows: list[dict], base: str, generated: datetime) -> dict:
    """The demo ranking in BenchLM's export schema (schemaVersion 1.0)."""
    items = []
    for row in rows:
        row = {key: value for key, value in row.items() if key != "listed_hours_ago"}
        slug = _slug(row["model"]).replace("_", "-")
        score = float(row["displayScore"])
        items.append(
            row
            | {
                "slug": slug,
                "canonicalModelKey": slug,
                "overallRank": row["rank"],
                "displayScore": score,
                "scoreInterval90": {"lower": round(score - 3.1, 2), "upper": round(score + 3.1, 2)},
                "rankingEligible": True,
                "url": f"{base}/leaderboard.html#{slug}",
            }
        )
    return {
        "schemaVersion": "1.0",
        "name": "BenchLM leaderboards (briefbot demo)",
        "canonicalUrl": f"{base}/data/leaderboard.json",
        "generatedAt": generated.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "counts": {"overall": len(items)},
        "items": items,
    }


def _leaderboard_html(export: dict) -> bytes:
    rows = "\n".join(
        f'<tr id="{escape(row["slug"])}"><td>{row["rank"]}</td><td>{escape(row["model"])}</td>'
        f"<td>{escape(row['creator'])}</td><td>{escape(row['sourceType'])}</td>"
        f"<td>{row['displayScore']:g}</td></tr>"
        for row in export["items"]
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Leaderboard</title>"
        "</head><body><h1>Overall leaderboard</h1><table><tr><th>Rank</th><th>Model</th>"
        f"<th>Creator</th><th>Type</th><th>Score</th></tr>\n{rows}\n</table></body></html>"
    ).encode()
