"""The brief as a chat post: its title and day, each top story as one line with its link, the
Bottom Line's lede and a link to the full brief, made from the published record.

The lines come from `templates/channel.md.j2` or `channel.txt.j2` (one macro a line). They are
packed, in order, into as few posts as the service's length limit allows, breaking only between
lines; a line too long for a post on its own has its text shortened at a word boundary with
"…", never its link. A link is never cut: a story line whose link cannot fit at all is posted
without it (the full brief links to the story).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from jinja2 import Environment

from briefbot.publish import PublishedBrief, PublishedStory

log = logging.getLogger(__name__)

Markup = Literal["markdown", "text"]

# Characters left as they are in a link; the rest is percent-encoded, so that a parenthesis
# cannot end a Markdown link early and a space cannot end an autolinked URL.
_URL_SAFE = ":/?#[]@!$&'*+,;=%~.-_"


@dataclass(frozen=True)
class Limits:
    """What one post may hold: `body` and `title` as `measure` counts them; a `title` of 0
    means the service has no title field, so the heading goes into the body."""

    body: int
    title: int = 0
    measure: Callable[[str], int] = len


def json_escaped_length(text: str) -> int:
    """The length of text as an ASCII JSON string: never less than its UTF-8 bytes, for a
    service whose limit is in bytes and whose client posts JSON (ntfy)."""
    return len(json.dumps(text)) - 2


@dataclass(frozen=True)
class ChannelMessage:
    """The posts for one channel, in order; `title` goes with each of them ("" when the service
    has no title field and the heading opens the first post)."""

    title: str
    posts: tuple[str, ...]
    markup: Markup


def lede(brief: PublishedBrief) -> str:
    """The Bottom Line in one line: its lede, else (a record written before ledes) its first
    bullet."""
    if brief.lede:
        return brief.lede
    return brief.bottom_line[0].text if brief.bottom_line else ""


def link(url: str) -> str | None:
    """A story's URL fit for a post, or None for anything but http(s) (javascript:, data:)."""
    url = "".join(url.split())
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return quote(url, safe=_URL_SAFE)


def compose(
    brief: PublishedBrief,
    *,
    page_url: str,
    markup: Markup,
    limits: Limits,
    environment: Environment,
) -> ChannelMessage:
    """The brief's posts for one channel, each within `limits`."""
    name = "channel.md.j2" if markup == "markdown" else "channel.txt.j2"
    lines = environment.get_template(name).module
    day = brief.day.isoformat()

    def fits(text: str) -> bool:
        return limits.measure(text) <= limits.body

    def fits_title(text: str) -> bool:
        return limits.measure(text) <= limits.title

    title = ""
    sections: list[list[str | None]] = []
    if limits.title > 0:
        title = _shortened(lambda text: f"{text} — {day}", brief.title, fits_title) or day
    else:
        sections.append(
            [_shortened(lambda text: _line(lines.heading, text, day), brief.title, fits)]
        )
    sections.append(
        [_story_line(lines.story, n, story, fits) for n, story in enumerate(brief.stories, 1)]
    )
    if summary := lede(brief):
        sections.append([_shortened(lambda text: _line(lines.lede, text), summary, fits)])
    if (page := link(page_url)) is not None:
        closing = _line(lines.full_brief, page)
        sections.append([closing if fits(closing) else page if fits(page) else None])
    kept = [[line for line in section if line is not None] for section in sections]
    return ChannelMessage(title, _packed(kept, fits), markup)


def _story_line(
    macro: Callable[..., Any], number: int, story: PublishedStory, fits: Callable[[str], bool]
) -> str | None:
    """A story's line with its link, shortened to fit; without the link when even the shortest
    line with it does not fit (a link is never cut); None when nothing fits."""
    url = link(story.url)
    line = _shortened(lambda text: _line(macro, number, text, url), story.title, fits)
    if line is None and url is not None:
        log.info("story %d: its link is too long for one post; posted without it", number)
        line = _shortened(lambda text: _line(macro, number, text, None), story.title, fits)
    return line


def _line(macro: Callable[..., Any], *arguments: object) -> str:
    return " ".join(str(macro(*arguments)).split())  # one line, whatever the text held


def _folded(text: str) -> str:
    return " ".join(text.split())


def _shortened(render: Callable[[str], str], text: str, fits: Callable[[str], bool]) -> str | None:
    """`render(text)`, or `render` of the longest shortening of `text` that fits; None when
    not even "…" does. The text is folded to one line first."""
    text = _folded(text)
    if fits(whole := render(text)):
        return whole
    shortest, longest = 0, len(text) - 1  # the longest cut that fits is in [shortest, longest]
    if not fits(render(_cut(text, 0))):
        return None
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if fits(render(_cut(text, middle))):
            shortest = middle
        else:
            longest = middle - 1
    return render(_cut(text, shortest))


def _cut(text: str, length: int) -> str:
    """The first `length` characters of text, back to the last word boundary when there is one
    in their second half, and "…"."""
    head = text[:length]
    space = head.rfind(" ")
    if space > length // 2:
        head = head[:space]
    return head.rstrip(" ,;:-—") + "…"


def _packed(sections: list[list[str]], fits: Callable[[str], bool]) -> tuple[str, ...]:
    """The lines in order, a blank line between sections, in as few posts as fit; a post
    breaks only between lines (every line fits a post on its own)."""
    posts: list[str] = []
    current = ""
    for section in sections:
        for index, line in enumerate(section):
            gap = "\n\n" if index == 0 else "\n"
            joined = f"{current}{gap}{line}" if current else line
            if fits(joined):
                current = joined
            else:
                posts.append(current)
                current = line
    if current:
        posts.append(current)
    return tuple(posts)
