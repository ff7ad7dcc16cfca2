"""The plain data that flows through the pipeline: collect -> store -> pick -> write -> render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Item:
    """One piece of collected news: a feed entry, a Reddit post or a leaderboard snapshot.

    An item is known by its source and its `identity`: the canonical URL, or `key` where a feed
    gives several entries one link and tells them apart by GUID (`url#guid`)."""

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
    key: str = ""  # set only when the URL alone does not tell this item from its neighbours

    @property
    def identity(self) -> str:
        """What tells this item from the source's others: its key, else its canonical URL."""
        return self.key or self.url

    @property
    def has_own_page(self) -> bool:
        """False when the URL is not this item's own article but a page it shares with other
        entries, the feed's site, or a media file (`metadata["link"]` says which)."""
        return not self.key and "link" not in self.metadata

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
    skipped: tuple[str, ...] = ()  # entries left out, each with why ("entry 3: no link")

    @property
    def ok(self) -> bool:
        return self.error is None and self.status != SourceStatus.FAILED


@dataclass(frozen=True)
class EarlierStory:
    """A story an earlier brief carried, as the store keeps it for story threads."""

    day: date
    position: int  # its number in that day's brief, from 1
    title: str
    url: str
    names: frozenset[str] = frozenset()  # what ties a later story to it (pick/threads.py)

    @property
    def page(self) -> str:
        """Its place in that day's HTML brief, relative to the brief's own folder."""
        return f"{self.day.isoformat()}.html#story-{self.position}"


@dataclass(frozen=True)
class Story:
    """A picked story: its lead item, every item that reports it, and why it ranked."""

    lead: Item
    items: tuple[Item, ...]
    score: float
    score_parts: dict[str, float] = field(default_factory=dict, compare=False)
    continues: EarlierStory | None = None  # the earlier brief's story this one follows up

    @property
    def sources(self) -> list[str]:
        """Distinct source names, lead first."""
        return list(dict.fromkeys(item.source for item in self.items))

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(item.url for item in self.items))

    @property
    def texts(self) -> str:
        """Every item's collected text, joined by spaces ("" for an item with none)."""
        return " ".join(item.text or "" for item in self.items)

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
class SentenceSource:
    """Where one sentence of a Summary can be checked: the source sentence it rests on."""

    url: str
    quote: str


class TextOrigin:
    """Who wrote a Summary or a Why It Matters."""

    MODEL = "model"  # the model's own words, every sentence verified against the sources
    EXTRACT = "extract"  # the article's own opening sentences: no draft passed the checks
    DATA = "data"  # made from structured data (a leaderboard snapshot), not by the model
    FACTS = "facts"  # a note: a fixed sentence of the story's kind filled with checked facts


@dataclass(frozen=True)
class StoryText:
    """What the writer produced for one story."""

    summary: str
    why_it_matters: str  # empty when no note passed the checks
    origin: str = TextOrigin.MODEL
    sources: tuple[SentenceSource | None, ...] = ()  # one per Summary sentence, where known
    note_origin: str = TextOrigin.MODEL  # who wrote the Why It Matters: the model, the facts

    @property
    def extract(self) -> bool:
        """The summary is the article's own opening lines, not the model's."""
        return self.origin == TextOrigin.EXTRACT


@dataclass(frozen=True)
class BottomLinePoint:
    """One Bottom Line bullet and the stories (numbered from 1) it is drawn from."""

    text: str
    stories: tuple[int, ...]


@dataclass(frozen=True)
class BottomLine:
    """The brief's closing: a one-sentence lede and 3 to 5 takeaways. `fallback` when the
    model's synthesis did not pass the checks and plain factual lines (one per kind of story)
    stand in."""

    lede: str
    points: tuple[BottomLinePoint, ...]
    fallback: bool = False

    def to_dict(self) -> dict:
        points = [{"text": p.text, "stories": list(p.stories)} for p in self.points]
        return {"lede": self.lede, "points": points, "fallback": self.fallback}

    @classmethod
    def from_dict(cls, data: dict) -> BottomLine:
        points = tuple(BottomLinePoint(p["text"], tuple(p["stories"])) for p in data["points"])
        return cls(data.get("lede", ""), points, data.get("fallback", False))


@dataclass(frozen=True)
class WrittenStory:
    story: Story
    text: StoryText


@dataclass(frozen=True)
class GapSeries:
    """The gap in points between the best proprietary and the best open-weight model of one
    leaderboard, one point per stored daily snapshot, oldest first."""

    source: str
    points: tuple[tuple[date, float], ...]

    @property
    def latest(self) -> float:
        return self.points[-1][1]


@dataclass(frozen=True)
class Brief:
    """Everything a template needs to render one day's brief."""

    title: str
    day: date
    posted_at: datetime
    stories: list[WrittenStory]
    bottom_line: list[BottomLinePoint]
    source_results: list[SourceResult] = field(default_factory=list)
    lede: str = ""  # the Bottom Line's one-sentence lede
    charts: list[GapSeries] = field(default_factory=list)  # leaderboard gaps over 30 days
    written_by: str = ""
    run_note: str = ""  # how the run wrote it: model calls, their time, texts from the cache
    unavailable_models: list[str] = field(default_factory=list)  # skipped backends, and why
    items_considered: int = 0  # the stored items of the brief's sources in its day's window
    items_new: int = 0  # of those, the ones this run's fetches brought for the first time

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
