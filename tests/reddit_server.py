"""A local server speaking Reddit's wire formats: the OAuth token endpoint and listing JSON
(what PRAW talks to), and the public Atom listing feed (the no-credentials fallback)."""

from __future__ import annotations

import base64
import json
from html import escape
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.loopback import LoopbackServer, reply

CLIENT_ID, CLIENT_SECRET, TOKEN = "test-client", "test-secret", "token-123"


def post(post_id: str, title: str, **fields) -> dict:
    """One submission as Reddit's listing JSON has it (the fields briefbot reads, and more)."""
    permalink = f"/r/LocalLLaMA/comments/{post_id}/{title.lower().replace(' ', '_')[:40]}/"
    data = {
        "id": post_id,
        "name": f"t3_{post_id}",
        "title": title,
        "author": "poster",
        "subreddit": "LocalLLaMA",
        "subreddit_name_prefixed": "r/LocalLLaMA",
        "score": 10,
        "ups": 10,
        "num_comments": 2,
        "link_flair_text": None,
        "is_self": False,
        "selftext": "",
        "url": "https://example.org/article",
        "permalink": permalink,
        "created_utc": 1783072800.0,
        "over_18": False,
        "stickied": False,
    }
    return {"kind": "t3", "data": data | fields}


class RedditServer(LoopbackServer):
    """`feed_status` is what the public listing feeds answer (Reddit gives 403 to agents it
    does not like)."""

    def __init__(self, posts: list[dict], feed_status: int = 200) -> None:
        self.posts = posts
        self.feed_status = feed_status
        self.requests: list[tuple[str, str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                outer.requests.append(("POST", self.path, dict(self.headers)))
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.path != "/api/v1/access_token":
                    return self._json(404, {"error": 404})
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._json(401, {"message": "Unauthorized", "error": 401})
                if form.get("grant_type") != ["client_credentials"]:
                    return self._json(400, {"error": "unsupported_grant_type"})
                self._json(
                    200,
                    {
                        "access_token": TOKEN,
                        "token_type": "bearer",
                        "expires_in": 86400,
                        "scope": "*",
                    },
                )

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                outer.requests.append(("GET", self.path, dict(self.headers)))
                if path == "/r/LocalLLaMA/top" or path == "/r/LocalLLaMA/hot":
                    if self.headers.get("Authorization") != f"bearer {TOKEN}":
                        return self._json(401, {"message": "Unauthorized", "error": 401})
                    listing = {
                        "kind": "Listing",
                        "data": {
                            "after": None,
                            "before": None,
                            "dist": len(outer.posts),
                            "children": outer.posts,
                        },
                    }
                    return self._json(200, listing)
                if path in ("/r/LocalLLaMA/top/.rss", "/r/LocalLLaMA/hot/.rss"):
                    if outer.feed_status != 200:
                        return reply(self, outer.feed_status, "text/html", b"<h1>blocked</h1>")
                    return reply(self, 200, "application/atom+xml; charset=UTF-8", outer.atom())
                self._json(404, {"message": "Not Found", "error": 404})

            def _json(self, status: int, payload: dict) -> None:
                reply(self, status, "application/json; charset=UTF-8", json.dumps(payload).encode())

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    def atom(self) -> bytes:
        """The same posts as Reddit's public Atom listing feed (a post's `url` as it is: a
        crosspost's is site-relative)."""
        entries = []
        for child in self.posts:
            data = child["data"]
            thread = self.base + data["permalink"]
            target = thread if data["is_self"] else data["url"]
            body = (
                f'<div class="md"><p>{escape(data["selftext"])}</p></div>'
                if data["is_self"]
                else ""
            )
            author = data["author"]
            content = (
                (f"<!-- SC_OFF -->{body}<!-- SC_ON -->" if body else "")
                + f' &#32; submitted by &#32; <a href="{self.base}/user/{author}"> /u/{author} </a>'
                + f' <br/> <span><a href="{target}">[link]</a></span> &#32; '
                + f'<span><a href="{thread}">[comments]</a></span>'
            )
            entries.append(
                f"<entry><author><name>/u/{data['author']}</name></author>"
                f'<content type="html">{escape(content)}</content><id>t3_{data["id"]}</id>'
                f'<link href="{thread}" /><updated>2026-07-03T10:00:00+00:00</updated>'
                f"<title>{escape(data['title'])}</title></entry>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>top scoring links : LocalLLaMA</title>" + "".join(entries) + "</feed>"
        ).encode()
