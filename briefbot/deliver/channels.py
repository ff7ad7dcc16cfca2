"""Post the day's brief to chat and notification channels through Apprise, once each.

Each (brief, day, channel) delivery is a row in the store, committed before each step: `claimed`
before anything is posted, `sending` right before each post goes out, then `claimed` again
between the posts of a split message (with the count the service has taken, so a retry goes on
after them), `sent` once the last is taken, or `failed` with the service's reason. A re-run
posts `claimed` and `failed` deliveries; a delivery left `sending` by a sender that died while
posting may have reached the service: it is *in doubt*, reported and never posted again unless
asked (`--resend-in-doubt`). One sender runs at a time (the send lock, shared with mail). A
channel that fails is recorded and the others go on.

Apprise reports a failed post as False and a log line, not an exception: the reason shown is
the last warning it logged, with every part of the channel's URL blanked (`channel_urls`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import apprise
from apprise import NotifyFormat, OverflowMode
from jinja2 import Environment

from briefbot.config import ChannelSettings, Settings
from briefbot.deliver.channel_message import (
    ChannelMessage,
    Limits,
    Markup,
    compose,
    json_escaped_length,
)
from briefbot.deliver.channel_urls import ChannelUrlError, Redactor, channel_url, redacted_logs
from briefbot.deliver.send import send_lock
from briefbot.publish import PublishedBrief, read_brief
from briefbot.store import Store

log = logging.getLogger(__name__)

# Where a service's own limit is tighter than Apprise's figure: ntfy turns a message over 4096
# bytes (its default `message-size-limit`) into an attachment. Its client posts JSON, so the
# length is counted as JSON-escaped text, which is never less than the UTF-8 bytes.
_SERVICE_LIMITS: dict[str, tuple[int, Callable[[str], int]]] = {
    "ntfy": (4096, json_escaped_length),
}

SENT, ALREADY_SENT, FAILED, IN_DOUBT = "sent", "already sent", "failed", "in doubt"
NO_BRIEF, NOTHING_TO_POST = "no brief", "nothing to post"


class ChannelError(Exception):
    """A channel that cannot be posted to as configured; the message shows no URL part."""


@dataclass(frozen=True)
class ChannelOutcome:
    """What one send did for one channel: `status` is one of sent, already sent, failed, in
    doubt, no brief (none was written for the day) or nothing to post (a brief without
    stories); `posts` were made by this send; `error` never holds a part of the URL."""

    channel: str
    status: str
    service: str = ""
    posts: int = 0
    error: str = ""


@dataclass
class ChannelReport:
    """What one send did for each channel it was asked to post to."""

    day: str
    outcomes: list[ChannelOutcome] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every channel has the brief, or there was nothing to post."""
        return all(o.status in (SENT, ALREADY_SENT, NOTHING_TO_POST) for o in self.outcomes)

    def summary(self) -> list[dict]:
        """The outcomes as plain data, for the run report."""
        return [asdict(outcome) for outcome in self.outcomes]

    def lines(self) -> list[str]:
        """The report as printed by `briefbot send` and `run --send`."""
        counts = {status: 0 for status in (SENT, ALREADY_SENT, FAILED, IN_DOUBT)}
        for outcome in self.outcomes:
            if outcome.status in counts:
                counts[outcome.status] += 1
        lines = [
            f"Channels, brief of {self.day}: posted to {counts[SENT]}, already posted to "
            f"{counts[ALREADY_SENT]}, failed {counts[FAILED]}, in doubt {counts[IN_DOUBT]}"
        ]
        for outcome in self.outcomes:
            who = f"{outcome.channel} ({outcome.service})" if outcome.service else outcome.channel
            if outcome.status == FAILED:
                lines.append(f"  failed: {who}: {outcome.error} (tried again on the next run)")
            elif outcome.status == IN_DOUBT:
                lines.append(
                    f"  in doubt: {who}: a sender stopped while posting (see --resend-in-doubt)"
                )
            elif outcome.status in (NO_BRIEF, NOTHING_TO_POST):
                lines.append(f"  nothing posted to {who}: {outcome.error}")
        return lines


