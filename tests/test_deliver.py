"""Deliver: addresses, tokens, the brief mail, and `briefbot send` against a real SMTP server on
loopback: killed half-way and run again, every subscriber gets exactly one copy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from briefbot.config import MailSettings, SmtpSettings
from briefbot.database import Database
from briefbot.deliver.addresses import BadAddress, normalized_address
from briefbot.deliver.mail import brief_message, link
from briefbot.deliver.send import SendBusy, send_brief, send_lock
from briefbot.deliver.smtp import smtp_options
from briefbot.deliver.tokens import Tokens
from briefbot.publish import PublishedBrief
from briefbot.render import make_environment
from briefbot.store import Store
from tests.mailbox import SECRET, Mailbox, publish_fixed_brief, write_config
from tests.test_render import fixed_brief

DAY = "2026-07-03"
BASE = "https://brief.example.org/"


def _briefbot(*arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "briefbot.cli", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "victim@example.org\nBcc: everyone@example.org",
        "victim@example.org\r\nSubject: hi",
        "victim@example.org%0ABcc:x@example.org",
        "Someone <victim@example.org>",
        "a@example.org, b@example.org",
        "victim@example.org Bcc: x@example.org",
        "not-an-address",
        "x" * 250 + "@example.org",
    ],
)
def test_an_address_with_a_line_break_a_header_or_a_list_is_refused(text):
    with pytest.raises(BadAddress):
        normalized_address(text)


def test_an_address_is_normalised():
    assert normalized_address("  Reader@Example.ORG ") == "Reader@example.org"


def test_a_forged_or_expired_confirmation_token_is_refused():
    tokens = Tokens(SECRET, confirm_hours=48)
    assert tokens.confirmed_address(tokens.confirm_token("a@example.org")) == "a@example.org"
    forged = Tokens("another-secret-0123456789", 48).confirm_token("a@example.org")
    assert tokens.confirmed_address(forged) is None
    assert tokens.confirmed_address(tokens.confirm_token("a@example.org")[:-2] + "xx") is None

    class TwoDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 49 * 3600

    expired = URLSafeTimedSerializer(SECRET, salt="briefbot-confirm", signer=TwoDaysAgo)
    assert tokens.confirmed_address(expired.dumps("a@example.org")) is None
    # A confirmation token cannot unsubscribe, nor the other way round.
    assert tokens.unsubscribing_address(tokens.confirm_token("a@example.org")) is None
    assert tokens.confirmed_address(tokens.unsubscribe_token("a@example.org")) is None


def test_the_brief_mail_has_text_html_and_one_click_unsubscribe_headers():
    brief = PublishedBrief.from_brief(fixed_brief())
    unsubscribe = link(BASE, "unsubscribe", "TOKEN")
    message = brief_message(
        brief,
        to="reader@example.org",
        from_address="Brief <brief@example.org>",
        base_url=BASE,
        unsubscribe_url=unsubscribe,
        message_id="<1@example.org>",
        now=datetime(2026, 7, 4, 7, 0, tzinfo=UTC),
        environment=make_environment(),
    )
    assert message["List-Unsubscribe"] == "<https://brief.example.org/unsubscribe?token=TOKEN>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == "<1@example.org>"
    assert message["Date"] == "Sat, 04 Jul 2026 07:00:00 +0000"
    assert message["Subject"] == "Open Source LLM Brief — 2026-07-03"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "1. BenchLM: GLM-5.2 is the best open-weight model at #4" in text
    assert (
        f"Unsubscribe: {unsubscribe}" in text
        and "https://brief.example.org/2026-07-03.html" in text
    )
    assert "<h2>Top Stories</h2>" in html and f'href="{unsubscribe}"' in html


def test_smtp_settings_come_from_the_environment_over_the_config():
    options = smtp_options(
        SmtpSettings(host="mail.example.org", user="brief"),
        {"BRIEFBOT_SMTP_PASSWORD": "s3cret", "BRIEFBOT_SMTP_SECURITY": "ssl"},
    )
    assert (options.host, options.port, options.security) == ("mail.example.org", 465, "ssl")
    assert (options.user, options.password) == ("brief", "s3cret")
    assert smtp_options(SmtpSettings(), {}).port == 587


def _subscribed_store(database: Database, count: int) -> list[str]:
    emails = [f"reader{n}@example.org" for n in range(1, count + 1)]
    with Store(database) as store:
        for email in emails:
            store.add_subscriber(email, datetime.now(UTC))
    return emails


def test_send_mails_each_confirmed_subscriber_once_at_the_configured_pace(database):
    emails = _subscribed_store(database, 4)
    brief = PublishedBrief.from_brief(fixed_brief())
    with Mailbox() as mailbox, Store(database) as store:
        store.request_subscription("pending@example.org", datetime.now(UTC))
        options = smtp_options(SmtpSettings(host=mailbox.host, port=mailbox.port, security="none"))
        arguments = {
            "mail": MailSettings(from_address="brief@example.org", per_minute=600),
            "smtp": options,
            "tokens": Tokens(SECRET, 48),
            "base_url": BASE,
            "environment": make_environment(),
        }
        started = time.monotonic()
        first = send_brief(store, brief, **arguments)
        elapsed = time.monotonic() - started
        again = send_brief(store, brief, **arguments)
        assert first.sent == emails and first.complete
        assert elapsed >= 3 * 0.1  # 600 a minute: 0.1 s between messages
        assert again.sent == [] and again.already_sent == emails
        assert mailbox.copies() == {email: 1 for email in emails}  # the pending one got none
        ids = {m["Message-ID"] for m in mailbox.messages}
        assert len(ids) == 4 and all(i.endswith("@example.org>") for i in ids)
        assert [d["status"] for d in store.deliveries(brief.day)] == ["sent"] * 4


def test_a_second_sender_on_the_same_database_is_refused(database):
    with send_lock(database), pytest.raises(SendBusy), send_lock(database):
        pass
    with send_lock(database):  # and it is free again
        pass


def test_two_senders_at_once_mail_each_subscriber_once(database):
    emails = _subscribed_store(database, 3)
    brief = PublishedBrief.from_brief(fixed_brief())
    start = threading.Barrier(2)
    outcomes: list[object] = []
    with Mailbox() as mailbox:
        options = smtp_options(SmtpSettings(host=mailbox.host, port=mailbox.port, security="none"))

        def sender() -> None:
            with Store(database) as store:
                start.wait()
                try:
                    outcomes.append(
                        send_brief(
                            store,
                            brief,
                            mail=MailSettings(from_address="brief@example.org", per_minute=300),
                            smtp=options,
                            tokens=Tokens(SECRET, 48),
                            base_url=BASE,
                            environment=make_environment(),
                        )
                    )
                except SendBusy as error:
                    outcomes.append(error)

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert mailbox.copies() == {email: 1 for email in emails}
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["SendBusy", "SendReport"]
    [report] = [outcome for outcome in outcomes if not isinstance(outcome, SendBusy)]
    assert report.sent == emails


@pytest.mark.parametrize("moment", ["between messages", "during DATA"])
def test_send_killed_half_way_and_run_again_delivers_exactly_one_copy_each(
    tmp_path, database, moment
):
    """The sender is SIGKILLed while mailing the 4th of 6 subscribers: before the 4th
    transaction starts, or after the server has the 4th message but before the sender hears so.
    A second run mails everyone else; nobody gets two copies and nobody is skipped."""
    emails = _subscribed_store(database, 6)
    out_dir = tmp_path / "output"
    with Mailbox() as mailbox:
        config = write_config(tmp_path, mailbox, BASE, per_minute=6000)
        publish_fixed_brief(out_dir, BASE)
        command = ("send", "--config", str(config), "--db", str(database))
        command += ("--out", str(out_dir), "--date", DAY)
        running: list[subprocess.Popen] = []
        if moment == "between messages":
            mailbox.on_mail = lambda number: number == 4 and running[0].kill()
        else:
            mailbox.on_data = lambda message: message["To"] == emails[3] and running[0].kill()
        running.append(_briefbot(*command))
        running[0].wait(timeout=60)
        assert running[0].returncode == -9
        assert len(mailbox.messages) == (3 if moment == "between messages" else 4)

        mailbox.on_mail, mailbox.on_data = (lambda number: None), (lambda message: None)
        rerun = _briefbot(*command)
        output = rerun.communicate(timeout=60)[0]
        assert mailbox.copies() == {email: 1 for email in emails}, output
        with Store(database) as store:
            statuses = {d["email"]: d["status"] for d in store.deliveries(fixed_brief().day)}
        if moment == "between messages":
            assert rerun.returncode == 0, output
            assert "sent 3, already sent 3, failed 0, in doubt 0" in output
            assert set(statuses.values()) == {"sent"}
        else:
            # The 4th was handed over but never recorded as sent: it is in doubt, not resent.
            assert rerun.returncode == 1, output
            assert "sent 2, already sent 3, failed 0, in doubt 1" in output
            assert f"in doubt: {emails[3]}" in output
            assert statuses[emails[3]] == "sending"


def test_a_refused_recipient_is_recorded_and_tried_again_on_the_next_run(database):
    emails = _subscribed_store(database, 2)
    brief = PublishedBrief.from_brief(fixed_brief())
    with Mailbox() as mailbox, Store(database) as store:
        refuse = {emails[0]}

        async def rcpt(server, session, envelope, address, options):
            if address in refuse:
                return "450 Mailbox busy, try later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        mailbox.handle_RCPT = rcpt
        arguments = {
            "mail": MailSettings(from_address="brief@example.org", per_minute=6000),
            "smtp": smtp_options(
                SmtpSettings(host=mailbox.host, port=mailbox.port, security="none")
            ),
            "tokens": Tokens(SECRET, 48),
            "base_url": BASE,
            "environment": make_environment(),
            "clock": lambda: datetime.now(UTC) + timedelta(seconds=1),
        }
        first = send_brief(store, brief, **arguments)
        assert first.sent == [emails[1]] and first.failed[0][0] == emails[0]
        assert "450" in first.failed[0][1]
        claimed_id = store.deliveries(brief.day)[0]["message_id"]
        refuse.clear()
        second = send_brief(store, brief, **arguments)
        assert second.sent == [emails[0]] and second.complete
        assert mailbox.copies() == {emails[0]: 1, emails[1]: 1}
        assert mailbox.to(emails[0])[0]["Message-ID"] == claimed_id  # the retry kept its id


def test_send_without_a_brief_of_that_day_says_so(tmp_path):
    with Mailbox() as mailbox:
        config = write_config(tmp_path, mailbox, BASE)
        done = subprocess.run(
            [sys.executable, "-m", "briefbot.cli", "send", "--config", str(config), "--date", DAY],
            capture_output=True,
            text=True,
            env=os.environ,
        )
    assert done.returncode == 1 and "no brief of 2026-07-03" in done.stderr
