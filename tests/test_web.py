"""`briefbot serve` over HTTP, with a real SMTP server on loopback: subscribe through the form,
confirm through the mailed link, receive the brief from `briefbot send`, unsubscribe with one
POST to the header's URL; and what the form refuses."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import httpx
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from briefbot.config import load_settings
from briefbot.deliver.tokens import Tokens
from briefbot.store import Store
from briefbot.web import make_app
from tests.mailbox import (
    SECRET,
    Mailbox,
    WebServer,
    free_port,
    publish_fixed_brief,
    write_config,
)

READER = "Reader@Example.org"
NORMALISED = "Reader@example.org"


@contextmanager
def serving(tmp_path: Path, **site: object) -> Iterator[tuple[Mailbox, httpx.Client, Path]]:
    """The mailbox, an HTTP client of the running web app, and the config file."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with Mailbox() as mailbox:
        config = write_config(tmp_path, mailbox, base, site=site)
        publish_fixed_brief(tmp_path / "output", base)
        app = make_app(load_settings(config), tmp_path / "briefbot.db", tmp_path / "output", {})
        with WebServer(app, port) as web, httpx.Client(base_url=web.base) as http:
            yield mailbox, http, config


def _link(message, path: str) -> str:
    match = re.search(rf"http://\S+/{path}\?token=\S+", message.get_body(("plain",)).get_content())
    assert match, f"no {path} link in the mail"
    return match[0]


def _status(tmp_path: Path, email: str) -> str | None:
    with Store(tmp_path / "briefbot.db") as store:
        known = store.subscriber(email)
    return known and known["status"]


def test_subscribe_confirm_receive_and_unsubscribe_with_one_post(tmp_path):
    with serving(tmp_path) as (mailbox, http, config):
        archive = http.get("/")
        assert archive.status_code == 200 and 'href="2026-07-03.html"' in archive.text
        feed = feedparser.parse(http.get("/feed.xml").content)
        assert not feed.bozo and len(feed.entries) == 1
        assert "<form" in http.get("/subscribe").text

        answer = http.post("/subscribe", data={"email": READER})
        assert answer.status_code == 200 and "Check your inbox" in answer.text
        mailbox.wait_for(1)
        confirmation = mailbox.messages[0]
        assert confirmation["To"] == NORMALISED
        assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert confirmation["List-Unsubscribe"].startswith(f"<{http.base_url}/unsubscribe?token=")
        assert _status(tmp_path, NORMALISED) == "pending"

        confirmed = http.get(_link(confirmation, "confirm"))
        assert confirmed.status_code == 200 and "You are subscribed" in confirmed.text
        assert _status(tmp_path, NORMALISED) == "confirmed"

        send = [sys.executable, "-m", "briefbot.cli", "send", "--config", str(config)]
        send += ["--db", str(tmp_path / "briefbot.db"), "--date", "2026-07-03"]
        done = subprocess.run(send, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        mailbox.wait_for(2)
        brief = mailbox.messages[1]
        assert brief["To"] == NORMALISED and brief["Subject"].endswith("2026-07-03")
        assert "Top Stories" in brief.get_body(("html",)).get_content()
        unsubscribe_url = brief["List-Unsubscribe"].strip("<>")
        assert _link(brief, "unsubscribe") == unsubscribe_url  # the body has the link too

        preview = http.get(unsubscribe_url)  # a GET (a link preview) shows a button only
        assert preview.status_code == 200 and "<button" in preview.text
        assert _status(tmp_path, NORMALISED) == "confirmed"
        one_click = http.post(
            unsubscribe_url,
            content="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert one_click.status_code == 200 and "You are unsubscribed" in one_click.text
        assert _status(tmp_path, NORMALISED) == "unsubscribed"

        again = subprocess.run([*send], capture_output=True, text=True, timeout=60)
        assert "sent 0, already sent 0" in again.stdout
        assert len(mailbox.messages) == 2


def test_a_forged_or_expired_token_is_refused(tmp_path):
    with serving(tmp_path, confirm_hours=1) as (mailbox, http, _):
        http.post("/subscribe", data={"email": READER})
        mailbox.wait_for(1)
        real = _link(mailbox.messages[0], "confirm")
        forged_token = Tokens("someone-elses-secret-0123", 1).confirm_token(NORMALISED)
        for url in (
            real[:-3] + "abc",
            re.sub(r"token=\S+", f"token={forged_token}", real),
            "/confirm",
            "/unsubscribe?token=" + forged_token,
        ):
            refused = http.get(url)
            assert refused.status_code == 400 and "does not work" in refused.text, url
        assert http.post("/unsubscribe?token=nonsense").status_code == 400
        assert _status(tmp_path, NORMALISED) == "pending"


def test_a_confirmation_link_past_its_hours_is_refused(tmp_path):
    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 2 * 3600

    with serving(tmp_path, confirm_hours=1) as (_, http, _):
        http.post("/subscribe", data={"email": READER})
        old = URLSafeTimedSerializer(SECRET, salt="briefbot-confirm", signer=TwoHoursAgo)
        refused = http.get("/confirm", params={"token": old.dumps(NORMALISED)})
        assert refused.status_code == 400
        assert _status(tmp_path, NORMALISED) == "pending"


def test_a_form_flood_from_one_client_is_rate_limited(tmp_path):
    with serving(tmp_path, subscribe_per_hour=3) as (mailbox, http, _):
        answers = [http.post("/subscribe", data={"email": READER}) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        flooded = http.post("/subscribe", data={"email": "other@example.org"})
        assert flooded.status_code == 429 and flooded.headers["Retry-After"] == "3600"
        mailbox.wait_for(1)
        assert len(mailbox.messages) == 1  # one confirmation mail per address, however often
        assert _status(tmp_path, "other@example.org") is None


def test_an_address_with_a_newline_or_a_header_is_rejected(tmp_path):
    with serving(tmp_path) as (mailbox, http, _):
        for hostile in (
            "victim@example.org\nBcc: everyone@example.org",
            "victim@example.org\r\nSubject: free money",
            "Victim <victim@example.org>",
            "victim@example.org, other@example.org",
        ):
            refused = http.post("/subscribe", data={"email": hostile})
            assert refused.status_code == 400, hostile
            assert "Bcc" not in refused.headers and "free money" not in refused.text
        assert mailbox.messages == []
        with Store(tmp_path / "briefbot.db") as store:
            assert store.subscribers() == []
