"""Deliver: addresses, tokens, the brief mail, and `briefbot send` against a real SMTP server on
loopback: killed half-way and run again, every subscriber gets exactly one copy."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import os
import re
import smtplib
import ssl
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
import trustme
import yaml
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from briefbot.config import ConfigError, MailSettings, SmtpSettings, parse_settings
from briefbot.database import Database
from briefbot.deliver.addresses import BadAddress, normalized_address, sender
from briefbot.deliver.mail import MAIL_POLICY, brief_message, link
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
            # The operator checked with the reader (or accepts a duplicate): resend it.
            resend = _briefbot(*command, "--resend-in-doubt")
            output = resend.communicate(timeout=60)[0]
            assert resend.returncode == 0, output
            assert "sent 1, already sent 5, failed 0, in doubt 0" in output
            copies = mailbox.to(emails[3])
            assert len(copies) == 2 and copies[0]["Message-ID"] == copies[1]["Message-ID"]
            assert mailbox.copies() == {email: 2 if email == emails[3] else 1 for email in emails}
            again = _briefbot(*command, "--resend-in-doubt")
            assert "sent 0, already sent 6" in again.communicate(timeout=60)[0]


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


LINE_BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"]


def _hostile_brief(line_break: str) -> PublishedBrief:
    """The fixed brief with a line break (and a header after it) in every text from a feed,
    a model or the config."""
    brief = PublishedBrief.from_brief(fixed_brief())
    story = dataclasses.replace(
        brief.stories[0],
        title=f"First half{line_break}Bcc: victim@example.org",
        summary=f"A summary{line_break}Subject: you won",
        why_it_matters=f"It matters{line_break}{line_break}because",
        sources=[f"Bench{line_break}LM"],
    )
    return dataclasses.replace(
        brief,
        title=f"Open Source{line_break}Bcc: all@example.org",
        stories=[story, *brief.stories[1:]],
        bottom_line=[dataclasses.replace(brief.bottom_line[0], text=f"One{line_break}Two")],
        sources_line=f"Sources: 2 of 3{line_break}answered.",
    )


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=[repr(b) for b in LINE_BREAKS])
def test_no_line_break_in_a_title_starts_a_line_or_a_header_of_its_own(line_break):
    message = brief_message(
        _hostile_brief(line_break),
        to="reader@example.org",
        from_address="Brief <brief@example.org>",
        base_url=BASE,
        unsubscribe_url=link(BASE, "unsubscribe", "TOKEN"),
        message_id="<1@example.org>",
        now=datetime(2026, 7, 4, 7, 0, tzinfo=UTC),
        environment=make_environment(),
    )
    raw = message.as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    names = {line.split(b":", 1)[0] for line in head.split(b"\n") if line[:1] not in b" \t"}
    assert b"Bcc" not in names and not re.search(rb"\n\s*(Bcc|Subject: you)", head)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Open Source Bcc: all@example.org — 2026-07-03"
    assert parsed["Bcc"] is None
    text = parsed.get_body(("plain",)).get_content()
    lines = text.splitlines()  # splits at every kind of line break, U+2028 included
    assert lines[0] == "Open Source Bcc: all@example.org — 2026-07-03"
    assert "1. First half Bcc: victim@example.org" in lines
    assert "   Summary: A summary Subject: you won" in lines
    assert "   Why it matters: It matters because" in lines
    assert "   Bench LM · 2026-07-03" in lines
    assert "- One Two (from story 1)" in lines
    assert not any(line.lstrip().startswith(("Bcc", "Subject", "because", "Two")) for line in lines)


def _received_header(raw: bytes, name: bytes) -> bytes:
    """A header's value as the server received it, its folding undone."""
    match = re.search(rb"(?:^|\r\n)" + name + rb":((?:.|\r\n[ \t])*?)\r\n(?![ \t])", raw)
    assert match, f"no {name!r} header"
    return match[1].replace(b"\r\n", b"")


