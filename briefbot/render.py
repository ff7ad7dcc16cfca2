"""Render: the brief through Jinja templates into dated HTML and Markdown files."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from briefbot.models import Brief, SourceStatus

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def templates_dir() -> Path:
    """Templates shipped inside the package (a wheel), else the repository's templates/."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def md(text: object) -> str:
    """Escape Markdown (and raw HTML) syntax in text that came from a feed or a model."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_url(url: str) -> str:
    """A URL safe inside a Markdown autolink."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~.-_")


def safe_href(url: str) -> str:
    """Only http(s) links become hrefs; anything else (javascript:, data:) is neutralised."""
    return url if urlsplit(url).scheme in ("http", "https") else "#"


def posted(moment: datetime) -> str:
    """'July 03, 2026 at 10:26 PM', as in the seed brief."""
    return moment.strftime("%B %d, %Y at ") + moment.strftime("%I:%M %p").lstrip("0")


def local_day(moment: datetime | None, brief: Brief) -> str:
    """The item's date in the brief's time zone (the brief's day when the item is undated)."""
    if moment is None:
        return brief.day.isoformat()
    return moment.astimezone(brief.posted_at.tzinfo).date().isoformat()


def sources_line(brief: Brief) -> str:
    """'Sources: 9 of 10 answered (7 unchanged since the last fetch), 78 items collected.'

    A source known to be gone (410 on an earlier run, said then) is no longer counted."""
    results = [
        result
        for result in brief.source_results
        if not (result.status == SourceStatus.GONE and result.ok)
    ]
    ok = sum(1 for result in results if result.ok)
    unchanged = sum(1 for result in results if result.status in ("not modified", "fresh"))
    items = sum(len(result.items) for result in results)
    detail = f" ({unchanged} unchanged since the last fetch)" if unchanged else ""
    return f"Sources: {ok} of {len(results)} answered{detail}, {items} items collected."


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
        md=md,
        md_url=md_url,
        safe_href=safe_href,
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
    """Write through a temporary file and a rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_brief(brief: Brief, out_dir: Path) -> list[Path]:
    """Render and write DIR/YYYY-MM-DD.md and DIR/YYYY-MM-DD.html; return their paths."""
    written = []
    for suffix, content in render_brief(brief).items():
        path = out_dir / f"{brief.day.isoformat()}.{suffix}"
        write_atomically(path, content)
        written.append(path)
    return written
