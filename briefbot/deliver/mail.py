"""Compose mails: the day's brief (text and HTML from the templates) and the confirmation mail,
each with Message-ID, Date and one-click unsubscribe headers (RFC 8058)."""

from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from urllib.parse import urlencode

from jinja2 import Environment

from briefbot.deliver.addresses import sender
from briefbot.publish import PublishedBrief
from briefbot.render import one_line

# RFC 5322 §2.1.1: a line is at most 998 characters (78 recommended).
MAX_HEADER_LINE = 998


class UrlListHeader(UnstructuredHeader):
    """List-Unsubscribe and List-Unsubscribe-Post as RFC 2369 and RFC 8058 write them:
    `<https://…>` as it is, never as RFC 2047 encoded-words (which the email package makes of
    any word too long for a 78-character line, and which mail programs do not decode here);
    several URLs are folded only at the white space between them."""

    def fold(self, *, policy: EmailPolicy) -> str:  # type: ignore[override]
        value = str(self)
        if not value.isascii():
            raise ValueError(f"{self.name} must be ASCII, got {value!r}")
        width = policy.max_line_length or MAX_HEADER_LINE
        lines = [f"{self.name}:"]
        for piece in re.split(r"(?<=,)\s+", value):
            if len(lines[-1]) + 1 + len(piece) > width and lines[-1] != f"{self.name}:":
                lines.append("")
            lines[-1] += f" {piece}"
        if any(len(line) > MAX_HEADER_LINE for line in lines):
            raise ValueError(f"{self.name} is longer than a mail header line may be")
        return policy.linesep.join(lines) + policy.linesep


def _mail_policy() -> EmailPolicy:
    """email.policy.default with the unsubscribe headers written as UrlListHeader, and bodies
    in 7-bit transfer encodings (quoted-printable or base64 for non-ASCII text), which every
    server takes without 8BITMIME (RFC 6152)."""
    registry = HeaderRegistry()
    for name in ("list-unsubscribe", "list-unsubscribe-post"):
        registry.map_to_type(name, UrlListHeader)
    return EmailPolicy(header_factory=registry, cte_type="7bit")


MAIL_POLICY = _mail_policy()


def link(base_url: str, path: str, token: str) -> str:
    """An absolute link to a page of the web app carrying a token."""
    return f"{base_url.rstrip('/')}/{path}?{urlencode({'token': token})}"


def new_message_id(from_address: str) -> str:
    """A new Message-ID (RFC 5322 §3.6.4) at the From address's domain, in ASCII."""
    return make_msgid(domain=sender(from_address).domain)


def brief_message(
    brief: PublishedBrief,
    *,
    to: str,
    from_address: str,
    base_url: str,
    unsubscribe_url: str,
    message_id: str,
    now: datetime,
    environment: Environment,
) -> EmailMessage:
    """The brief for one subscriber: plain text first, HTML as the alternative."""
    context = {
        "brief": brief,
        "page_url": f"{base_url.rstrip('/')}/{brief.day.isoformat()}.html",
        "site_url": base_url.rstrip("/"),
        "unsubscribe_url": unsubscribe_url,
    }
    message = _headed(
        to=to,
        from_address=from_address,
        subject=f"{one_line(brief.title)} — {brief.day.isoformat()}",
        unsubscribe_url=unsubscribe_url,
        message_id=message_id,
        now=now,
    )
    message["List-Id"] = f"{one_line(brief.title)} <brief.{sender(from_address).domain}>"
    message.set_content(environment.get_template("email.txt.j2").render(context))
    html = environment.get_template("email.html.j2").render(context)
    message.add_alternative(html, subtype="html")
    return message


def confirmation_message(
    *,
    to: str,
    from_address: str,
    title: str,
    confirm_url: str,
    unsubscribe_url: str,
    confirm_hours: int,
    now: datetime,
    environment: Environment,
) -> EmailMessage:
    """The double opt-in mail: one link to confirm, and a way out for whoever did not ask."""
    message = _headed(
        to=to,
        from_address=from_address,
        subject=f"Confirm your subscription to {one_line(title)}",
        unsubscribe_url=unsubscribe_url,
        message_id=new_message_id(from_address),
        now=now,
    )
    message["Auto-Submitted"] = "auto-generated"
    text = environment.get_template("confirm.txt.j2").render(
        title=title,
        confirm_url=confirm_url,
        unsubscribe_url=unsubscribe_url,
        confirm_hours=confirm_hours,
    )
    message.set_content(text)
    return message


def _headed(
    *,
    to: str,
    from_address: str,
    subject: str,
    unsubscribe_url: str,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    """A message with the headers every mail has. Every value is one line (the subject's
    title went through one_line), so no text can start a header of its own."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender(from_address).header()
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