@pytest.mark.parametrize("extra_path", [0, 60, 300], ids=["short", "long", "very long"])
def test_list_unsubscribe_is_one_url_in_angle_brackets_however_long(database, extra_path):
    """Python's email package writes any word too long for a 78-character line as RFC 2047
    encoded-words; in List-Unsubscribe mail programs do not decode them. The longest address
    (64 octets before the @) and a long site path give a URL of hundreds of characters."""
    base = "https://brief.example.org/" + "a" * extra_path + "/"
    email_address = "x" * 64 + "@" + "mail." * 30 + "example.org"
    with Store(database) as store:
        store.add_subscriber(email_address, datetime.now(UTC))
    brief = PublishedBrief.from_brief(fixed_brief())
    tokens = Tokens(SECRET, 48)
    with Mailbox() as mailbox, Store(database) as store:
        report = send_brief(
            store,
            brief,
            mail=MailSettings(from_address="brief@example.org", per_minute=6000),
            smtp=smtp_options(SmtpSettings(host=mailbox.host, port=mailbox.port, security="none")),
            tokens=tokens,
            base_url=base,
            environment=make_environment(),
        )
        assert report.sent == [email_address]
        raw = mailbox.raw[0]
    url = link(base, "unsubscribe", tokens.unsubscribe_token(email_address))
    assert len(url) > 80 + extra_path
    value = _received_header(raw, b"List-Unsubscribe")
    assert value.strip() == f"<{url}>".encode() and b"=?" not in value
    assert _received_header(raw, b"List-Unsubscribe-Post").strip() == (
        b"List-Unsubscribe=One-Click"
    )
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    for policy in (email.policy.default, email.policy.compat32):
        parsed = email.message_from_bytes(raw, policy=policy)
        assert str(parsed["List-Unsubscribe"]).strip() == f"<{url}>"
    assert tokens.unsubscribing_address(url.rpartition("token=")[2]) == email_address


def test_several_unsubscribe_urls_fold_only_between_them():
    message = EmailMessage(policy=MAIL_POLICY)
    urls = [f"<https://brief.example.org/unsubscribe?token={'t' * 70}{n}>" for n in range(3)]
    message["List-Unsubscribe"] = ", ".join(["<mailto:leave@example.org>", *urls])
    raw = message.as_bytes(policy=MAIL_POLICY.clone(linesep="\r\n"))
    lines = raw.split(b"\r\n")[:4]
    assert lines[0] == b"List-Unsubscribe: <mailto:leave@example.org>,"
    assert [line.strip(b" ,") for line in lines[1:]] == [url.encode() for url in urls]


def test_a_site_address_too_long_for_a_mail_header_is_refused_in_the_config():
    with pytest.raises(ConfigError, match=r"site\.base_url: expected a URL of at most 400"):
        parse_settings(
            {
                "title": "Brief",
                "sources": [{"type": "rss", "name": "A", "url": "https://example.org/f"}],
                "site": {"base_url": "https://brief.example.org/" + "a" * 400},
            }
        )


@pytest.mark.parametrize(
    ("from_address", "envelope", "shown"),
    [
        ("Brief Bücher <brief@bücher.example>", "brief@xn--bcher-kva.example", "Brief Bücher"),
        ("brief@BÜCHER.example", "brief@xn--bcher-kva.example", ""),
        ("Täglich <brief@例え.テスト>", "brief@xn--r8jz45g.xn--zckzah", "Täglich"),
    ],
)
def test_an_international_domain_in_from_address_is_sent_in_ascii(
    tmp_path, from_address, envelope, shown
):
    """`briefbot send` with an IDN sender domain: MAIL FROM, From and Message-ID carry the
    domain as IDNA A-labels (no SMTPUTF8 needed); it used to end in UnicodeEncodeError."""
    _subscribed_store(tmp_path / "briefbot.db", 1)
    with Mailbox() as mailbox:
        config = write_config(tmp_path, mailbox, BASE, from_address=from_address)
        publish_fixed_brief(tmp_path / "output", BASE)
        done = subprocess.run(
            [sys.executable, "-m", "briefbot.cli", "send", "--config", str(config), "--date", DAY],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        [(mail_from, options)] = mailbox.senders
        [message] = mailbox.messages
    assert mail_from == envelope and "SMTPUTF8" not in options
    assert message["From"].addresses[0].addr_spec == envelope
    assert message["From"].addresses[0].display_name == shown
    assert message["Message-ID"].endswith(f"@{envelope.partition('@')[2]}>")
    assert message["List-Id"].endswith(f"<brief.{envelope.partition('@')[2]}>")


@pytest.mark.parametrize("server_has_smtputf8", [True, False])
def test_a_utf8_local_part_goes_with_smtputf8_or_fails_clearly(database, server_has_smtputf8):
    emails = _subscribed_store(database, 1)
    brief = PublishedBrief.from_brief(fixed_brief())
    with Mailbox(enable_SMTPUTF8=server_has_smtputf8) as mailbox, Store(database) as store:
        report = send_brief(
            store,
            brief,
            mail=MailSettings(from_address="Brïef <brïef@bücher.example>", per_minute=6000),
            smtp=smtp_options(SmtpSettings(host=mailbox.host, port=mailbox.port, security="none")),
            tokens=Tokens(SECRET, 48),
            base_url=BASE,
            environment=make_environment(),
        )
        if server_has_smtputf8:
            assert report.sent == emails
            [(mail_from, options)] = mailbox.senders
            assert mail_from == "brïef@xn--bcher-kva.example" and "SMTPUTF8" in options
            header = email.message_from_string(  # an SMTPUTF8 message's headers are UTF-8
                mailbox.raw[0].decode("utf-8"), policy=email.policy.default
            )["From"]
            assert header.addresses[0].username == "brïef"
            assert header.addresses[0].display_name == "Brïef"
        else:
            assert mailbox.messages == [] and report.sent == []
            [(email_address, error)] = report.failed
            assert email_address == emails[0] and "SMTPUTF8" in error


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("x" * 64 + "@example.org", True),
        ("x" * 65 + "@example.org", False),  # RFC 5321 §4.5.3.1.1: at most 64 octets
        ("x@" + "d" * 63 + ".example.org", True),
        ("x@" + "d" * 64 + ".example.org", False),  # a DNS label is at most 63 octets
        ("x" * 10 + "@" + "d." * 120 + "org", True),  # 254 octets
        ("x" * 11 + "@" + "d." * 120 + "org", False),  # a path is at most 256 octets, <> included
    ],
)
def test_rfc_5321_lengths_are_enforced_for_subscribers_and_the_sender(address, ok):
    for check in (normalized_address, sender):
        if ok:
            assert check(address)
        else:
            with pytest.raises(BadAddress):
                check(address)


