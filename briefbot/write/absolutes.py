"""Absolute claims of no loss or of parity: "without sacrificing quality", "no loss in
accuracy", "lossless", "matches 4-bit quality", "on par with". Where the sources only hedge
("nearly matches", "keeps quality close to Q4_K_M", "a perplexity penalty of 0.9 percent"),
such a claim turns a near thing into a sure one: the hedge is dropped without a word of the
source to point at, so the verifier's hedge check (which follows the source's hedged verb)
cannot see it.

Own code, not a library's: this is grounding, what briefbot exists for.
"""

from __future__ import annotations

import re

_ABSOLUTE = re.compile(
    r"\b(?:"
    r"without (?:any |much |a |noticeable |significant |measurable |real )?"
    r"(?:sacrific|los[ei]|loss|hurt|compromis|degrad|harm|giving up|trading|dropping|reducing)\w*"
    r"|no (?:\w+ ){0,2}(?:loss|drop|degradation|penalty|trade-?off|compromise)s?"
    r"|lossless(?:ly)?"
    r"|(?:the same|full|identical|equal) (?:quality|accuracy|performance|results?)"
    r"|on par with|as (?:good|accurate|capable|strong) as"
    r"|match(?:es|ed|ing)?|equal(?:s|led|ling| to)"
    r")\b",
    re.IGNORECASE,
)
# Words just before that hedge the claim: "nearly matches", "close to the same quality".
_HEDGED = re.compile(
    r"\b(?:nearly|almost|close to|closely|roughly|about|virtually|largely|mostly|near|"
    r"approximately|practically|come close to|comes close to|not quite|all but)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


def absolutes(text: str) -> list[str]:
    """The text's unhedged claims of no loss or of parity, as written."""
    return [
        found.group(0)
        for found in _ABSOLUTE.finditer(text)
        if not _HEDGED.search(text[max(0, found.start() - 40) : found.start()])
    ]
