"""The delivery loop of `briefbot send`: each (brief, subscriber) delivery is claimed in the store
before any mail goes out and recorded when the server has it, so a re-run after a crash neither
mails anyone twice nor skips anyone.

A delivery's states: `claimed` (committed before talking to the server about it), `sending`
(committed just before DATA), then `sent`, or `failed` when the server refused it. A re-run
sends `claimed` and `failed` deliveries again: the server never accepted those. A delivery left
`sending` by a run that died, or whose connection broke during DATA, may have been accepted; it
is *in doubt*, never sent again automatically, and reported (`--resend-in-doubt` sends it)."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

from jinja2 import Environment

from briefbot.config import MailSettings
from briefbot.database import Database, shown
from briefbot.deliver.mail import brief_message, link, new_message_id
from briefbot.deliver.smtp import SmtpOptions, connect, hand_over
from briefbot.deliver.tokens import Tokens
from briefbot.lock import LockHeld, RunLock
from briefbot.publish import PublishedBrief
from briefbot.store import Store


class SendBusy(RuntimeError):
    """Another `briefbot send` holds the database's send lock."""


@dataclass
class SendReport:
    """What one `briefbot send` did for each confirmed subscriber."""

    day: str
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    in_doubt: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.in_doubt and not self.failed


@contextmanager
def send_lock(database: Database) -> Iterator[None]:
    """One sender per database at a time (`<db>.send.lock`, on PostgreSQL an advisory lock); the
    lock goes when a sender dies. So a `claimed` delivery is always a stopped sender's."""
    lock = RunLock(database, command="send", purpose="send")
    try:
        lock.acquire()
    except LockHeld:
        raise SendBusy(f"another briefbot send is running on {shown(database)}") from None
    try:
        yield
    finally:
        lock.release()


class _Pace:
    """At most `per_minute` messages a minute: waits out the gap since the last one."""

    def __init__(self, per_minute: float) -> None:
        self._gap = 60.0 / per_minute
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            time.sleep(max(0.0, self._last + self._gap - time.monotonic()))
        self._last = time.monotonic()


def send_brief(
    store: Store,
    brief: PublishedBrief,
    *,
    mail: MailSettings,
    smtp: SmtpOptions,
    tokens: Tokens,
    base_url: str,
    environment: Environment,
    resend_in_doubt: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SendReport:
    """Mail the brief to every confirmed subscriber who has not had it."""
    report = SendReport(day=brief.day.isoformat())
    pace = _Pace(mail.per_minute)
    connection: smtplib.SMTP | None = None
    with send_lock(store.database):
        if resend_in_doubt:
            for delivery in store.deliveries(brief.day):
                if delivery["status"] == "sending":
                    store.mark_delivery(brief.day, delivery["email"], "failed", clock(), "in doubt")
        done = {row["email"]: row["status"] for row in store.deliveries(brief.day)}
        try:
            for subscriber in store.subscribers("confirmed"):
                email = subscriber["email"]
                if done.get(email) == "sent":
                    report.already_sent.append(email)
                    continue
                claimed = store.claim_delivery(
                    brief.day, email, new_message_id(mail.from_address), clock()
                )
                if claimed is None:
                    report.in_doubt.append(email)
                    continue
                message = brief_message(
                    brief,
                    to=email,
                    from_address=mail.from_address,
                    base_url=base_url,
                    unsubscribe_url=link(base_url, "unsubscribe", tokens.unsubscribe_token(email)),
                    message_id=claimed["message_id"],
                    now=clock(),
                    environment=environment,
                )
                pace.wait()
                connection = connection or connect(smtp)
                outcome = _deliver(store, connection, message, brief, email, clock)
                if outcome == "sent":
                    report.sent.append(email)
                    continue
                _drop(connection)
                connection = None
                if outcome == "sending":
                    report.in_doubt.append(email)
                else:
                    report.failed.append((email, outcome))
        finally:
            _drop(connection)
    return report


def _deliver(
    store: Store,
    connection: smtplib.SMTP,
    message: EmailMessage,
    brief: PublishedBrief,
    email: str,
    clock: Callable[[], datetime],
) -> str:
    """Hand one message over and record the result: 'sent', 'sending' (in doubt) or the error."""
    handed_over = False

    def before_data() -> None:
        nonlocal handed_over
        store.mark_delivery(brief.day, email, "sending", clock())
        handed_over = True

    try:
        hand_over(connection, message, before_data)
    except smtplib.SMTPResponseException as error:  # the server answered: it does not have it
        reason = f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
        store.mark_delivery(brief.day, email, "failed", clock(), reason)
        return reason
    except (smtplib.SMTPException, OSError) as error:
        if handed_over:
            return "sending"
        store.mark_delivery(brief.day, email, "failed", clock(), str(error))
        return str(error) or type(error).__name__
    store.mark_delivery(brief.day, email, "sent", clock())
    return "sent"


def _drop(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
