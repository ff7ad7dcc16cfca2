"""sources.yaml -> validated settings; a bad file stops with one line naming the key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

MAX_CANDIDATES = 4  # drafts per story the embedded model decodes together at most


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is one line for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Headers briefbot sets itself on every request: a source may not override them.
_OWN_HEADERS = frozenset(
    (
        "host",
        "connection",
        "content-length",
        "transfer-encoding",
        "te",
        "upgrade",
        "accept-encoding",  # briefbot undoes the content codings it asks for, and no other
        "if-none-match",
        "if-modified-since",
    )
)
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token


class _FetchedSource(_Strict):
    """What every source fetched over HTTP may set for its own requests: a User-Agent for
    publishers that refuse the default one, and further headers (a cookie, an API key)."""

    user_agent: str | None = Field(default=None, min_length=1)
    headers: dict[str, str] = {}

    @field_validator("user_agent")
    @classmethod
    def _one_line_agent(cls, value: str | None) -> str | None:
        if value is not None and any(char in value for char in "\r\n\0"):
            raise ValueError("a User-Agent on one line")
        return value

    @field_validator("headers")
    @classmethod
    def _usable_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not _HEADER_NAME.match(name):
                raise ValueError(f"a header name without spaces or separators, got {name!r}")
            if name.lower() in _OWN_HEADERS:
                raise ValueError(f"headers other than {name!r}, which briefbot sets itself")
            if any(char in text for char in "\r\n\0"):
                raise ValueError(f"a value on one line for header {name!r}")
        return value

    @property
    def request_headers(self) -> dict[str, str]:
        """The headers this source's requests carry beyond briefbot's own."""
        agent = {"User-Agent": self.user_agent} if self.user_agent else {}
        return agent | self.headers


class RssSource(_FetchedSource):
    type: Literal["rss"]
    name: str = Field(min_length=1)
    url: AnyHttpUrl
    weight: float = Field(default=1.0, ge=0)

    @property
    def address(self) -> str:
        return str(self.url)


class RedditSource(_FetchedSource):
    type: Literal["reddit"]
    name: str = Field(min_length=1)
    subreddit: str = Field(pattern=r"^[A-Za-z0-9_]{2,21}$")
    url: AnyHttpUrl = AnyHttpUrl("https://www.reddit.com")
    oauth_url: AnyHttpUrl = AnyHttpUrl("https://oauth.reddit.com")
    listing: Literal["top", "hot"] = "top"
    limit: int = Field(default=25, ge=1, le=100)
    weight: float = Field(default=1.0, ge=0)

    @property
    def address(self) -> str:
        """The public listing feed: the day's top posts, or the hot ones."""
        base = str(self.url).rstrip("/")
        if self.listing == "hot":
            return f"{base}/r/{self.subreddit}/hot/.rss"
        return f"{base}/r/{self.subreddit}/top/.rss?t=day"


class LeaderboardSource(_FetchedSource):
    type: Literal["leaderboard"]
    name: str = Field(min_length=1)
    url: AnyHttpUrl
    page_url: AnyHttpUrl | None = None
    format: Literal["benchlm", "csv"] = "benchlm"
    columns: dict[Literal["rank", "model", "creator", "score", "license"], str] = {}
    top_n: int = Field(default=10, ge=1, le=100)
    min_move: int = Field(default=3, ge=1)
    weight: float = Field(default=1.0, ge=0)

    @property
    def address(self) -> str:
        return str(self.url)

    @property
    def column_names(self) -> dict[str, str]:
        """CSV column names, defaults filled in."""
        defaults = {
            "rank": "rank",
            "model": "model",
            "creator": "organization",
            "score": "score",
            "license": "license",
        }
        return defaults | self.columns


Source = Annotated[RssSource | RedditSource | LeaderboardSource, Field(discriminator="type")]


class _ServerBackend(_Strict):
    """What every backend behind a network connection shares: how long to wait, how often to
    try again after a transient error, how many calls may be in flight at once."""

    timeout_seconds: float = Field(default=120, gt=0)
    retries: int = Field(default=1, ge=0, le=10)
    max_concurrent: int = Field(default=2, ge=1, le=64)


