"""Splitting prose into sentences: the unit the writer checks and the page links to."""

from __future__ import annotations

import re

MAX_SENTENCE_WORDS = 80  # a run-on "sentence" (a list, a table row) is cut here

_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"')\]”’]?\s+(?=[A-Z0-9\"'(“‘#$])")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "Inc.", "Ltd.", "Dr.", "Mr.", "Ms.", "No.", "U.S.", "St.")


def split_sentences(text: str) -> list[str]:
    """Sentences of prose (semicolons end one too), abbreviations and decimals kept whole; a
    line break ends one too (paragraphs, list rows)."""
    found = []
    for paragraph in re.split(r"\n", text):
        protected = " ".join(paragraph.split())
        for abbreviation in _ABBREVIATIONS:
            protected = protected.replace(abbreviation, abbreviation.replace(".", "\x00"))
        for part in _SENTENCE_END.split(protected):
            sentence = part.replace("\x00", ".").strip()
            if sentence:
                words = sentence.split()
                found.append(" ".join(words[:MAX_SENTENCE_WORDS]))
    return found
