"""OPML subscription lists in and out: `briefbot sources import FILE.opml` adds a feed reader's
feeds to the config as `rss` sources, `briefbot sources export` writes the config's `rss`
sources as OPML 2.0 (http://opml.org/spec2.opml).

Reading is listparser's (nested outlines, categories, OPML 1.0 and 2.0); the config is edited
with ruamel.yaml, which keeps its comments, order and layout, so an import only appends to
`sources:`.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree
from xml.parsers import expat

import listparser
import yaml
from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from briefbot.collect.urls import canonical_url
from briefbot.config import ConfigError, RssSource, Settings, parse_settings
from briefbot.render import write_atomically


class OpmlError(ConfigError):
    """A file that is not an OPML subscription list (bad input, like a bad config)."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed outline: its address and the name to give its source."""

    url: str
    title: str


@dataclass
class ImportResult:
    """What an import did: the sources added, and what was left out and why."""

    added: list[OpmlFeed] = field(default_factory=list)
    already: list[OpmlFeed] = field(default_factory=list)  # the config has the feed already
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (outline, why)


def read_opml(data: bytes, origin: str) -> tuple[list[OpmlFeed], list[tuple[str, str]]]:
    """The feed outlines of an OPML file, at any depth, in order, and the outlines that are
    not feeds (links, included lists) with why. Raises OpmlError for a file that is not
    well-formed XML or not OPML."""
    parsed = listparser.parse(_as_utf8(data, origin))
    if not parsed.get("version", "").startswith("opml"):
        raise OpmlError(f"{origin}: not an OPML file (no <opml> document element)")
    feeds = [OpmlFeed(feed.url.strip(), " ".join(feed.title.split())) for feed in parsed.feeds]
    others = [(entry.title or entry.url, f"not a feed ({entry.url})") for entry in parsed.lists]
    return feeds, others


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _as_utf8(data: bytes, origin: str) -> bytes:
    """The document as UTF-8 that says so, checked to be well-formed XML.

    listparser reads with lxml's forgiving HTML parser, which takes a document without a
    declaration for Latin-1 (XML's default is UTF-8), misreads some declared encodings, and
    reads a truncated file without a word, giving the feeds before the break. expat (no
    external entities, no network) reads the encoding as XML says (BOM, then declaration, then
    UTF-8) and says where a broken file breaks."""
    declared: list[str | None] = []
    parser = expat.ParserCreate()
    parser.XmlDeclHandler = lambda version, encoding, standalone: declared.append(encoding)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise OpmlError(f"{origin}: not an OPML file: not well-formed XML ({error})") from None
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        text = data.decode(declared[0] if declared and declared[0] else "utf-8")
    body = _XML_DECLARATION.sub("", text, count=1)
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode("utf-8")


def import_opml(opml: Path, config: Path, settings: Settings) -> ImportResult:
    """Append the OPML file's feeds that the config lacks to its `sources:` as `rss` sources
    with their name and URL, keeping the rest of the file as it is. Raises OpmlError for a bad
    OPML file, ConfigError when the config cannot be edited."""
    try:
        data = opml.read_bytes()
    except OSError as error:
        raise OpmlError(f"{opml}: cannot read: {error.strerror or error}") from None
    feeds, skipped = read_opml(data, str(opml))
    result = ImportResult(skipped=skipped)
    known = {_same_feed(str(source.url)) for source in settings.sources if source.type == "rss"}
    names = {source.name for source in settings.sources}
    for feed in feeds:
        if urlsplit(feed.url).scheme not in ("http", "https"):
            result.skipped.append((feed.title or feed.url, "not an http or https URL"))
        elif _same_feed(feed.url) in known:
            result.already.append(feed)
        else:
            name = _free_name(feed.title or _name_from_url(feed.url), names)
            names.add(name)
            known.add(_same_feed(feed.url))
            result.added.append(OpmlFeed(feed.url, name))
    if result.added:
        _append_sources(config, result.added)
    return result