class OllamaSettings(_ServerBackend):
    type: Literal["ollama"] = "ollama"
    host: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:11434")
    model: str = "qwen2.5:7b-instruct"


class OpenAISettings(_ServerBackend):
    """Any server with OpenAI's chat-completions API: vLLM, llama.cpp server, LM Studio."""

    type: Literal["openai"]
    base_url: AnyHttpUrl
    model: str = Field(min_length=1)
    api_key: str | None = None
    api_key_env: str | None = None
    structured: Literal["json_schema", "json_object"] = "json_schema"


class EmbeddedSettings(_Strict):
    """The in-process model: one call at a time, no timeout (a call cannot be cut short).

    `path` runs any GGUF instruct model file instead of a packaged one, with the chat template
    the file carries."""

    type: Literal["embedded"] = "embedded"
    model: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"] = (
        "qwen2.5-coder-1.5b"
    )
    path: Path | None = None
    threads: int | None = Field(default=None, ge=1)
    context_tokens: int = Field(default=4096, ge=1024)
    # keep the KV state of each prompt's static part on disk (write/prefixes.py)
    saved_prefixes: bool = True

    @field_validator("path")
    @classmethod
    def _gguf_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            value = value.expanduser()
            if not value.is_file():
                raise ValueError(f"a GGUF model file that exists, got {str(value)!r}")
        return value

    @property
    def label(self) -> str:
        """How the model is named in the brief and the logs."""
        return self.path.name if self.path else self.model


BackendSettings = Annotated[
    OllamaSettings | OpenAISettings | EmbeddedSettings, Field(discriminator="type")
]


class ModelSettings(_Strict):
    """Which models write, in the order to try them.

    `backends` lists them explicitly and is used as given. Without it, the older keys apply:
    Ollama when `ollama` is configured, then the embedded model.
    """

    backends: list[BackendSettings] | None = Field(default=None, min_length=1)
    ollama: OllamaSettings | None = None
    embedded: EmbeddedSettings = EmbeddedSettings()
    temperature: float = Field(default=0.2, ge=0, le=2)
    # drafts per story, the best verified one kept
    candidates: int = Field(default=3, ge=1, le=MAX_CANDIDATES)

    @model_validator(mode="after")
    def _one_way_to_list_backends(self) -> ModelSettings:
        if self.backends is not None and self.model_fields_set & {"ollama", "embedded"}:
            raise ValueError("either 'backends' or 'ollama'/'embedded', not both")
        return self

    @property
    def route(self) -> list[BackendSettings]:
        """The backends in the order to try them."""
        if self.backends is not None:
            return list(self.backends)
        return [*([self.ollama] if self.ollama else []), self.embedded]


class FetchSettings(_Strict):
    """How sources and article pages are fetched (briefbot.collect.http)."""

    timeout_seconds: float = Field(default=15, gt=0)  # one request, redirects and body included
    stage_seconds: float = Field(default=120, gt=0)  # the whole collect or full-text stage
    max_bytes: int = Field(default=10_000_000, gt=0)  # one body, content codings undone
    full_text_pages: int = Field(default=20, ge=0)
    per_host: int = Field(default=6, ge=1, le=64)
    user_agent: str = "briefbot/0.1 (+https://github.com/briefbot/briefbot)"
    max_fresh_hours: float = Field(default=6, ge=0)  # a Cache-Control max-age is cut to this
    max_retry_after_hours: float = Field(default=12, ge=0)  # and a Retry-After wait to this
    # Non-public addresses that links found inside feeds may reach: "127.0.0.1:8737",
    # "10.0.0.0/8", "[::1]:8080", "intranet" or "intranet:8080".
    allow_private: list[str] = []

    @field_validator("allow_private")
    @classmethod
    def _allow_rules(cls, value: list[str]) -> list[str]:
        from briefbot.collect.netguard import AllowRule  # collect imports config, not back

        for entry in value:
            AllowRule.parse(entry)
        return value


MAX_BASE_URL = 400


