"""A channel's Apprise URL, filled in from the environment, and what of it must never be shown.

Apprise URLs carry the service's credentials in every part: a Telegram bot token is the URL's
host (`tgram://TOKEN/CHAT`), Slack's and Discord's webhook tokens are its path, ntfy's access
token is its user part. So a channel is only ever shown by its name and its service, and every
log record written while channels are posted goes through a `Redactor` that blanks the URL's
parts and the environment values it was made from.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote

from briefbot.config import ChannelSettings

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HIDDEN = "***"
# A piece of a URL shorter than 8 characters (a port, `hook`, `v1`, a topic like `news`) is
# not blanked: it says nothing secret, and blanking it would blank ordinary words everywhere.
# Tokens are far longer. A user, a password or a value from the environment is blanked from
# 3 characters on.
_SHORTEST_PART = 8
_SHORTEST_CREDENTIAL = 3


class ChannelUrlError(Exception):
    """A channel whose URL cannot be made (a variable it names is not set); the message names
    the variable, never a value."""


@dataclass(frozen=True)
class ChannelUrl:
    """A channel's URL as Apprise gets it, and the strings that must not be shown."""

    url: str
    secrets: tuple[str, ...]


def channel_url(channel: ChannelSettings, environ: Mapping[str, str]) -> ChannelUrl:
    """The channel's URL: `url_env`'s value, or `url` with each `${NAME}` replaced by the
    variable's value. Raises ChannelUrlError naming a variable that is not set or empty."""
    used: list[str] = []

    def value(name: str) -> str:
        found = environ.get(name, "")
        if not found:
            raise ChannelUrlError(f"environment variable {name} is empty or not set")
        used.append(found)
        return found

    if channel.url_env is not None:
        url = value(channel.url_env).strip()
    else:
        url = _PLACEHOLDER.sub(lambda match: value(match[1]), channel.url or "")
    secrets = {url, *(v for v in used if len(v) >= _SHORTEST_CREDENTIAL), *_url_parts(url)}
    return ChannelUrl(url, tuple(sorted(secrets, key=len, reverse=True)))


def _url_parts(url: str) -> Iterator[str]:
    """The parts of a URL that may be credentials, as written and percent-decoded: the user and
    password (and their Basic authorization), and every piece between `/ : @ ? & = #` (a
    Telegram bot token sits in the host as `ID:SECRET`)."""
    rest = url.partition("://")[2]
    credentials = rest.partition("/")[0].rpartition("@")[0]
    if credentials:
        yield base64.b64encode(unquote(credentials).encode()).decode()
    for piece in credentials.split(":"):
        if len(piece) >= _SHORTEST_CREDENTIAL:
            yield from (piece, unquote(piece))
    for piece in re.split(r"[/:@?&=#]+", rest):
        if len(piece) >= _SHORTEST_PART:
            yield from (piece, unquote(piece))


class Redactor(logging.Filter):
    """Blanks secrets in text and in log records (their message and traceback).

    As a filter on a handler it sees every record that handler writes, from any logger
    (briefbot's, Apprise's, urllib3's request lines), before it is formatted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        known = set(self._secrets) | {secret for secret in secrets if secret}
        self._secrets = sorted(known, key=len, reverse=True)  # a longer secret first

    def text(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, _HIDDEN)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.text(message), None
        if record.exc_text:
            record.exc_text = self.text(record.exc_text)
            record.exc_info = None  # the text is kept; a handler must not format it afresh
        if record.stack_info:
            record.stack_info = self.text(record.stack_info)
        return True


@contextmanager
def redacted_logs(redactor: Redactor) -> Iterator[Redactor]:
    """While the block runs, every handler of the root logger (and Python's last-resort handler)
    passes records through `redactor`."""
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    handlers = [handler for handler in handlers if handler is not None]
    for handler in handlers:
        handler.addFilter(redactor)
    try:
        yield redactor
    finally:
        for handler in handlers:
            handler.removeFilter(redactor)
