"""Text as it enters briefbot: a feed's titles and teasers decoded by their declared type, HTML
fragments turned into plain text, and every text bounded and cleared of characters that XML
and mail cannot carry.

Every collector's text passes through here (see `collect.results.bounded_item`), so what reaches
the store, the model and the rendered brief is plain text of a known size.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

# Bounds on what one item may carry (characters). A title is a headline, not a page; a teaser
# is a feed's summary; a body is an article (about 100 KB); a name is a person or a model.
TITLE_CHARS = 300
TEASER_CHARS = 10_000
TEXT_CHARS = 100_000
NAME_CHARS = 200

# What XML 1.0 (§2.2 Char) and mail cannot carry, and what no reader should see: C0 controls
# but tab, newline and carriage return; DEL and the C1 controls; lone surrogates; the
# non-characters U+FFFE and U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"[^\S\n]+")  # any run of whitespace but newlines (tabs, NBSP, ...)
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def safe_chars(text: str) -> str:
    """`text` without the characters XML and mail cannot carry (see `_UNSAFE`); CR LF and a
    lone CR become LF."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def bounded(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, cut at a word boundary with an ellipsis when
    something had to go."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def one_line(text: str, limit: int = TITLE_CHARS) -> str:
    """A headline or a name: safe characters, all whitespace (newlines too) folded into single
    spaces, at most `limit` characters."""
    return bounded(" ".join(safe_chars(text).split()), limit)


def paragraphs(text: str, limit: int) -> str:
    """A teaser or a body: safe characters, spaces folded within lines, paragraphs kept, at most
    `limit` characters."""
    lines = [_SPACE.sub(" ", line).strip() for line in safe_chars(text).split("\n")]
    return bounded(_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip(), limit)


def is_html(content_type: str) -> bool:
    """True for the types of feed text that hold markup: RFC 4287 §3.1.1's `html` and
    `xhtml` and the MIME types feedparser reports for them."""
    return content_type.strip().lower() in _HTML_TYPES


def decoded(value: str, content_type: str) -> str:
    """A feed text as plain text, read by its declared type: HTML (`text/html`, xhtml) is
    decoded once (tags dropped, entities unescaped), plain text is kept as it is ("AT&T <3"
    stays so). feedparser has already undone the XML escaping, per RFC 4287 §3.1.1."""
    return html_to_text(value) if is_html(content_type) else value


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, entities decoded once, paragraphs kept, scripts and
    styles dropped."""
    fragment = safe_chars(fragment or "")  # lxml refuses NUL and lone surrogates
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return _tidy(html.unescape(fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in root.xpath("//script|//style|//noscript|//iframe|//object|//embed"):
        bad.drop_tree()
    for block in root.iter(*_BLOCK_TAGS):
        block.tail = "\n\n" + (block.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
