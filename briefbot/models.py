"""The plain data that flows through the pipeline: collect -> store -> pick -> write -> render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Item:
    """One piece of collected news: a feed entry, a Reddit post or a leaderboard snapshot."""

    url: str
    title: str
    source: str
    source_type: str
    published: datetime | None
    teaser: str = ""
    text: str = ""
    author: str = ""
    discussion_url: str = ""
    score: int = 0
    comments: int = 0
    weight: float = 1.0
    metadata: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def best_text(self) -> str:
        """The fullest text known for the item: article text, else the feed's teaser."""
        return self.text if len(self.text) > len(self.teaser) else self.teaser


@dataclass(frozen=True)
class FetchState:
    """What briefbot remembers between runs about fetching one source URL."""

    etag: str = ""
    last_modified: str = ""
    fresh_until: datetime | None = None
    retry_after: datetime | None = None
    final_url: str = ""
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    consecutive_failures: int = 0
    last_error: str = ""
    moved_to: str = ""  # adopted after a permanent redirect (301, 308): asked instead of the URL
    gone_since: datetime | None = None  # answered 410 Gone: not asked again for this URL


class SourceStatus:
    """How a source's fetch ended in one run."""

    OK = "ok"
    NOT_MODIFIED = "not modified"  # the server answered 304: nothing new, no body downloaded
    FRESH = "fresh"  # the last answer is still fresh (Cache-Control: max-age): not asked
    FAILED = "failed"
    GONE = "gone"  # answered 410 Gone (the run that saw it has the error), then never asked


@dataclass(frozen=True)
class SourceResult:
    """What one source gave in one run: its items, or why it gave none."""

    name: str
    source_type: str
    items: tuple[Item, ...] = ()
    error: str | None = None
    mode: str = ""
    status: str = SourceStatus.OK
    address: str = ""
    state: FetchState | None = None
    snapshot: tuple[dict, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.status != SourceStatus.FAILED


@dataclass(frozen=True)
class Story:
    """A picked story: its lead item, every item that reports it, and why it ranked."""

    lead: Item
    items: tuple[Item, ...]
    score: float
    score_parts: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def sources(self) -> list[str]:
        """Distinct source names, lead first."""
        return list(dict.fromkeys(item.source for item in self.items))

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(item.url for item in self.items))

    @property
    def discussion_urls(self) -> list[tuple[str, str]]:
        """(source, thread URL) of each discussion other than the lead's own page."""
        return [
            (item.source, item.discussion_url)
            for item in self.items
            if item.discussion_url and item.discussion_url != self.lead.url
        ]

    @property
    def other_urls(self) -> list[str]:
        """The story's other articles: neither the lead nor a listed discussion."""
        shown = {self.lead.url, *(url for _, url in self.discussion_urls)}
        return [url for url in self.urls if url not in shown]


@dataclass(frozen=True)
class StoryText:
    """What the writer produced for one story."""

    summary: str
    why_it_matters: str  # empty when no note passed the grounding check
    extract: bool = False  # the summary is the article's own opening lines, not the model's


@dataclass(frozen=True)
class BottomLinePoint:
    """One Bottom Line bullet and the stories (numbered from 1) it is drawn from."""

    text: str
    stories: tuple[int, ...]


@dataclass(frozen=True)
class WrittenStory:
    story: Story
    text: StoryText


@dataclass(frozen=True)
class Brief:
    """Everything a template needs to render one day's brief."""

    title: str
    day: date
    posted_at: datetime
    stories: list[WrittenStory]
    bottom_line: list[BottomLinePoint]
    source_results: list[SourceResult] = field(default_factory=list)
    written_by: str = ""
    run_note: str = ""  # how the run wrote it: model calls, their time, texts from the cache
    unavailable_models: list[str] = field(default_factory=list)  # skipped backends, and why

    @property
    def failed_sources(self) -> list[SourceResult]:
        return [result for result in self.source_results if not result.ok]


@dataclass(frozen=True)
class ModelCall:
    """One model call, or one cache hit that saved a call: the audit trail's row."""

    backend: str
    model: str
    prompt_version: str
    kind: str
    input_hash: str
    cached: bool
    ok: bool = True
    error: str = ""
    output: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    run_id: int | None = None