def _same_feed(url: str) -> str:
    """The form in which two spellings of one feed's URL are equal."""
    return canonical_url(url)


def _name_from_url(url: str) -> str:
    """A name for an untitled feed: its host and path ('blog.example/feed.xml')."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def _free_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... when a source has it already."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def _append_sources(config: Path, feeds: list[OpmlFeed]) -> None:
    """Append `rss` sources to the config file's `sources:` list, checked before it is saved.

    A block list (`- ...` lines) gets one line per source inserted after its last item, so
    every other byte of the file stays as it was; a flow list (`[...]`, or a JSON config) is
    written out again by ruamel.yaml, which keeps the comments."""
    try:
        text = config.read_text(encoding="utf-8")
        document = _round_trip().load(text)
    except (OSError, YAMLError) as error:
        raise ConfigError(f"{config}: cannot edit: {error}") from None
    sources = document.get("sources") if isinstance(document, CommentedMap) else None
    if not isinstance(sources, CommentedSeq) or not sources:
        raise ConfigError(f"{config}: cannot edit: 'sources' is not a YAML list")
    entries = [_entry(feed) for feed in feeds]
    edited = _inserted(text, document, sources, entries)
    if edited is None:
        sources.extend(entries)
        out = io.StringIO()
        _round_trip().dump(document, out)
        edited = out.getvalue()
    parse_settings(yaml.safe_load(edited), origin=str(config))  # read as briefbot reads it
    write_atomically(config, edited)


def _round_trip() -> YAML:
    yaml = YAML()  # round trip: comments, key order, quotes and flow style kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never wrap a line
    return yaml


def _entry(feed: OpmlFeed) -> CommentedMap:
    """The feed as a one-line `rss` source, as the README writes sources; a value that the
    config's reader (PyYAML, YAML 1.1: `yes` is true, `1.0` a number) would misread is quoted."""
    entry = CommentedMap(type="rss", name=feed.title, url=feed.url)
    entry.fa.set_flow_style()
    out = io.StringIO()
    _round_trip().dump([entry], out)
    if yaml.safe_load(out.getvalue()) != [dict(entry)]:
        entry["name"] = DoubleQuotedScalarString(feed.title)
        entry["url"] = DoubleQuotedScalarString(feed.url)
    return entry


def _inserted(
    text: str, document: CommentedMap, sources: CommentedSeq, entries: list[CommentedMap]
) -> str | None:
    """`text` with `entries` as lines after the last item of the block list `sources`, or None
    when the list is not a block list of `- ` lines."""
    lines = text.splitlines(keepends=True)
    first = lines[sources.lc.item(0)[0]]
    if sources.fa.flow_style() or not first.lstrip().startswith("- "):
        return None
    keys = list(document)
    after = keys.index("sources") + 1
    end = document.lc.key(keys[after])[0] if after < len(keys) else len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank lines and comments before the next key stay where they are
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    indent = first[: len(first) - len(first.lstrip())]
    out = io.StringIO()
    _round_trip().dump(entries, out)  # quoted as YAML needs
    added = [indent + line + "\n" for line in out.getvalue().splitlines()]
    return "".join(lines[:end] + added + lines[end:])


def export_opml(settings: Settings, now: datetime | None = None) -> str:
    """The config's `rss` sources as an OPML 2.0 document, titled with the brief's title."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = settings.title
    created = format_datetime(now or datetime.now(UTC), usegmt=True)  # RFC 822, as OPML says
    ElementTree.SubElement(head, "dateCreated").text = created
    body = ElementTree.SubElement(root, "body")
    for source in settings.sources:
        if isinstance(source, RssSource):
            attributes = {"type": "rss", "text": source.name, "title": source.name}
            ElementTree.SubElement(body, "outline", attributes | {"xmlUrl": str(source.url)})
    ElementTree.indent(root)
    document = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{document}\n'
