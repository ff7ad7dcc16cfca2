"""Which character encoding a fetched document is in, and its text.

The order is the one browsers use (WHATWG Encoding, "decode"; HTML's encoding sniffing) and
XML's Appendix F: a byte order mark first, then the HTTP `charset` parameter (RFC 9110 §8.3.2),
then the document's own declaration (`<?xml ... encoding=...?>`, `<meta charset>` or
`<meta http-equiv="Content-Type">`), then detection (charset-normalizer). Two refinements keep
a wrong label from garbling a right document: a label the bytes do not decode under is passed
over, and when the header and the declaration disagree, a body that is valid UTF-8 and named
UTF-8 by either one is UTF-8 (valid multi-byte UTF-8 is next to impossible by accident);
otherwise detection chooses between the two labels.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-16 without a BOM still shows in its first characters, '<?' (XML 1.0 Appendix F).
_UTF16_STARTS = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
_LABEL = rb"""["']?\s*([A-Za-z0-9][A-Za-z0-9._:-]*)"""
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*""" + _LABEL)
_META = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*" + _LABEL,
    re.IGNORECASE,
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^\s;"',]+)""", re.IGNORECASE)
_DECLARATION_TEXT = re.compile(r"""^(\ufeff?\s*<\?xml[^>]*?\bencoding\s*=\s*["'])([^"']*)""")
_SNIFF_BYTES = 4096  # declarations are looked for near the start, as browsers do (1024+)
# Labels that mean a superset in practice (WHATWG Encoding's label table): a page labelled
# ISO-8859-1 is read as windows-1252, which gives the same text and also the curly quotes.
_SUPERSETS = {
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "tis_620": "cp874",
    "iso8859_11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}


@dataclass(frozen=True)
class Decoded:
    """A document's text, the encoding it was read with and what said so (`how`: "BOM",
    "HTTP charset", "declaration", "detected", "UTF-8 by default" or "replacement")."""

    text: str
    encoding: str
    how: str


def charset_param(content_type: str) -> str:
    """The `charset` of a Content-Type value, lower-cased ("" when none)."""
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1).lower() if match else ""


def declared_encoding(body: bytes) -> str:
    """The encoding a document names itself: the XML declaration or an HTML <meta>."""
    head = body[:_SNIFF_BYTES]
    for start, encoding in _UTF16_STARTS:
        if head.startswith(start):
            return encoding
    match = _XML_DECLARATION.match(head) or _META.search(head)
    return match.group(1).decode("ascii").lower() if match else ""


def decode_document(body: bytes, content_type: str = "") -> Decoded:
    """A fetched document (feed, page, export) as text, by BOM, HTTP charset, declaration,
    detection, in that order; never raises (undecodable bytes become U+FFFD)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(encoding, errors="replace"), encoding, "BOM")
    header = _codec(charset_param(content_type))
    declared = _codec(declared_encoding(body))
    for encoding, how in _labels(body, header, declared):
        text = _strict(body, encoding)
        if text is not None:
            return Decoded(text, encoding, how)
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "UTF-8 by default")
    encoding = detected_encoding(body)
    text = _strict(body, encoding) if encoding else None
    if text is not None:
        return Decoded(text, encoding, "detected")
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "replacement")


def detected_encoding(body: bytes) -> str:
    """charset-normalizer's guess ("" for none). Of its guesses that are about as clean as the
    best (within 0.02 of its "chaos"), the most coherent wins, windows-1252 on a tie: on short
    texts its first guess can be a rare code page that differs in a letter or two."""
    matches = list(from_bytes(body))
    if not matches:
        return ""
    cleanest = min(match.chaos for match in matches)
    near = [match for match in matches if match.chaos <= cleanest + 0.02]
    chosen = max(near, key=lambda match: (match.coherence, _codec(match.encoding) == "cp1252"))
    return _codec(chosen.encoding) or chosen.encoding


def _labels(body: bytes, header: str, declared: str) -> list[tuple[str, str]]:
    """The labels to try, in order of trust."""
    if not header or not declared or header == declared:
        return [
            (label, how)
            for label, how in ((header, "HTTP charset"), (declared, "declaration"))
            if label
        ]
    if "utf-8" in (header, declared) and _is_utf8_beyond_ascii(body):
        chosen = "HTTP charset" if header == "utf-8" else "declaration"
        return [("utf-8", chosen)]
    best = from_bytes(body, cp_isolation=[header, declared]).best()
    if best is not None and _codec(best.encoding) == declared:
        return [(declared, "declaration"), (header, "HTTP charset")]
    return [(header, "HTTP charset"), (declared, "declaration")]


def _is_utf8_beyond_ascii(body: bytes) -> bool:
    return not body.isascii() and _strict(body, "utf-8") is not None


def _codec(label: str) -> str:
    """Python's codec for an encoding label, widened to its superset ("" when unknown)."""
    if not label:
        return ""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    name = name.replace("-", "_") if name != "utf-8" else name
    return _SUPERSETS.get(name, name)


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "cp1252":  # five bytes windows-1252 leaves undefined: ISO-8859-1's
            return body.decode("latin-1")
        return None
    except LookupError:
        return None


def utf8_document(decoded: Decoded) -> bytes:
    """The document as UTF-8 bytes that say so: an XML declaration's encoding rewritten to
    utf-8 and no BOM, so a parser cannot read it under another encoding."""
    text = _DECLARATION_TEXT.sub(r"\1utf-8", decoded.text.removeprefix("\ufeff"), count=1)
    return text.encode("utf-8")
