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
    )


def connect(options: SmtpOptions) -> smtplib.SMTP:
    """An open, greeted (and, with a user, logged-in) connection; TLS verified as usual."""
    context = ssl.create_default_context()
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
    message; an error reply at any step raises smtplib's SMTPResponseException."""
    sender = parseaddr(message["From"])[1]
    recipient = parseaddr(message["To"])[1]
    code, reply = connection.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    before_data()
    connection.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))


def send_one(options: SmtpOptions, message: EmailMessage) -> None:
    """Send a single message on its own connection (the confirmation mail)."""
    with connect(options) as connection:
        connection.send_message(message)
