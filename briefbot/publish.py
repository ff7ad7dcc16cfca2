"""Publish: the output folder as a small static site: each day's brief with a JSON record of it,
an archive index (newest first) and an Atom feed of the briefs."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

from briefbot.config import SiteSettings
from briefbot.models import BottomLinePoint, Brief, EarlierStory, GapSeries
from briefbot.render import local_day, make_environment, sources_line, write_atomically
from briefbot.views import source_links

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.html$")


@dataclass(frozen=True)
class PublishedStory:
    """One story as published: what the brief says about it and where it links."""

    title: str
    url: str
    sources: list[str]
    day: str
    summary: str
    why_it_matters: str
    extract: bool = False
    discussions: list[tuple[str, str]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    origin: str = "model"  # who wrote the Summary: the model, an extract, the data
    note_origin: str = "model"  # who wrote the Why It Matters: the model, the facts
    checks: list[dict | None] = field(default_factory=list)  # {url, quote} per Summary sentence
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) per source
    previously: dict | None = None  # the earlier story it continues: {day, title, page}


def _previously(earlier: EarlierStory | None) -> dict | None:
    if earlier is None:
        return None
    return {"day": earlier.day.isoformat(), "title": earlier.title, "page": earlier.page}


@dataclass(frozen=True)
class PublishedBrief:
    """A day's brief as plain data, kept beside its HTML as YYYY-MM-DD.json: the archive, the
    feed and the mails are made from it, without the run that wrote it."""

    title: str
    day: date
    posted_at: datetime
    stories: list[PublishedStory]
    bottom_line: list[BottomLinePoint]
    sources_line: str = ""
    failed_sources: list[str] = field(default_factory=list)
    written_by: str = ""
    lede: str = ""  # the Bottom Line's one-sentence lede
    charts: list[GapSeries] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return self.stories[0].title if self.stories else "No stories"

    @classmethod
    def from_brief(cls, brief: Brief) -> PublishedBrief:
        stories = [
            PublishedStory(
                title=written.story.lead.title,
                url=written.story.lead.url,
                sources=written.story.sources,
                day=local_day(written.story.lead.published, brief),
                summary=written.text.summary,
                why_it_matters=written.text.why_it_matters,
                extract=written.text.extract,
                discussions=written.story.discussion_urls,
                also=written.story.other_urls,
                origin=written.text.origin,
                note_origin=written.text.note_origin,
                checks=[asdict(s) if s else None for s in written.text.sources],
                links=[(link.label, link.url) for link in source_links(written.story)],
                previously=_previously(written.story.continues),
            )
            for written in brief.stories
        ]
        return cls(
            title=brief.title,
            day=brief.day,
            posted_at=brief.posted_at,
            stories=stories,
            bottom_line=list(brief.bottom_line),
            sources_line=sources_line(brief),
            failed_sources=[f"{r.name} ({r.error})" for r in brief.failed_sources],
            written_by=brief.written_by,
            lede=brief.lede,
            charts=list(brief.charts),
        )

    def to_json(self) -> str:
        data = asdict(self) | {
            "day": self.day.isoformat(),
            "posted_at": self.posted_at.isoformat(),
            "charts": [
                {"source": c.source, "points": [[d.isoformat(), gap] for d, gap in c.points]}
                for c in self.charts
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> PublishedBrief:
        data = json.loads(text)
        stories = [
            PublishedStory(
                **story
                | {
                    "discussions": [tuple(d) for d in story["discussions"]],
                    "links": [tuple(link) for link in story.get("links", [])],
                }
            )
            for story in data.pop("stories")
        ]
        return cls(
            **data
            | {
                "day": date.fromisoformat(data["day"]),
                "posted_at": datetime.fromisoformat(data["posted_at"]),
                "stories": stories,
                "bottom_line": [_point(point) for point in data["bottom_line"]],
                "charts": [
                    GapSeries(
                        c["source"], tuple((date.fromisoformat(d), g) for d, g in c["points"])
                    )
                    for c in data.get("charts", [])
                ],
            }
        )


def _point(data: dict | str) -> BottomLinePoint:
    """A Bottom Line bullet from a record; records written before bullets named their stories
    hold plain text."""
    if isinstance(data, str):
        return BottomLinePoint(data, ())
    return BottomLinePoint(data["text"], tuple(data["stories"]))


@dataclass(frozen=True)
class ArchiveEntry:
    """One brief of the output folder, as the index and the feed list it."""

    day: date
    title: str
    posted_at: datetime
    headlines: list[str]

    @property
    def page(self) -> str:
        return f"{self.day.isoformat()}.html"


def record_path(out_dir: Path, day: date) -> Path:
    return out_dir / f"{day.isoformat()}.json"


def read_brief(out_dir: Path, day: date) -> PublishedBrief | None:
    """The published record of a day's brief, or None when that day has none."""
    path = record_path(out_dir, day)
    return PublishedBrief.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def publish_site(brief: Brief, out_dir: Path, site: SiteSettings) -> list[Path]:
    """Write the brief's JSON record, then rebuild index.html and feed.xml of the whole folder."""
    record = record_path(out_dir, brief.day)
    write_atomically(record, PublishedBrief.from_brief(brief).to_json())
    return [record, *write_archive(out_dir, site, title=brief.title)]


