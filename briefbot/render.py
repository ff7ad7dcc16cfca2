"""Render: the brief through Jinja templates into dated HTML and Markdown files."""

from __future__ import annotations

import glob
import logging
import os
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import SplitResult, quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from briefbot.models import Brief, SourceStatus, TextOrigin
from briefbot.views import chart, checked_sentences, source_links

log = logging.getLogger(__name__)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")

# Characters a URL keeps as they are; everything else (space, controls, quotes, `<`, `>`,
# backslash, backtick, non-ASCII) is percent-encoded, so a URL never ends an autolink, an
# attribute or a line early (RFC 3986 §2: reserved and unreserved characters, and `%`).
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~.-_"

# A temporary file of `write_atomically` that nothing has touched for this long belongs to a
# writer that died (a write takes milliseconds); the next write to the same file removes it.
STALE_TEMPORARY_SECONDS = 60


def templates_dir() -> Path:
    """Templates shipped inside the package (a wheel), else the repository's templates/."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def one_line(text: object) -> str:
    """Text on one line: every run of white space, line breaks of any kind included (CR, LF,
    U+2028, U+2029, U+0085, vertical tab, form feed), becomes one space."""
    return " ".join(str(text).split())


def md(text: object) -> str:
    """Escape Markdown (and raw HTML) syntax in text that came from a feed or a model."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))


def web_url(url: str) -> str | None:
    """The URL as a link may carry it, or None when it is not a web address.

    Only `http` and `https` URLs with a host are web addresses (`javascript:`, `data:`,
    `vbscript:`, `file:` and the rest are not, however their scheme is written: WHATWG
    parsing drops leading controls and inner tabs or newlines, and so does `urlsplit`). The
    host is written in ASCII (IDNA, RFC 5891) and every character outside `_URL_SAFE` is
    percent-encoded, so the result never breaks out of `<…>`, an attribute or a line.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError:  # a bad port or a bad IPv6 literal
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    netloc = (f"{quote(userinfo, safe=':%')}@" if userinfo else "") + host
    if port is not None:
        netloc += f":{port}"
    rest = SplitResult("", "", parts.path or "/", parts.query, parts.fragment).geturl()
    return f"{parts.scheme}://{netloc}{quote(rest, safe=_URL_SAFE)}"


def md_link(url: str) -> str:
    """A Markdown autolink (CommonMark §6.5) to a web address; other URLs become plain,
    escaped text that links nowhere."""
    safe = web_url(url)
    return f"<{safe}>" if safe else f"{md(url)} (not a web link)"


def safe_href(url: str) -> str:
    """Only http(s) links become hrefs; anything else (javascript:, data:) is neutralised."""
    return web_url(url) or "#"


def text_url(url: str) -> str:
    """A URL for a plain-text mail: a web address on one line, else a note that it is none."""
    return web_url(url) or f"{one_line(url)} (not a web link)"


def posted(moment: datetime) -> str:
    """'July 03, 2026 at 10:26 PM', as in the seed brief."""
    return moment.strftime("%B %d, %Y at ") + moment.strftime("%I:%M %p").lstrip("0")


def local_day(moment: datetime | None, brief: Brief) -> str:
    """The item's date in the brief's time zone (the brief's day when the item is undated)."""
    if moment is None:
        return brief.day.isoformat()
    return moment.astimezone(brief.posted_at.tzinfo).date().isoformat()


def sources_line(brief: Brief) -> str:
    """'Sources: 9 of 10 answered (7 unchanged since the last fetch); 78 items considered, 3 new
    since the last fetch.' A source that answers 304 or is still fresh gives no items of its
    own this run, so what the brief was picked from is counted from the store, not the fetches.
    A source known to be gone (410 on an earlier run, said then) is no longer counted.
    """
    results = [
        result
        for result in brief.source_results
        if not (result.status == SourceStatus.GONE and result.ok)
    ]
    ok = sum(1 for result in results if result.ok)
    unchanged = sum(1 for result in results if result.status in ("not modified", "fresh"))
    detail = f" ({unchanged} unchanged since the last fetch)" if unchanged else ""
    return (
        f"Sources: {ok} of {len(results)} answered{detail}; {brief.items_considered} items "
        f"considered, {brief.items_new} new since the last fetch."
    )


def origin_label(origin: str) -> str:
    """What a Summary's or a Why It Matters' label adds to say who wrote it: nothing for the
    model's own words."""
    return {
        TextOrigin.EXTRACT: " (extract from the article)",
        TextOrigin.DATA: " (from the leaderboard data)",
        TextOrigin.FACTS: " (from the facts)",
    }.get(origin, "")


def _checked(text: object) -> list:
    """A StoryText's (or a published story's) Summary sentences with their check links."""
    sources = getattr(text, "sources", None)
    if not isinstance(sources, tuple):  # a published story keeps them as `checks`
        sources = getattr(text, "checks", [])
    return checked_sentences(text.summary, sources)


def story_numbers(numbers: tuple[int, ...]) -> str:
    """Where a Bottom Line bullet comes from: 'from story 2', 'from stories 1, 3'."""
    if not numbers:
        return "from the day's stories"
    label = "story" if len(numbers) == 1 else "stories"
    return f"from {label} {', '.join(str(number) for number in numbers)}"


def make_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(
            enabled_extensions=("html", "xml", "html.j2", "xml.j2"), default_for_string=False
        ),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        origin_label=origin_label,
        source_links=source_links,
        checked_sentences=_checked,
        chart=chart,
        md=md,
        md_link=md_link,
        one_line=one_line,
        safe_href=safe_href,
        text_url=text_url,
        posted=posted,
        local_day=local_day,
        sources_line=sources_line,
        story_numbers=story_numbers,
    )
    return environment


def render_brief(brief: Brief, environment: Environment | None = None) -> dict[str, str]:
    """The brief as {'md': ..., 'html': ...}."""
    environment = environment or make_environment()
    return {
        suffix: environment.get_template(f"brief.{suffix}.j2").render(brief=brief)
        for suffix in ("md", "html")
    }


def write_atomically(path: Path, content: str) -> None:
    """Write through a temporary file (`.NAME.XXXX.tmp` beside it) and a rename, so readers
    never see half a file and a failed write leaves the old file as it was. Temporary files of
    the same file that a killed writer left behind are removed first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of `write_atomically(path)` untouched for
    STALE_TEMPORARY_SECONDS; return what was removed."""
    cutoff = (time.time() if now is None else now) - STALE_TEMPORARY_SECONDS
    removed = []
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                removed.append(leftover)
        except FileNotFoundError:  # another writer's cleanup got there first
            continue
    if removed:
        log.info("removed %d leftover temporary files of %s", len(removed), path)
    return removed


def write_brief(brief: Brief, out_dir: Path) -> list[Path]:
    """Render and write DIR/YYYY-MM-DD.md and DIR/YYYY-MM-DD.html; return their paths."""
    written = []
    for suffix, content in render_brief(brief).items():
        path = out_dir / f"{brief.day.isoformat()}.{suffix}"
        write_atomically(path, content)
        written.append(path)
    return written
