"""Compose mails: the day's brief (text and HTML from the templates) and the confirmation mail,
each with Message-ID, Date and one-click unsubscribe headers (RFC 8058)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import urlencode

from jinja2 import Environment

from briefbot.publish import PublishedBrief


def link(base_url: str, path: str, token: str) -> str:
    """An absolute link to a page of the web app carrying a token."""
    return f"{base_url.rstrip('/')}/{path}?{urlencode({'token': token})}"


def sender_domain(from_address: str) -> str:
    """The domain of the From address (for Message-IDs), 'localhost' when it has none."""
    return parseaddr(from_address)[1].rpartition("@")[2] or "localhost"


def new_message_id(from_address: str) -> str:
    return make_msgid(domain=sender_domain(from_address))


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
        "unsubscribe_url": unsubscribe_url,
    }
    message = _headed(
        to=to,
        from_address=from_address,
        subject=f"{brief.title} — {brief.day.isoformat()}",
        unsubscribe_url=unsubscribe_url,
        message_id=message_id,
        now=now,
    )
    message["List-Id"] = f"{brief.title} <brief.{sender_domain(from_address)}>"
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
        subject=f"Confirm your subscription to {title}",
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
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
