"""Misspelt words: a word a draft writes that no source and no prompt has and no English
dictionary knows, one slip away from a word the sources do have ("management endponts" for
"endpoints"). A small model drops or swaps a letter now and then; a brief shown with the slip
reads as careless and invites doubt about the rest.

The dictionary is pyspellchecker's English word list (word frequencies from OpenSubtitles,
https://github.com/barrust/pyspellchecker); closeness is difflib's ratio (the standard
library's Ratcliff/Obershelp matching). Names and terms of art the dictionary lacks
("safetensors") are the sources' own words, and a word the sources spell the other way
("quantisation", "quantization") is the same word.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from functools import cache

from spellchecker import SpellChecker

from briefbot.write import checks
from briefbot.write.verify import one_spelling

SHORTEST = 5  # letters: shorter words have too many real neighbours
CLOSENESS = 0.85  # difflib ratio of a slip to its word: "endponts"/"endpoints" is 0.94


@cache
def _dictionary() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


def misspelt(text: str, known: Collection[str], words: Collection[str]) -> list[str]:
    """The words of `text` that are no word of `known` (the sources', the prompts') nor of
    the dictionary yet close to one of `words` (the sources' own), each as "slip (word)"; []
    when none."""
    spelled = {one_spelling(word) for word in known}
    candidates = [word for word in words if len(word) >= SHORTEST and word.isalpha()]
    found = []
    for word in dict.fromkeys(checks.words(text)):
        if len(word) < SHORTEST or not word.isalpha() or word in known:
            continue
        if one_spelling(word) in spelled or word in _dictionary():
            continue
        if close := difflib.get_close_matches(word, candidates, n=1, cutoff=CLOSENESS):
            found.append(f"{word} ({close[0]})")
    return found