def post_day(
    settings: Settings,
    store: Store,
    out_dir: Path,
    day: date,
    *,
    names: Sequence[str] | None = None,
    resend_in_doubt: bool = False,
    environment: Environment,
    environ: Mapping[str, str] = os.environ,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ChannelReport:
    """Post the day's briefs to the configured channels (those in `names`, else all), each
    once; a brief is read from its published record in `out_dir` (its own folder for one of
    `briefs:`). Raises SendBusy when another sender holds the send lock."""
    chosen = [c for c in settings.deliver.channels if names is None or c.name in names]
    report = ChannelReport(day.isoformat())
    records: dict[str, PublishedBrief | None] = {}
    with send_lock(store.database), redacted_logs(Redactor()) as redactor:
        if resend_in_doubt:
            _release_in_doubt(store, day, chosen, clock)
        for channel in chosen:
            name = channel.brief or ""
            if name not in records:
                records[name] = read_brief(out_dir / name if name else out_dir, day)
            record = records[name]
            if record is None:
                outcome = ChannelOutcome(channel.name, NO_BRIEF, error=f"no brief of {day}")
            elif not record.stories:
                outcome = ChannelOutcome(channel.name, NOTHING_TO_POST, error="no stories")
            else:
                folder = f"{name}/" if name else ""
                page_url = f"{str(settings.site.base_url).rstrip('/')}/{folder}{day}.html"
                delivery = _Delivery(store, name, day, channel, redactor, clock)
                outcome = delivery.post(
                    record,
                    page_url=page_url,
                    environment=environment,
                    environ=environ,
                    timeout=settings.deliver.timeout_seconds,
                )
            report.outcomes.append(outcome)
    return report


def _release_in_doubt(
    store: Store, day: date, channels: list[ChannelSettings], clock: Callable[[], datetime]
) -> None:
    """Let deliveries left `sending` be posted again (their last post may be repeated)."""
    wanted = {((c.brief or ""), c.name) for c in channels}
    for row in store.channel_deliveries(day):
        if row["status"] == "sending" and (row["brief"], row["channel"]) in wanted:
            store.mark_channel_delivery(
                row["brief"], day, row["channel"], "failed", clock(), error="in doubt"
            )


@dataclass
class _Delivery:
    """One (brief, day, channel) delivery and its record in the store."""

    store: Store
    brief: str
    day: date
    channel: ChannelSettings
    redactor: Redactor
    clock: Callable[[], datetime]

    def post(
        self,
        record: PublishedBrief,
        *,
        page_url: str,
        environment: Environment,
        environ: Mapping[str, str],
        timeout: float,
    ) -> ChannelOutcome:
        """Claim the delivery, then make each post not yet taken; never raises for a channel
        that fails (it is recorded and reported)."""
        name = self.channel.name
        claimed = self.store.claim_channel_delivery(self.brief, self.day, name, self.clock())
        if claimed is None:
            rows = self.store.channel_deliveries(self.day, self.brief)
            status = next(row["status"] for row in rows if row["channel"] == name)
            return ChannelOutcome(name, ALREADY_SENT if status == "sent" else IN_DOUBT)
        service = ""
        try:
            url = channel_url(self.channel, environ)
            self.redactor.add(url.secrets)
            plugin = Service.open(url.url, timeout)
            service = plugin.name
            message = compose(
                record,
                page_url=page_url,
                markup=self.channel.format or plugin.markup,
                limits=plugin.limits(self.channel.max_length),
                environment=environment,
            )
            return self._posts(plugin, message, claimed["posts_sent"])
        except (ChannelUrlError, ChannelError) as error:
            return self._failed(service, str(error), claimed["posts_sent"])
        except Exception as error:  # one channel's fault never stops the others
            log.exception("channel %s failed", name)
            return self._failed(service, f"{type(error).__name__}: {error}", claimed["posts_sent"])

    def _posts(self, service: Service, message: ChannelMessage, taken: int) -> ChannelOutcome:
        made = 0
        for index in range(taken, len(message.posts)):
            self._mark("sending", posts_sent=index)
            taken_now, reason = service.post(message, index)
            if not taken_now:
                return self._failed(service.name, reason, index, made)
            made += 1
            last = index == len(message.posts) - 1
            self._mark(SENT if last else "claimed", posts_sent=index + 1)
        if taken >= len(message.posts):  # every post was taken before (the split changed since)
            self._mark(SENT)
        log.info(
            "channel %s (%s): posted %d of %d",
            self.channel.name,
            service.name,
            made,
            len(message.posts),
        )
        return ChannelOutcome(self.channel.name, SENT, service.name, made)

    def _failed(self, service: str, reason: str, taken: int, made: int = 0) -> ChannelOutcome:
        reason = self.redactor.text(reason)
        self._mark(FAILED, posts_sent=taken, error=reason)
        log.warning("channel %s: %s", self.channel.name, reason)
        return ChannelOutcome(self.channel.name, FAILED, service, made, reason)

    def _mark(self, status: str, *, posts_sent: int | None = None, error: str = "") -> None:
        self.store.mark_channel_delivery(
            self.brief,
            self.day,
            self.channel.name,
            status,
            self.clock(),
            posts_sent=posts_sent,
            error=error,
        )


class Service:
    """One channel's Apprise service: its name, the markup and length it takes, posting."""

    def __init__(self, plugin: apprise.NotifyBase) -> None:
        self._plugin = plugin
        self.name: str = str(plugin.service_name)

    @classmethod
    def open(cls, url: str, timeout: float) -> Service:
        """The service of an Apprise URL; raises ChannelError (naming only its scheme) for a URL
        Apprise cannot use."""
        plugin = apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)
        if plugin is None:
            scheme = url.partition("://")[0]
            raise ChannelError(f"not a URL Apprise can post to ({scheme}://...)")
        plugin.socket_connect_timeout = min(timeout, 10.0)
        plugin.socket_read_timeout = timeout
        return cls(plugin)

    @property
    def markup(self) -> Markup:
        """Markdown where the service takes Markdown or HTML (Apprise turns Markdown into the
        service's own dialect), else plain text."""
        default = self._plugin.resolve_format(None)
        return "markdown" if default in (NotifyFormat.MARKDOWN, NotifyFormat.HTML) else "text"

    def limits(self, max_length: int | None) -> Limits:
        body, measure = _SERVICE_LIMITS.get(self.name, (self._plugin.body_maxlen, len))
        body = min(body, self._plugin.body_maxlen)
        return Limits(max_length or body, max(0, self._plugin.title_maxlen), measure)

    def post(self, message: ChannelMessage, index: int) -> tuple[bool, str]:
        """Post one of the message's posts; (True, "") when the service took it, else (False,
        its reason, unredacted)."""
        markup = NotifyFormat.MARKDOWN if message.markup == "markdown" else NotifyFormat.TEXT
        with _warnings() as heard:
            try:
                taken = self._plugin.notify(
                    body=message.posts[index],
                    title=message.title,
                    body_format=markup,
                    overflow=OverflowMode.UPSTREAM,  # within the limit already: no split
                )
            except Exception as error:  # Apprise raises for a service it cannot use here
                return False, f"{type(error).__name__}: {error}"
        if taken:
            return True, ""
        return False, heard[-1] if heard else "the service did not take the post"


@cache
def _asset() -> apprise.AppriseAsset:
    """Apprise's settings for briefbot: no icons (an icon is a URL on Apprise's GitHub that a
    service would fetch), nothing kept on disk, no plugins but Apprise's own."""
    return apprise.AppriseAsset(
        image_url_mask="", image_url_logo="", image_path_mask=False, storage_mode="memory"
    )


class _Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _warnings() -> Iterator[list[str]]:
    """The warnings Apprise logs while the block runs: its only account of why a post failed."""
    handler = _Heard()
    logger = logging.getLogger("apprise")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