class SiteSettings(_Strict):
    """The published site: its public address (links in mails and the feed) and the web form."""

    base_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8080/")
    secret: str | None = Field(default=None, min_length=16)  # BRIEFBOT_SECRET overrides
    confirm_hours: int = Field(default=48, ge=1)
    subscribe_per_hour: int = Field(default=5, ge=1)  # form posts per client address
    # Proxies whose X-Forwarded-For (and -Proto) is believed: addresses or networks (CIDR).
    trusted_proxies: list[IPvAnyNetwork] = []
    max_body_bytes: int = Field(default=65_536, ge=1024)  # of a request to the web app
    request_timeout_seconds: float = Field(default=10, gt=0)  # to send a request's body

    @field_validator("base_url")
    @classmethod
    def _fits_a_mail_header(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        # Unsubscribe links (base_url, a path and a token of up to ~370 characters) go into
        # List-Unsubscribe, one header line of at most 998 characters (RFC 5322 §2.1.1).
        if len(str(value)) > MAX_BASE_URL:
            raise ValueError(f"a URL of at most {MAX_BASE_URL} characters")
        return value


class SmtpSettings(_Strict):
    """The outgoing mail server; every key can be overridden by BRIEFBOT_SMTP_<KEY>."""

    host: str = "localhost"
    port: int | None = Field(default=None, ge=1, le=65535)  # default: 465 ssl, 587 starttls, 25
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)
    ca_file: Path | None = None  # CA certificates (PEM) to verify the server by; default: system


class MailSettings(_Strict):
    from_address: str = "briefbot@localhost"
    per_minute: float = Field(default=60, gt=0)  # rate limit of `briefbot send`
    smtp: SmtpSettings = SmtpSettings()


_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class ChannelSettings(_Strict):
    """One chat or notification service the brief is posted to, as an Apprise URL.

    The URL holds the service's tokens, so it can come from the environment: `url_env` names a
    variable holding the whole URL, or `url` carries `${NAME}` parts filled from the
    environment when the brief is posted. Either way it is never logged or printed."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")  # the delivery's key
    url: str | None = None  # e.g. tgram://${BRIEFBOT_TELEGRAM_TOKEN}/-1001234567890
    url_env: str | None = Field(default=None, pattern=_ENV_NAME)
    brief: str | None = None  # one of `briefs:` by name; default: the config's own brief
    format: Literal["markdown", "text"] | None = None  # default: what the service takes
    max_length: int | None = Field(default=None, ge=200)  # default: the service's limit

    @model_validator(mode="after")
    def _one_url(self) -> ChannelSettings:
        # The URL itself is never quoted back: it may hold a token.
        if (self.url is None) == (self.url_env is None):
            raise ValueError("either 'url' or 'url_env', not both or neither")
        if self.url is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", self.url):
            raise ValueError(
                "an Apprise URL such as 'tgram://...' as 'url' (a whole URL from the "
                "environment: 'url_env')"
            )
        return self


class DeliverSettings(_Strict):
    """Where the brief goes besides mail: chat and notification channels."""

    channels: list[ChannelSettings] = []
    timeout_seconds: float = Field(default=30, gt=0)  # waiting for a service's answer

    @model_validator(mode="after")
    def _distinct_names(self) -> DeliverSettings:
        names = [channel.name for channel in self.channels]
        if len(set(names)) < len(names):
            raise ValueError("each of channels needs its own name")
        return self


class ScheduleSettings(_Strict):
    """When `briefbot schedule` writes the brief, in the brief's time zone: `at` or `cron`."""

    at: str = "07:00"  # HH:MM or HH:MM:SS
    cron: str | None = None  # five crontab fields, e.g. "30 6 * * 1-5"
    misfire_grace_minutes: int = Field(default=720, ge=1)  # a late brief is still made this late

    @field_validator("at")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?", value):
            raise ValueError("a time of day as HH:MM or HH:MM:SS")
        return value

    @field_validator("cron")
    @classmethod
    def _valid_crontab(cls, value: str | None) -> str | None:
        from apscheduler.triggers.cron import CronTrigger  # only this check needs it here

        if value is not None:
            try:
                CronTrigger.from_crontab(value)
            except ValueError as error:
                raise ValueError(f"five crontab fields such as '0 7 * * *' ({error})") from None
        return value

    @model_validator(mode="after")
    def _one_time_only(self) -> ScheduleSettings:
        if self.cron is not None and "at" in self.model_fields_set:
            raise ValueError("either 'at' or 'cron', not both")
        return self


