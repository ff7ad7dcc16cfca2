"""What the page and the mail show of a story besides its texts: its sources as named links, a
check link for each Summary sentence, and the leaderboard's gap over time as a small chart.

Text-fragment links (`#:~:text=`) follow the WICG Scroll-to-Text-Fragment specification
(https://wicg.github.io/scroll-to-text-fragment/): browsers that support it scroll to the quoted
sentence and highlight it; others open the page at its top.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit

from briefbot.models import GapSeries, SentenceSource, Story
from briefbot.sentences import split_sentences

FRAGMENT_WORDS = 5  # a long sentence is quoted by its first and last words


@dataclass(frozen=True)
class SourceLink:
    """A source of a story as the reader sees it: 'The Inference', 'r/LocalLLaMA, 2 threads'."""

    label: str
    url: str


def source_links(story: Story) -> list[SourceLink]:
    """Each source of a story once, lead first, named and linked to its item (a forum's first
    thread, with the number of threads)."""
    links: dict[str, list[str]] = {}
    for item in story.items:
        url = (
            item.discussion_url
            if item.source_type == "reddit" and item.discussion_url
            else item.url
        )
        links.setdefault(item.source, [])
        if url not in links[item.source]:
            links[item.source].append(url)
    shown = []
    for source, urls in links.items():
        threads = [
            item for item in story.items if item.source == source and item.source_type == "reddit"
        ]
        label = f"{source}, {len(urls)} threads" if threads and len(urls) > 1 else source
        shown.append(SourceLink(label, urls[0]))
    return shown


def text_fragment(url: str, quote_text: str) -> str | None:
    """A link that opens `url` at the quoted sentence; None for a URL that is not http(s)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    words = quote_text.split()
    if len(words) > 2 * FRAGMENT_WORDS:
        start = _encode(" ".join(words[:FRAGMENT_WORDS]))
        end = _encode(" ".join(words[-FRAGMENT_WORDS:]))
        directive = f"{start},{end}"
    else:
        directive = _encode(" ".join(words))
    return f"{url.split('#')[0]}#:~:text={directive}"


def _encode(text: str) -> str:
    """Percent-encoding for a text directive: '-', ',' and '&' are syntax there."""
    return quote(text, safe="").replace("-", "%2D")


@dataclass(frozen=True)
class CheckedSentence:
    text: str
    check_url: str | None  # where the sentence can be checked, None when nowhere


def checked_sentences(
    summary: str, sources: Sequence[SentenceSource | dict | None]
) -> list[CheckedSentence]:
    """The summary's sentences, each with the link to the source sentence it rests on."""
    sentences = split_sentences(summary)
    shown = []
    for number, sentence in enumerate(sentences):
        source = sources[number] if number < len(sources) else None
        if isinstance(source, dict):
            source = SentenceSource(**source)
        link = text_fragment(source.url, source.quote) if source else None
        shown.append(CheckedSentence(sentence, link))
    return shown


def gap_series(source: str, snapshots: Iterable[tuple[date, list[dict]]]) -> GapSeries | None:
    """The series of one leaderboard's snapshots (rows with kind and score); None with fewer
    than two days that have both an open-weight and a proprietary model."""
    points = []
    for day, rows in sorted(snapshots, key=lambda pair: pair[0]):
        ranked = sorted(rows, key=lambda row: row.get("rank", 0))
        best_open = next((r for r in ranked if r.get("kind") == "open-weight"), None)
        best_closed = next((r for r in ranked if r.get("kind") == "proprietary"), None)
        if best_open and best_closed:
            points.append((day, round(float(best_closed["score"]) - float(best_open["score"]), 2)))
    return GapSeries(source, tuple(points)) if len(points) >= 2 else None


@dataclass(frozen=True)
class Chart:
    """A GapSeries drawn as an inline SVG line (no external assets)."""

    svg_points: str  # "x,y x,y ..." in a 300 x 60 box
    low: float
    high: float
    first_day: date
    last_day: date


CHART_WIDTH, CHART_HEIGHT = 300, 60


def chart(series: GapSeries) -> Chart:
    values = [value for _, value in series.points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    count = len(values) - 1 or 1
    coordinates = " ".join(
        f"{n * CHART_WIDTH / count:.1f},{CHART_HEIGHT - (value - low) / span * CHART_HEIGHT:.1f}"
        for n, value in enumerate(values)
    )
    return Chart(coordinates, low, high, series.points[0][0], series.points[-1][0])
