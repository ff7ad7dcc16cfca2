"""The outgoing mail server: settings from config or environment, a connection, and handing over
one message in steps, so the caller can record the moment before the message data is sent."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from briefbot.config import ConfigError, SmtpSettings

ENV_PREFIX = "BRIEFBOT_SMTP_"
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


@dataclass(frozen=True)
class SmtpOptions:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    timeout: float
    ca_file: Path | None = None  # verify the server against these CAs instead of the system's


def smtp_options(settings: SmtpSettings, environ: Mapping[str, str] = os.environ) -> SmtpOptions:
    """`mail.smtp` of the config, each key overridden by BRIEFBOT_SMTP_HOST, _PORT, _SECURITY,
    _USER or _PASSWORD when set (keep the password in the environment, not in the file)."""
    values = settings.model_dump()
    for key in ("host", "port", "security", "user", "password"):
        if (value := environ.get(ENV_PREFIX + key.upper())) is not None:
            values[key] = value
    try:
        checked = SmtpSettings.model_validate(values)
    except ValueError as error:
        raise ConfigError(f"{ENV_PREFIX}*: bad SMTP setting: {error}") from None
    return SmtpOptions(
        host=checked.host,
        port=checked.port or DEFAULT_PORTS[checked.security],
        security=checked.security,
        user=checked.user,
        password=checked.password,
        timeout=checked.timeout_seconds,
        ca_file=checked.ca_file,
    )


def connect(options: SmtpOptions) -> smtplib.SMTP:
    """An open, greeted (and, with a user, logged-in) connection. TLS (`ssl`, or `starttls`,
    RFC 3207) checks the server's certificate and host name against the system's CAs, or
    those of `ca_file`; the login (RFC 4954) happens only after TLS when TLS is configured."""
    context = ssl.create_default_context(cafile=options.ca_file)
    if options.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            options.host, options.port, timeout=options.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(options.host, options.port, timeout=options.timeout)
    try:
        connection.ehlo()
        if options.security == "starttls":
            connection.starttls(context=context)
            connection.ehlo()
        if options.user:
            connection.login(options.user, options.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def hand_over(
    connection: smtplib.SMTP, message: EmailMessage, before_data: Callable[[], None]
) -> None:
    """MAIL, RCPT, then `before_data()`, then DATA. Until DATA the server cannot have the
    message; an error reply at any step raises smtplib's SMTPResponseException.

    An address that is not ASCII (a local part in UTF-8) goes out with SMTPUTF8 (RFC 6531) when
    the server offers it; when it does not, smtplib's SMTPNotSupportedError says so before
    anything is sent. Domains are in ASCII already (IDNA)."""
    sender = parseaddr(message["From"])[1]
    recipient = parseaddr(message["To"])[1]
    international = not (sender + recipient).isascii()
    if international and not connection.has_extn("smtputf8"):
        raise smtplib.SMTPNotSupportedError(
            f"the mail server does not offer SMTPUTF8, needed for {sender!r}"
        )
    options = ["SMTPUTF8"] if international else []
    code, reply = connection.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    before_data()
    policy = message.policy.clone(linesep="\r\n", utf8=international)
    code, reply = connection.data(message.as_bytes(policy=policy))
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def send_one(options: SmtpOptions, message: EmailMessage) -> None:
    """Send a single message on its own connection (the confirmation mail)."""
    with connect(options) as connection:
        hand_over(connection, message, lambda: None)