class BriefSettings(_Strict):
    """One more brief from the same collection: its own topic, picking and writing."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")  # its folder in the output
    title: str = Field(min_length=1)
    top_stories: int = Field(default=5, ge=1, le=50)
    topic_keywords: list[str] = []
    sources: list[str] | None = None  # names of the sources it reads; default: all


class Settings(_Strict):
    title: str = Field(min_length=1)
    timezone: str = "UTC"
    top_stories: int = Field(default=5, ge=1, le=50)
    lookback_hours: int = Field(default=36, ge=1, le=24 * 14)
    topic_keywords: list[str] = []
    sources: list[Source] = Field(min_length=1)
    model: ModelSettings = ModelSettings()
    fetch: FetchSettings = FetchSettings()
    database: str | None = None  # a SQLite file's path
    database_url: str | None = None  # instead: e.g. postgresql+psycopg://user@host/briefbot
    site: SiteSettings = SiteSettings()
    mail: MailSettings = MailSettings()
    deliver: DeliverSettings = DeliverSettings()  # chat and notification channels
    schedule: ScheduleSettings = ScheduleSettings()
    healthcheck_url: AnyHttpUrl | None = None  # pinged at start, on success and at <url>/fail
    briefs: list[BriefSettings] = []  # more briefs from the same sources, in DIR/<name>/

    @model_validator(mode="after")
    def _briefs_name_known_sources(self) -> Settings:
        known = {source.name for source in self.sources}
        names = [brief.name for brief in self.briefs]
        if len(set(names)) < len(names):
            raise ValueError("each of briefs needs its own name")
        for brief in self.briefs:
            unknown = sorted(set(brief.sources or ()) - known)
            if unknown:
                raise ValueError(f"brief {brief.name!r} names unknown sources: {unknown}")
        for channel in self.deliver.channels:
            if channel.brief is not None and channel.brief not in names:
                raise ValueError(f"channel {channel.name!r} names an unknown brief")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"an IANA time zone such as 'Europe/Berlin', got {value!r}") from error
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                make_url(value)
            except ArgumentError:
                raise ValueError(
                    "a database URL such as 'postgresql+psycopg://user@127.0.0.1/briefbot'"
                ) from None
        return value

    @model_validator(mode="after")
    def _one_database(self) -> Settings:
        if self.database is not None and self.database_url is not None:
            raise ValueError("either 'database' (a SQLite file) or 'database_url', not both")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(path: Path) -> Settings:
    """Read and validate a sources.yaml; raise ConfigError with a one-line message."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}:{where}: {problem}") from error
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with 'title' and 'sources' at the top")
    return parse_settings(raw, origin=str(path))


def parse_settings(raw: dict, origin: str = "<config>") -> Settings:
    """Validate an already-parsed configuration mapping."""
    try:
        return Settings.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(f"{origin}: {describe_first_error(error, raw)}") from None


def describe_first_error(error: ValidationError, raw: dict) -> str:
    """Turn pydantic's first error into 'key.path: expected ..., got ...'."""
    first = error.errors()[0]
    key = _key_path(first["loc"], raw)
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    if first["type"] == "missing":
        return f"{key}: required key is missing"
    if first["type"] == "union_tag_not_found":
        return f"{key}.type: required key is missing"
    if first["type"] == "url_scheme":
        return f"{key}: expected an http or https URL, got {first.get('input')!r}"
    if first["type"] == "union_tag_invalid":
        context = first["ctx"]
        return f"{key}.type: expected one of {context['expected_tags']}, got {context['tag']!r}"
    got = first.get("input")
    shown = "" if isinstance(got, dict | list) or got is None else f", got {got!r}"
    message = message.removeprefix("Value error, ").removeprefix("Input should be ")
    if message[:2].istitle():
        message = message[0].lower() + message[1:]
    return f"{key}: expected {message}{shown}"


def _key_path(loc: tuple, raw: dict) -> str:
    """Render a pydantic location as sources[2].url, skipping union tags."""
    parts: list[str] = []
    node: object = raw
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
            node = node[step] if isinstance(node, list) and step < len(node) else None
        elif isinstance(node, dict) and step not in node and node.get("type") == step:
            continue
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"