def write_archive(out_dir: Path, site: SiteSettings, title: str) -> list[Path]:
    """(Re)write index.html and feed.xml listing every dated brief in `out_dir`."""
    entries = archive_entries(out_dir)
    environment = make_environment()
    pages = {
        "index.html": render_index(entries, title, environment),
        "feed.xml": render_feed(entries, title, str(site.base_url), environment),
    }
    for name, content in pages.items():
        write_atomically(out_dir / name, content)
    return [out_dir / name for name in pages]


def archive_entries(out_dir: Path) -> list[ArchiveEntry]:
    """Every YYYY-MM-DD.html in the folder, newest first; from its JSON record when there is one,
    else (a brief written before records were kept) from the page itself."""
    entries = []
    for path in out_dir.glob("*.html") if out_dir.is_dir() else []:
        match = _DAY_FILE.match(path.name)
        if not match:
            continue
        day = date.fromisoformat(match[1])
        record = read_brief(out_dir, day)
        if record is not None:
            headlines = [story.title for story in record.stories]
            entries.append(ArchiveEntry(day, record.title, record.posted_at, headlines))
        else:
            entries.append(_entry_from_page(path, day))
    return sorted(entries, key=lambda entry: entry.day, reverse=True)


class _PageOutline(HTMLParser):
    """Reads a brief page's <h1> and its <h3> story titles."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.headlines: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("h1", "h3"):
            self._open = tag
            if tag == "h3":
                self.headlines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "h1":
            self.title += data
        elif self._open == "h3":
            self.headlines[-1] += data


def _entry_from_page(path: Path, day: date) -> ArchiveEntry:
    outline = _PageOutline()
    outline.feed(path.read_text(encoding="utf-8", errors="replace"))
    title = " ".join(outline.title.split()).removesuffix(f" — {day.isoformat()}") or "Brief"
    posted = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return ArchiveEntry(day, title, posted, [" ".join(h.split()) for h in outline.headlines])


def render_index(entries: list[ArchiveEntry], title: str, environment: Environment) -> str:
    return environment.get_template("index.html.j2").render(entries=entries, title=title)


def render_feed(
    entries: list[ArchiveEntry], title: str, base_url: str, environment: Environment
) -> str:
    """An Atom feed with one entry per brief, linking to the pages under `base_url`."""
    updated = max((entry.posted_at for entry in entries), default=datetime(2000, 1, 1, tzinfo=UTC))
    return environment.get_template("feed.xml.j2").render(
        entries=entries, title=title, base_url=base_url, updated=updated
    )