def test_send_with_a_from_address_that_is_no_address_stops_with_a_config_error(tmp_path):
    with Mailbox() as mailbox:
        config = write_config(tmp_path, mailbox, BASE, from_address="Brief <a@b, c@d>")
        publish_fixed_brief(tmp_path / "output", BASE)
        done = subprocess.run(
            [sys.executable, "-m", "briefbot.cli", "send", "--config", str(config), "--date", DAY],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2 and "mail.from_address: expected one address" in done.stderr


LOGIN = ("brief@example.org", "s3cret-pass")
# aiosmtpd warns when AUTH is offered without STARTTLS; these tests do so on purpose.
_AUTH_WITHOUT_STARTTLS = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> dict[str, object]:
    """A local CA the client is told to trust (its PEM file), a server context with a
    certificate it issued for 127.0.0.1, and one whose certificate a stranger CA issued."""
    trusted, stranger = trustme.CA(), trustme.CA()
    ca_file = tmp_path_factory.mktemp("tls") / "ca.pem"
    trusted.cert_pem.write_to_path(str(ca_file))
    contexts = {}
    for name, ca in (("server", trusted), ("impostor", stranger)):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        contexts[name] = context
    return {"ca_file": ca_file, **contexts}


def _tls_mailbox(security: str, context: ssl.SSLContext, **smtp: object) -> Mailbox:
    if security == "ssl":  # aiosmtpd counts only STARTTLS as TLS for its AUTH rule
        return Mailbox(login=LOGIN, ssl_context=context, auth_require_tls=False, **smtp)
    return Mailbox(login=LOGIN, tls_context=context, require_starttls=True, **smtp)


def _send_over(mailbox: Mailbox, database: Database, security: str, ca_file, password: str):
    options = smtp_options(
        SmtpSettings(
            host=mailbox.host,
            port=mailbox.port,
            security=security,
            user=LOGIN[0],
            password=password,
            ca_file=ca_file,
            timeout_seconds=10,
        )
    )
    with Store(database) as store:
        return send_brief(
            store,
            PublishedBrief.from_brief(fixed_brief()),
            mail=MailSettings(from_address="brief@example.org", per_minute=6000),
            smtp=options,
            tokens=Tokens(SECRET, 48),
            base_url=BASE,
            environment=make_environment(),
        )


@_AUTH_WITHOUT_STARTTLS
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_the_brief_goes_over_verified_tls_with_a_login(tmp_path, tls, security):
    emails = _subscribed_store(tmp_path / "b.db", 2)
    with _tls_mailbox(security, tls["server"]) as mailbox:
        report = _send_over(mailbox, tmp_path / "b.db", security, tls["ca_file"], LOGIN[1])
        assert report.sent == emails and report.complete
        assert mailbox.logins == [(LOGIN[0], True)]  # one connection, logged in over TLS
        assert mailbox.encrypted == [True, True]
        assert mailbox.copies() == {email: 1 for email in emails}


@_AUTH_WITHOUT_STARTTLS
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_server_certificate_from_an_untrusted_ca_is_refused_before_the_login(
    tmp_path, tls, security
):
    _subscribed_store(tmp_path / "b.db", 1)
    with _tls_mailbox(security, tls["impostor"]) as mailbox:
        with pytest.raises(ssl.SSLCertVerificationError):
            _send_over(mailbox, tmp_path / "b.db", security, tls["ca_file"], LOGIN[1])
        assert mailbox.logins == [] and mailbox.messages == []


@_AUTH_WITHOUT_STARTTLS
def test_starttls_is_never_skipped_when_the_server_does_not_offer_it(tmp_path, tls):
    """A server (or a man in the middle) that does not offer STARTTLS gets no login in clear:
    the send stops."""
    _subscribed_store(tmp_path / "b.db", 1)
    with Mailbox(login=LOGIN, auth_require_tls=False) as mailbox:
        with pytest.raises(smtplib.SMTPNotSupportedError, match="STARTTLS"):
            _send_over(mailbox, tmp_path / "b.db", "starttls", tls["ca_file"], LOGIN[1])
        assert mailbox.logins == [] and mailbox.messages == []


def test_send_from_the_command_line_logs_in_with_the_password_from_the_environment(tmp_path, tls):
    _subscribed_store(tmp_path / "briefbot.db", 1)
    with _tls_mailbox("starttls", tls["server"]) as mailbox:
        config = write_config(tmp_path, mailbox, BASE)
        raw = yaml.safe_load(config.read_text())
        raw["mail"]["smtp"] |= {"security": "starttls", "user": LOGIN[0]}
        raw["mail"]["smtp"]["ca_file"] = str(tls["ca_file"])
        config.write_text(yaml.safe_dump(raw))
        publish_fixed_brief(tmp_path / "output", BASE)
        command = [sys.executable, "-m", "briefbot.cli", "send", "--config", str(config)]
        command += ["--date", DAY]
        outcomes = []
        for password in ("wrong", LOGIN[1]):
            environment = os.environ | {"BRIEFBOT_SMTP_PASSWORD": password}
            outcomes.append(
                subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)
            )
        wrong, right = outcomes
        assert wrong.returncode == 1 and "535" in wrong.stderr, wrong.stderr
        assert right.returncode == 0, right.stdout + right.stderr
        assert "sent 1" in right.stdout and len(mailbox.messages) == 1
        assert mailbox.logins == [(LOGIN[0], True)]


