"""Checks and repairs for model text: JSON that was cut off, run-on length, copied sentences,
generic "why it matters" lines."""

from __future__ import annotations

import json
import re

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._'%$-]*")  # "Q4_K_M" is one word
_DANGLING = re.compile(r'(,\s*"[^"]*"\s*:?\s*|,\s*|:\s*)$')
_END_MARKS = ".!?\"'"
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "Inc.", "Ltd.", "Dr.", "Mr.", "Ms.", "No.", "U.S.")

GENERIC_OPENINGS = (
    "this is important",
    "this matters",
    "this news is significant",
    "this development is significant",
    "this could have significant",
    "this has significant implications",
    "it is important",
    "this highlights the importance",
)


def parse_json_object(raw: str) -> dict | None:
    """Parse a model's JSON object, closing strings and braces a token cap cut off."""
    raw = raw.strip()
    start = raw.find("{")
    if start < 0:
        return None
    raw = raw[start:]
    decoder = json.JSONDecoder()
    for candidate in (raw, _close_truncated(raw)):
        try:
            value, _ = decoder.raw_decode(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _close_truncated(raw: str) -> str:
    """Append what a truncated JSON text lacks: a closing quote, brackets and braces."""
    stack: list[str] = []
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
    closed = raw + ('"' if in_string else "")
    closed = _DANGLING.sub("", closed)
    return closed + "".join(reversed(stack))


def sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping common abbreviations and decimals intact."""
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\x00"))
    parts = _SENTENCE_END.split(" ".join(protected.split()))
    return [part.replace("\x00", ".").strip() for part in parts if part.strip()]


def limit_sentences(text: str, most: int) -> str:
    """At most `most` sentences. A last sentence cut off mid-way (no end mark) is dropped, or,
    when it is the only one, cut back to its last complete clause."""
    kept = sentences(text)[:most]
    if kept and kept[-1][-1] not in _END_MARKS:
        if len(kept) > 1:
            kept = kept[:-1]
        else:
            clause_end = max(kept[0].rfind(mark) for mark in (", ", "; ", ": ", " - "))
            if clause_end > len(kept[0]) // 3:
                kept = [kept[0][:clause_end]]
    result = " ".join(kept).strip()
    if result and result[-1] not in _END_MARKS:
        result = result.rstrip(",;:- ") + "."
    return result


def distinct(texts: list[str], overlap: float = 0.5) -> list[str]:
    """The texts in order, leaving out any that shares more than `overlap` of its words
    (Jaccard) with one kept before it."""
    kept: list[tuple[str, set[str]]] = []
    for text in texts:
        vocabulary = set(words(text))
        if vocabulary and all(
            len(vocabulary & seen) / len(vocabulary | seen) <= overlap for _, seen in kept
        ):
            kept.append((text, vocabulary))
    return [text for text, _ in kept]


def words(text: str) -> list[str]:
    """The text's words, lower case, a possessive's "'s" left off ("Mixer-2's" -> "mixer-2")."""
    return [match.group(0).lower().strip(".'").removesuffix("'s") for match in _WORD.finditer(text)]


def copied_share(output: str, source: str, span: int = 8) -> float:
    """Share of the output's words that sit in a run of `span`+ words copied from the source."""
    out_words = words(output)
    if len(out_words) < span:
        return 0.0
    source_words = words(source)
    source_spans = {tuple(source_words[i : i + span]) for i in range(len(source_words) - span + 1)}
    copied = [False] * len(out_words)
    for i in range(len(out_words) - span + 1):
        if tuple(out_words[i : i + span]) in source_spans:
            copied[i : i + span] = [True] * span
    return sum(copied) / len(out_words)


def is_generic(why_it_matters: str, title: str, text: str) -> bool:
    """True for a note that opens with filler or names nothing specific to the story."""
    lowered = why_it_matters.lower().strip()
    if not lowered or lowered.startswith(GENERIC_OPENINGS):
        return True
    specific = {w for w in words(title + " " + text) if len(w) > 3 or any(c.isdigit() for c in w)}
    note_words = set(words(why_it_matters))
    return not (note_words & specific - _COMMON)


_COMMON = set(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "will",
        "they",
        "their",
        "about",
        "which",
        "more",
        "than",
        "what",
        "when",
        "been",
        "were",
        "into",
        "also",
        "like",
        "just",
        "over",
        "most",
        "some",
        "such",
        "only",
        "other",
        "these",
        "those",
        "there",
        "them",
        "make",
        "made",
        "your",
        "open",
        "source",
        "model",
        "models",
        "data",
        "able",
        "across",
        "after",
        "before",
        "because",
        "being",
        "could",
        "should",
        "would",
    ]
)