def test_subscribers_add_list_and_remove_from_the_command_line(tmp_path):
    with Mailbox() as mailbox:
        config = write_config(tmp_path, mailbox, BASE)

    def briefbot(*arguments: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "briefbot.cli", "subscribers", *arguments]
        return subprocess.run(
            [*command, "--config", str(config)], capture_output=True, text=True, timeout=60
        )

    added = briefbot("add", "One@Example.ORG", "two@example.org", "not an address")
    assert added.returncode == 2, added.stderr
    assert added.stdout.splitlines() == ["subscribed One@example.org", "subscribed two@example.org"]
    assert "'not an address'" in added.stderr
    listed = briefbot("list")
    assert listed.returncode == 0 and "2 subscribers" in listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(row[0], row[1]) for row in rows] == [
        ("One@example.org", "confirmed"),
        ("two@example.org", "confirmed"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[2]) for row in rows)
    removed = briefbot("remove", "one@example.org", "nobody@example.org")
    assert removed.returncode == 1
    assert removed.stdout == "removed one@example.org\n"
    assert "nobody@example.org is not a subscriber" in removed.stderr
    assert briefbot("list").stdout.split("\t")[0] == "two@example.org"
    with Store(tmp_path / "briefbot.db") as store:  # beside the config, as documented
        assert [row["email"] for row in store.subscribers()] == ["two@example.org"]


def test_a_message_the_server_refuses_after_data_is_failed_and_tried_again(database):
    """smtplib returns the reply to the message data instead of raising: a 554 there used to
    be recorded as sent."""
    emails = _subscribed_store(database, 1)
    brief = PublishedBrief.from_brief(fixed_brief())
    with Mailbox() as mailbox, Store(database) as store:
        accept = mailbox.handle_DATA
        refuse = [True]

        async def data(server, session, envelope):
            if refuse[0]:
                return "554 5.7.1 Message refused"
            return await accept(server, session, envelope)

        mailbox.handle_DATA = data
        arguments = {
            "mail": MailSettings(from_address="brief@example.org", per_minute=6000),
            "smtp": smtp_options(
                SmtpSettings(host=mailbox.host, port=mailbox.port, security="none")
            ),
            "tokens": Tokens(SECRET, 48),
            "base_url": BASE,
            "environment": make_environment(),
        }
        first = send_brief(store, brief, **arguments)
        assert first.sent == [] and first.failed[0][0] == emails[0] and "554" in first.failed[0][1]
        assert store.deliveries(brief.day)[0]["status"] == "failed"
        refuse[0] = False
        second = send_brief(store, brief, **arguments)
        assert second.sent == emails and mailbox.copies() == {emails[0]: 1}
